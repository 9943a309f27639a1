import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../core/config/load-config.js';
import type { RequestSummary, RoutingOutcome } from '../../core/pipeline/request-summary.js';
import { planShadow } from './shadow-plan.js';

const config = loadConfigText(
  `providers:
  a: { type: simulated }
models:
  tiny: { deployments: [{ provider: a, model: tiny-1 }] }
  small: { deployments: [{ provider: a, model: small-1 }] }
  big: { deployments: [{ provider: a, model: big-1 }] }
  judge: { deployments: [{ provider: a, model: judge-1 }] }
workloads:
  support:
    route: { model: tiny }
    routing:
      cascade: { tiers: [tiny, small, big], checks: [refusal] }
    evaluation:
      shadow: { sample_rate: 1, judge: { model: judge } }
  quiet:
    route: { model: tiny }
    routing:
      cascade: { tiers: [tiny, big], checks: [refusal] }
`,
  'test.yaml',
  { env: {} },
);

const answer = { content: [{ type: 'text' as const, text: 'served' }], finishReason: 'stop' };
const rejected = { content: [{ type: 'text' as const, text: 'rejected' }], finishReason: 'stop' };

function summary(routing: RoutingOutcome | undefined, overrides: Partial<RequestSummary> = {}): RequestSummary {
  return {
    requestId: 'r1',
    startedAt: 0,
    durationMs: 5,
    endpoint: 'chat',
    stream: false,
    requestedModel: 'workload/support',
    workload: 'support',
    status: 200,
    attempts: [],
    ...(routing ? { routing } : {}),
    evaluationSample: { judge: false, shadow: true, call: { messages: [{ role: 'user', content: [{ type: 'text', text: 'q' }] }] }, response: answer },
    ...overrides,
  };
}

const cascade = (tier: number, extra: Partial<RoutingOutcome> = {}): RoutingOutcome => ({ router: 'cascade', tiers: ['tiny', 'small', 'big'], tier, ...extra });

describe('planShadow', () => {
  it('shadows an answer of the first tier with the last', () => {
    expect(planShadow(summary(cascade(0)), config)).toMatchObject({ router: 'cascade', served: 'cheap', cheapModel: 'tiny', strongModel: 'big', shadowModel: 'big' });
  });

  it('shadows a middle tier as a cheap answer of that tier, with the last', () => {
    expect(planShadow(summary(cascade(1)), config)).toMatchObject({ served: 'cheap', cheapModel: 'small', strongModel: 'big', shadowModel: 'big' });
  });

  it('compares an escalated answer with the first tier, reusing the answer the cascade rejected', () => {
    const plan = planShadow(summary(cascade(2, { rejectedCheapAnswer: rejected })), config);
    expect(plan).toMatchObject({ served: 'strong', cheapModel: 'tiny', strongModel: 'big', shadowModel: 'tiny', otherAnswer: rejected });
    // A first tier that failed outright left no answer: the shadow asks it again.
    expect(planShadow(summary(cascade(2)), config)).not.toHaveProperty('otherAnswer');
  });

  it('names a learned-band cascade after the learned router and keeps its score', () => {
    expect(planShadow(summary(cascade(0, { router: 'learned', score: 0.42 })), config)).toMatchObject({ router: 'learned', routerScore: 0.42 });
  });

  it('skips requests with nothing to shadow', () => {
    expect(planShadow(summary(undefined), config)).toBeUndefined();
    expect(planShadow(summary({ router: 'default' }), config)).toBeUndefined();
    // A cascade the policy or context cut to one tier ran no cascade.
    expect(planShadow(summary({ router: 'cascade' }), config)).toBeUndefined();
    // The learned router is not configured for this workload (a reload removed it).
    expect(planShadow(summary({ router: 'learned', score: 0.9 }, { routeModel: 'big' }), config)).toBeUndefined();
    expect(planShadow(summary(cascade(0), { status: 502 }), config)).toBeUndefined();
    expect(planShadow(summary(cascade(0), { workload: 'quiet' }), config)).toBeUndefined();
    const { evaluationSample, ...unsampled } = summary(cascade(0));
    expect(planShadow(unsampled, config)).toBeUndefined();
    expect(planShadow({ ...unsampled, evaluationSample: { ...evaluationSample!, shadow: false } }, config)).toBeUndefined();
  });
});
