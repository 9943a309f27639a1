import { describe, expect, it, vi } from 'vitest';
import type { ChatCall } from '../../spec/chat-call.js';
import { InvalidRequestError } from '../../spec/errors.js';
import {
  checkContextFit,
  contextLimitsOf,
  DEFAULT_FIT_OUTPUT_TOKENS,
  fitRoutePlan,
  outputTokensForFit,
  type FitDeployment,
} from './context-fit.js';
import type { RouteGroup, RoutePlan } from './resolve-route.js';

function deployment(id: string, model: string, extra: Partial<FitDeployment> = {}, providerType = 'openai'): FitDeployment {
  return { id, modelName: id.split('/')[1]!, model, providerConfig: { type: providerType }, ...extra };
}
const target = (value: FitDeployment) => ({ deployment: value });
/** Route groups hold full DeploymentTargets; context fit reads only the FitDeployment part of them. */
const routeTargets = (...deployments: FitDeployment[]) => deployments.map(target) as unknown as RouteGroup['targets'];

const mini = deployment('openai/gpt-4o-mini', 'gpt-4o-mini');
const claude = deployment('anthropic/claude-sonnet', 'claude-sonnet-4-5-20250929', {}, 'anthropic');
const custom = deployment('vllm/custom', 'my-private-model', {}, 'vllm');
const small = deployment('vllm/small', 'my-private-model', { context_window: 4096, max_output_tokens: 512 }, 'vllm');

describe('context limits', () => {
  it('takes the config over the shipped table, and reports unknown windows', () => {
    expect(contextLimitsOf(mini)).toEqual({ contextWindow: 128000, maxOutputTokens: 16384, source: 'catalogue' });
    expect(contextLimitsOf(small)).toEqual({ contextWindow: 4096, maxOutputTokens: 512, source: 'config' });
    expect(contextLimitsOf(custom)).toEqual({ contextWindow: undefined, maxOutputTokens: undefined, source: 'unknown' });
  });

  it('reserves the call’s max_tokens, else the configured max output, else a documented default', () => {
    expect(outputTokensForFit(mini, 300)).toBe(300);
    expect(outputTokensForFit(small, undefined)).toBe(512);
    expect(outputTokensForFit(mini, undefined)).toBe(DEFAULT_FIT_OUTPUT_TOKENS);
    // Anthropic requires max_tokens; its adapter sends 4096 when nothing else is set.
    expect(outputTokensForFit(claude, undefined)).toBe(4096);
  });
});

describe('checkContextFit', () => {
  it('keeps fitting and unknown deployments and describes the rest', () => {
    const result = checkContextFit([target(mini), target(claude), target(custom)], () => 131000, 4096);
    expect(result.fits.map((fit) => fit.deployment.id)).toEqual(['anthropic/claude-sonnet', 'vllm/custom']);
    expect(result.unknown).toEqual(['vllm/custom']);
    expect(result.misfits).toEqual([
      {
        deployment: 'openai/gpt-4o-mini',
        model: 'gpt-4o-mini',
        inputTokens: 131000,
        outputTokens: 4096,
        contextWindow: 128000,
        description: 'openai/gpt-4o-mini: 131000 input + 4096 output > 128000 window',
      },
    ]);
  });

  it('counts the boundary as fitting: input + output = window', () => {
    expect(checkContextFit([target(small)], () => 4096 - 512, undefined).misfits).toEqual([]);
    expect(checkContextFit([target(small)], () => 4096 - 511, undefined).misfits).toHaveLength(1);
  });

  it('skips exact counting when the cheap upper bound already fits', () => {
    const count = vi.fn(() => 10);
    expect(checkContextFit([target(mini), target(small)], count, 100, { inputTokensUpperBound: 3000 }).fits).toHaveLength(2);
    expect(count).not.toHaveBeenCalled();
    checkContextFit([target(mini), target(small)], count, 100, { inputTokensUpperBound: 5000 });
    expect(count).toHaveBeenCalledTimes(1);
    expect(count).toHaveBeenCalledWith(small);
  });
});

describe('fitRoutePlan', () => {
  const plan: RoutePlan = {
    model: 'small',
    workload: 'support',
    groups: [
      { model: 'small', targets: routeTargets(small) },
      { model: 'gpt-4o-mini', on: new Set(['rate_limit']), targets: routeTargets(mini) },
    ],
    reason: 'workload support: small, fallbacks gpt-4o-mini',
  };
  const callOf = (bytes: number, maxOutputTokens?: number): ChatCall => ({ messages: [{ role: 'user', content: [{ type: 'text', text: 'word '.repeat(bytes / 5) }] }], maxOutputTokens });

  it('returns the plan untouched when everything fits', () => {
    expect(fitRoutePlan(callOf(1000), plan).plan).toBe(plan);
  });

  it('drops a primary that cannot hold the request and promotes the next group', () => {
    const result = fitRoutePlan(callOf(20000), plan);
    expect(result.plan.model).toBe('gpt-4o-mini');
    expect(result.plan.groups).toHaveLength(1);
    expect(result.plan.groups[0]!.on).toBeUndefined();
    expect(result.plan.reason).toBe('workload support: small, fallbacks gpt-4o-mini; context: skipped vllm/small');
    expect(result.misfits[0]!.description).toMatch(/^vllm\/small: ~\d+ input \+ 512 output > 4096 window$/);
  });

  it('throws a 400 context_length_exceeded naming input, output and each window when nothing fits', () => {
    const call = callOf(20000, 120000);
    let error: unknown;
    try {
      fitRoutePlan(call, plan);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(InvalidRequestError);
    const typed = error as InvalidRequestError;
    expect(typed.httpStatus).toBe(400);
    expect(typed.code).toBe('context_length_exceeded');
    expect(typed.param).toBe('messages');
    expect(typed.message).toMatch(/vllm\/small: ~\d+ input \+ 120000 output > 4096 window; openai\/gpt-4o-mini: \d+ input \+ 120000 output > 128000 window/);
  });
});
