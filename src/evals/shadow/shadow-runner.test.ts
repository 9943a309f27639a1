import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../../../test/support/create-test-server.js';
import { createFakeAdapter, runtimeWithFakes, type FakeStep } from '../../../test/support/fake-adapter.js';
import { failingWhile, openTemporaryEvaluationStore, type TemporaryEvaluationStore } from '../../../test/support/temp-evaluation-store.js';
import { BackgroundQueue } from '../../core/evaluation/background-queue.js';
import type { EvaluationStore } from '../../core/evaluation/evaluation-records.js';
import { RequestPipeline, type PipelineRequest } from '../../core/pipeline/request-pipeline.js';
import type { RequestSummary } from '../../core/pipeline/request-summary.js';
import { trainLearnedRouter } from '../../core/routing/learned/train-router.js';
import { RequestRecorder } from '../../core/telemetry/request-recorder.js';
import type { ChatCall, ToolDefinition } from '../../spec/chat-call.js';
import { ProviderApiError } from '../../spec/errors.js';
import { ShadowRunner } from './shadow-runner.js';
import { pairwiseJudgeHandler, type JudgeDecision } from './test-fixtures.js';

let judgeServer: TestServer;
/** How the judge decides; answers containing "GOOD" beat the others, equal ones tie. */
let decide: (answerA: string, answerB: string) => JudgeDecision;
let directory: string;
let artifactPath: string;

const preferGood = (answerA: string, answerB: string): JudgeDecision =>
  answerA.includes('GOOD') === answerB.includes('GOOD') ? 'tie' : answerA.includes('GOOD') ? 'A' : 'B';

beforeAll(async () => {
  judgeServer = await createTestServer();
  judgeServer.setDefault('/v1/chat/completions', { type: 'handler', handle: (request, response) => pairwiseJudgeHandler(decide)(request, response) });
  directory = await mkdtemp(join(tmpdir(), 'switchyard-shadow-'));
  const examples = Array.from({ length: 60 }, (_unused, index) => {
    const hard = index % 2 === 0;
    return {
      id: `example-${index}`,
      input: { prompt: hard ? `prove theorem ${index} rigorously with a formal proof` : `what colour is item ${index} on the list` },
      weakQuality: hard ? 0 : 1,
      strongQuality: 1,
    };
  });
  const artifact = trainLearnedRouter(examples, {
    variant: 'baseline',
    strong: 'big',
    weak: 'small',
    trainedOn: { file: 'synthetic', sha256: '0'.repeat(64), split: 'train', examples: examples.length },
  });
  artifactPath = join(directory, 'router.json');
  await writeFile(artifactPath, JSON.stringify({ ...artifact, threshold: 0.5 }));
});

afterAll(async () => {
  await judgeServer.close();
  await rm(directory, { recursive: true, force: true });
});

/** A real SQLite evaluation store per test: request ids (`req-0`, …) restart in every test. */
let opened: TemporaryEvaluationStore;
beforeEach(async () => {
  opened = await openTemporaryEvaluationStore();
});
afterEach(async () => {
  await opened.close();
});

/** The stored pairs, read back through the store, oldest first. */
const storedPairs = async () => (await opened.store.listShadowPairs({ limit: 100_000 })).reverse();

const yaml = () => `providers:
  a: { type: simulated }
  judges: { type: openai, base_url: "${judgeServer.url}/v1", api_key: test }
resilience:
  retry: { max_attempts: 1 }
models:
  small:
    deployments: [{ provider: a, model: small-1, pricing: { input_per_mtok: 1, output_per_mtok: 2 } }]
  big:
    deployments: [{ provider: a, model: big-1, pricing: { input_per_mtok: 10, output_per_mtok: 20 } }]
  judge:
    deployments: [{ provider: judges, model: gpt-judge, pricing: { input_per_mtok: 5, output_per_mtok: 10 } }]
evaluation: { concurrency: 2 }
workloads:
  support:
    route: { model: small }
    routing:
      cascade: { tiers: [small, big], checks: [{ regex: "^OK" }] }
    evaluation:
      shadow: { sample_rate: 1, judge: { model: judge, rubric: "Correct answers win." } }
  routed:
    route: { model: small }
    routing:
      learned: { artifact: ${JSON.stringify(artifactPath)}, weak: small, strong: big }
    evaluation:
      shadow: { sample_rate: 1, judge: { model: judge } }
  secret:
    route: { model: small }
    policy: { data_class: restricted }
    routing:
      cascade: { tiers: [small, big], checks: [{ regex: "^OK" }] }
    evaluation:
      shadow: { sample_rate: 1, judge: { model: judge } }
  unshadowed:
    route: { model: small }
    routing:
      cascade: { tiers: [small, big], checks: [{ regex: "^OK" }] }
`;

// Fake answers use 10 input and 5 output tokens; the judge 100 and 20.
const BIG_ANSWER_USD = 10 * 10e-6 + 5 * 20e-6;
const JUDGE_CALL_USD = 100 * 5e-6 + 20 * 10e-6;

function setup(steps: { small: FakeStep[]; big: FakeStep[] }, options: { maxQueued?: number; store?: EvaluationStore } = {}) {
  const small = createFakeAdapter('a/small-1', steps.small);
  const big = createFakeAdapter('a/big-1', steps.big);
  const runtime = runtimeWithFakes(yaml(), { 'a/small-1': small, 'a/big-1': big });
  const store = options.store ?? opened.store;
  const queue = new BackgroundQueue({ concurrency: 2, maxQueued: options.maxQueued ?? 10 });
  const registry = new Registry();
  const errors: Array<{ error: unknown; message: string }> = [];
  const runner = new ShadowRunner({ runtime: () => runtime, queue, store, registry, onError: (error, message) => errors.push({ error, message }) });
  const summaries: RequestSummary[] = [];
  const recorder = new RequestRecorder(() => runtime, [runner, { record: (summary) => summaries.push(summary) }]);
  const pipeline = new RequestPipeline(recorder);
  const ask = async (workload: string, call: ChatCall) => {
    const request: PipelineRequest = { runtime, requestId: `req-${summaries.length}`, startedAt: performance.now(), endpoint: 'chat', model: `workload/${workload}`, call };
    const result = await pipeline.generate(request);
    recorder.drain();
    return result;
  };
  return { small, big, queue, registry, errors, summaries, ask, recorder };
}

const call = (text: string, extra: Partial<ChatCall> = {}): ChatCall => ({ messages: [{ role: 'user', content: [{ type: 'text', text }] }], ...extra });

describe('ShadowRunner with a cascade', () => {
  it('shadows a cheap answer with the strong tier, judged in both orders: under-escalation', async () => {
    decide = preferGood;
    const { small, big, queue, summaries, ask } = setup({ small: [{ kind: 'answer', text: 'OK cheap' }], big: [{ kind: 'answer', text: 'OK GOOD strong' }] });
    const client = new AbortController();
    const tools: ToolDefinition[] = [{ type: 'function', name: 'lookup', description: 'look up', parameters: { type: 'object', properties: {} } }];
    await ask('support', call('my mail is jane.doe@example.com, help', { temperature: 0.3, tools, responseFormat: { type: 'json' }, abortSignal: client.signal }));
    // The client hangs up once answered: the shadow must not inherit its signal.
    client.abort(new Error('client gone'));
    expect(summaries[0]!.routing).toMatchObject({ router: 'cascade', tier: 0 });
    // Recording only offered the job: no shadow call has been made yet.
    expect(big.calls).toHaveLength(0);
    await queue.idle();
    expect(small.calls).toHaveLength(1);
    const shadowCall = big.calls[0]!;
    expect(shadowCall).toMatchObject({ temperature: 0.3, tools, responseFormat: { type: 'json' } });
    expect(shadowCall.abortSignal?.aborted).not.toBe(true);
    expect(await storedPairs()).toEqual([
      {
        requestId: 'req-0',
        time: expect.any(Number),
        workload: 'support',
        router: 'cascade',
        served: 'cheap',
        cheapModel: 'small',
        strongModel: 'big',
        judgeModel: 'judge',
        outcome: 'strong_better',
        consistent: true,
        prompt: '[user]\nmy mail is [EMAIL], help',
        costUsd: expect.closeTo(BIG_ANSWER_USD + 2 * JUDGE_CALL_USD, 12),
      },
    ]);
    // The judge saw both orders, with the workload's rubric.
    const judgeCalls = judgeServer.requests.slice(-2).map((request) => request.bodyText);
    expect(judgeCalls.every((body) => body.includes('Correct answers win.'))).toBe(true);
  });

  it('compares the cheap answer the cascade rejected, without asking the cheap tier again', async () => {
    decide = preferGood;
    const { small, big, queue, ask } = setup({ small: [{ kind: 'answer', text: 'rejected GOOD draft' }], big: [{ kind: 'answer', text: 'OK strong' }] });
    await ask('support', call('question'));
    await queue.idle();
    expect(small.calls).toHaveLength(1);
    expect(big.calls).toHaveLength(1);
    const [pair] = await storedPairs();
    expect(pair).toMatchObject({ served: 'strong', outcome: 'cheap_better', consistent: true });
    // Only the judge calls cost anything: the rejected answer was paid for by the request.
    expect(pair!.costUsd).toBeCloseTo(2 * JUDGE_CALL_USD, 12);
  });

  it('counts an inconsistent verdict as a tie, and counts pairs and cost in metrics', async () => {
    decide = () => 'A';
    const { queue, registry, ask } = setup({ small: [{ kind: 'answer', text: 'rejected draft' }], big: [{ kind: 'answer', text: 'OK strong' }] });
    await ask('support', call('question'));
    await queue.idle();
    expect(await storedPairs()).toEqual([expect.objectContaining({ served: 'strong', outcome: 'tie', consistent: false })]);
    const pairs = await registry.getSingleMetricAsString('switchyard_shadow_pairs_total');
    expect(pairs).toContain('switchyard_shadow_pairs_total{workload="support",served="strong",outcome="tie"} 1');
    const cost = (await registry.getSingleMetric('switchyard_evaluation_cost_usd_total')!.get()).values;
    expect(cost).toEqual([{ labels: { workload: 'support', kind: 'shadow' }, value: expect.closeTo(2 * JUDGE_CALL_USD, 12) }]);
  });

  it('stores an unjudged pair when the judge stays malformed, never a verdict', async () => {
    decide = () => 'malformed';
    const { queue, ask } = setup({ small: [{ kind: 'answer', text: 'OK cheap' }], big: [{ kind: 'answer', text: 'OK strong' }] });
    await ask('support', call('question'));
    await queue.idle();
    const [pair] = await storedPairs();
    expect(pair).toMatchObject({ outcome: 'unjudged', reason: expect.stringMatching(/malformed judge reply/) });
    expect(pair).not.toHaveProperty('consistent');
  });

  it('stores an unjudged pair with the reason when the shadow tier fails', async () => {
    decide = preferGood;
    const failure = new ProviderApiError('upstream down', { provider: 'a', upstreamStatus: 503 });
    const { queue, errors, ask } = setup({ small: [{ kind: 'answer', text: 'OK cheap' }], big: [{ kind: 'fail', error: failure }] });
    const requestsBefore = judgeServer.requests.length;
    await ask('support', call('question'));
    await queue.idle();
    expect(await storedPairs()).toEqual([expect.objectContaining({ served: 'cheap', outcome: 'unjudged', reason: expect.stringMatching(/^shadow answer from big failed: .*upstream down/) })]);
    expect(judgeServer.requests.length).toBe(requestsBefore);
    expect(errors).toEqual([]);
  });

  it('asks the judge only where the workload policy allows: a restricted workload gets no cloud judge', async () => {
    decide = preferGood;
    const { queue, ask } = setup({ small: [{ kind: 'answer', text: 'OK cheap' }], big: [{ kind: 'answer', text: 'OK strong' }] });
    const requestsBefore = judgeServer.requests.length;
    await ask('secret', call('question'));
    await queue.idle();
    expect(await storedPairs()).toEqual([expect.objectContaining({ workload: 'secret', outcome: 'unjudged', reason: expect.stringMatching(/judge call failed/) })]);
    expect(judgeServer.requests.length).toBe(requestsBefore);
  });

  it('logs a store failure and carries on', async () => {
    decide = preferGood;
    const outage = new Error('database is locked');
    // Fault injection: the real store, with its writes rejecting like a store that is down.
    const store = failingWhile(opened.store, 'recordShadowPairs', outage, () => true);
    const { queue, errors, ask } = setup({ small: [{ kind: 'answer', text: 'OK cheap' }], big: [{ kind: 'answer', text: 'OK strong' }] }, { store });
    await ask('support', call('question'));
    await queue.idle();
    expect(errors).toEqual([{ error: outage, message: 'shadow pair of request req-0 could not be stored' }]);
    expect(queue.stats()).toMatchObject({ completed: 1, failed: 0 });
    expect(await storedPairs()).toEqual([]);
  });

  it('drops the shadow, never the request, when the queue is full', async () => {
    const { big, queue, ask } = setup({ small: [{ kind: 'answer', text: 'OK cheap' }], big: [{ kind: 'answer', text: 'OK strong' }] }, { maxQueued: 0 });
    const answered = await ask('support', call('question'));
    expect(answered.execution.result.content).toEqual([{ type: 'text', text: 'OK cheap' }]);
    await queue.idle();
    expect(queue.stats()).toMatchObject({ dropped: 1, completed: 0 });
    expect(big.calls).toHaveLength(0);
    expect(await storedPairs()).toEqual([]);
  });

  it('runs nothing for a workload without shadow sampling', async () => {
    const { big, queue, ask } = setup({ small: [{ kind: 'answer', text: 'OK cheap' }], big: [{ kind: 'answer', text: 'OK strong' }] });
    await ask('unshadowed', call('question'));
    await queue.idle();
    expect(big.calls).toHaveLength(0);
    expect(await storedPairs()).toEqual([]);
    expect(queue.stats().completed).toBe(0);
  });
});

describe('ShadowRunner with the learned router', () => {
  it('shadows the weak pick with the strong model and the strong pick with the weak one, keeping the score', async () => {
    decide = preferGood;
    const { small, big, queue, ask } = setup({ small: [{ kind: 'answer', text: 'weak GOOD' }], big: [{ kind: 'answer', text: 'strong' }] });
    await ask('routed', call('what colour is item 7 on the list'));
    await ask('routed', call('prove theorem 7 rigorously with a formal proof'));
    await queue.idle();
    expect(small.calls).toHaveLength(2);
    expect(big.calls).toHaveLength(2);
    const pairs = await storedPairs();
    expect(pairs).toHaveLength(2);
    const byServed = Object.fromEntries(pairs.map((pair) => [pair.served, pair]));
    expect(byServed.cheap).toMatchObject({ router: 'learned', cheapModel: 'small', strongModel: 'big', outcome: 'cheap_better', prompt: '[user]\nwhat colour is item 7 on the list' });
    expect(byServed.strong).toMatchObject({ router: 'learned', outcome: 'cheap_better' });
    expect(byServed.cheap!.routerScore).toBeLessThan(0.5);
    expect(byServed.strong!.routerScore).toBeGreaterThan(0.5);
  });
});
