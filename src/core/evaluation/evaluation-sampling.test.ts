import { describe, expect, it } from 'vitest';
import { chatCall, createFakeAdapter, readAllEvents, runtimeWithFakes, textEvents } from '../../../test/support/fake-adapter.js';
import { ProviderApiError } from '../../spec/errors.js';
import { createSeededRandom } from '../../provider-utils/seeded-random.js';
import { RequestPipeline, type PipelineRequest } from '../pipeline/request-pipeline.js';
import type { RequestSummary } from '../pipeline/request-summary.js';
import { drawEvaluationSample } from './evaluation-sampling.js';

const yaml = (evaluation: string) => `providers:
  a: { type: simulated }
resilience:
  retry: { max_attempts: 1 }
models:
  chat:
    deployments: [{ provider: a, model: m1 }]
  judge:
    deployments: [{ provider: a, model: m2 }]
workloads:
  triage:
    route: { model: chat }
${evaluation}
  plain:
    route: { model: chat }
`;

describe('drawEvaluationSample', () => {
  const runtime = runtimeWithFakes(
    yaml(`    evaluation:
      online: { sample_rate: 0.2, judge: { model: judge } }
      shadow: { sample_rate: 0.05, judge: { model: judge } }`),
    {},
  );

  it('draws each kind at its configured rate', () => {
    const random = createSeededRandom(7);
    let judged = 0;
    let shadowed = 0;
    const draws = 20_000;
    for (let index = 0; index < draws; index++) {
      const sample = drawEvaluationSample(runtime.config, 'triage', random);
      if (sample?.judge) judged++;
      if (sample?.shadow) shadowed++;
    }
    // Binomial(20000, 0.2): sd ≈ 57; Binomial(20000, 0.05): sd ≈ 31. Five sd either side.
    expect(Math.abs(judged - 0.2 * draws)).toBeLessThan(285);
    expect(Math.abs(shadowed - 0.05 * draws)).toBeLessThan(155);
  });

  it('never samples a workload without evaluation, a direct model, or a zero rate', () => {
    const zero = runtimeWithFakes(yaml(`    evaluation:
      online: { sample_rate: 0, judge: { model: judge } }`), {});
    const alwaysHit = () => 0;
    expect(drawEvaluationSample(runtime.config, 'plain', alwaysHit)).toBeUndefined();
    expect(drawEvaluationSample(runtime.config, undefined, alwaysHit)).toBeUndefined();
    expect(drawEvaluationSample(zero.config, 'triage', alwaysHit)).toBeUndefined();
    expect(drawEvaluationSample(runtime.config, 'triage', alwaysHit)).toEqual({ judge: true, shadow: true });
  });
});

describe('RequestPipeline evaluation samples', () => {
  const setup = (text: string, kind: 'answer' | 'stream' | 'error') => {
    const runtime = runtimeWithFakes(
      yaml(`    evaluation:
      online: { sample_rate: 1, judge: { model: judge } }`),
      {
        'a/m1': createFakeAdapter('a/m1', [
          kind === 'answer'
            ? { kind: 'answer', text }
            : kind === 'stream'
              ? { kind: 'stream', events: textEvents('par', 'tial') }
              : { kind: 'fail', error: new ProviderApiError('bad request', { provider: 'a', upstreamStatus: 400 }) },
        ]),
      },
    );
    const summaries: RequestSummary[] = [];
    const pipeline = new RequestPipeline({ onRequestEnd: (summary) => summaries.push(summary) });
    const request: PipelineRequest = { runtime, requestId: 'r', startedAt: performance.now(), endpoint: 'chat', model: 'workload/triage', call: chatCall('question') };
    return { pipeline, summaries, request };
  };

  it('hands a sampled answer to the evaluators, without logging it as a payload', async () => {
    const { pipeline, summaries, request } = setup('the answer', 'answer');
    await pipeline.generate(request);
    expect(summaries[0]?.evaluationSample).toMatchObject({ judge: true, shadow: false, call: request.call, response: { content: [{ type: 'text', text: 'the answer' }] } });
    expect(summaries[0]).not.toHaveProperty('requestPayload');
  });

  it('gathers a sampled stream as it passes to the client', async () => {
    const { pipeline, summaries, request } = setup('', 'stream');
    const streamed = await pipeline.stream(request);
    await readAllEvents(streamed.execution.result.events);
    expect(summaries[0]?.evaluationSample?.response.content).toEqual([{ type: 'text', text: 'partial' }]);
  });

  it('samples no failed request', async () => {
    const { pipeline, summaries, request } = setup('', 'error');
    await expect(pipeline.generate(request)).rejects.toThrow();
    expect(summaries[0]?.status).toBeGreaterThanOrEqual(400);
    expect(summaries[0]).not.toHaveProperty('evaluationSample');
  });
});
