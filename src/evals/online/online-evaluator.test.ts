import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeAdapter, runtimeWithFakes, type FakeAdapter, type FakeStep } from '../../../test/support/fake-adapter.js';
import { failingWhile, openTemporaryEvaluationStore, type TemporaryEvaluationStore } from '../../../test/support/temp-evaluation-store.js';
import { BackgroundQueue } from '../../core/evaluation/background-queue.js';
import { DEFAULT_EVALUATION_CONFIG } from '../../core/evaluation/evaluation-config.js';
import type { EvaluationStore } from '../../core/evaluation/evaluation-records.js';
import { RequestPipeline } from '../../core/pipeline/request-pipeline.js';
import type { RequestSummary } from '../../core/pipeline/request-summary.js';
import { RequestRecorder } from '../../core/telemetry/request-recorder.js';
import type { ChatCall, ChatMessage } from '../../spec/chat-call.js';
import { EvaluationMetrics } from './evaluation-metrics.js';
import { answeringModel, OnlineEvaluator, routeOf } from './online-evaluator.js';
import { RollingQuality } from './rolling-quality.js';

const CONFIG = (triageEvaluation: string) => `providers:
  local: { type: vllm, base_url: "http://127.0.0.1:9/v1" }
  cloud: { type: openai, api_key: sk-test }
resilience:
  retry: { max_attempts: 1 }
models:
  chat:
    deployments: [{ provider: local, model: chat-model }]
  judge:
    deployments: [{ provider: local, model: judge-model, pricing: { input_per_mtok: 1, output_per_mtok: 2 } }]
  cloud-judge:
    deployments: [{ provider: cloud, model: gpt-4o }]
workloads:
  triage:
    route: { model: chat }
    evaluation:
${triageEvaluation}
  secret:
    route: { model: chat }
    policy: { data_class: restricted }
    evaluation:
      online: { sample_rate: 1, judge: { model: cloud-judge } }
`;

const JUDGED = `      online: { sample_rate: 1, judge: { model: judge, rubric: "Triage must name the team." } }`;

const verdict = (score: number) => ({ kind: 'answer', text: JSON.stringify({ reasoning: 'fine', score }) }) as const;

interface SetupOptions {
  evaluation?: string;
  judgeSteps?: FakeStep[];
  queue?: { concurrency: number; maxQueued: number };
  store?: EvaluationStore;
}

/** A real SQLite evaluation store per test: request ids (`req-1`, …) restart in every test. */
let opened: TemporaryEvaluationStore;
beforeEach(async () => {
  opened = await openTemporaryEvaluationStore();
});
afterEach(async () => {
  await opened.close();
});

/** The runtime, with fakes answering for the chat model and both judges. */
function fakeRuntime(evaluation = JUDGED, judgeSteps: FakeStep[] = [verdict(8)]) {
  const chat = createFakeAdapter('local/chat-model', [{ kind: 'answer', text: 'Route it to billing; mail ops@example.com.' }]);
  const judge = createFakeAdapter('local/judge-model', judgeSteps);
  const cloudJudge = createFakeAdapter('cloud/gpt-4o', [verdict(10)]);
  const runtime = runtimeWithFakes(CONFIG(evaluation), { 'local/chat-model': chat, 'local/judge-model': judge, 'cloud/gpt-4o': cloudJudge });
  return { runtime, chat, judge, cloudJudge };
}

/** A pipeline whose recorder feeds the evaluator, as the gateway wires it, storing into this test's store. */
function setup(options: SetupOptions = {}) {
  const { runtime, chat, judge, cloudJudge } = fakeRuntime(options.evaluation, options.judgeSteps);
  const store = options.store ?? opened.store;
  const queue = new BackgroundQueue(options.queue ?? { concurrency: 2, maxQueued: 100 });
  const registry = new Registry();
  const metrics = new EvaluationMetrics(registry);
  const rolling = new RollingQuality({ settings: DEFAULT_EVALUATION_CONFIG.quality });
  const errors: unknown[] = [];
  const evaluator = new OnlineEvaluator({ runtime: () => runtime, queue, store, rolling, metrics, onError: (error) => errors.push(error), drainMs: 0 });
  const recorder = new RequestRecorder(() => runtime, [evaluator], (error) => errors.push(error));
  const pipeline = new RequestPipeline(recorder);
  let counter = 0;
  const ask = (messages: ChatMessage[] | string, workload = 'triage', tools?: ChatCall['tools']) => {
    const call: ChatCall = { messages: typeof messages === 'string' ? [{ role: 'user', content: [{ type: 'text', text: messages }] }] : messages };
    if (tools) call.tools = tools;
    return pipeline.generate({ runtime, requestId: `req-${++counter}`, startedAt: performance.now(), endpoint: 'chat', model: `workload/${workload}`, call });
  };
  /** Runs everything the requests so far set off: recording, judging, writing. */
  const settle = async () => {
    recorder.drain();
    await queue.idle();
    await evaluator.flush();
  };
  /** What the store holds, read back through it, oldest first. */
  const scores = async () => (await opened.store.listOnlineScores({ limit: 10_000 })).reverse();
  return { runtime, chat, judge, cloudJudge, queue, registry, rolling, evaluator, errors, ask, settle, scores };
}

const userText = (adapter: FakeAdapter, index: number) =>
  adapter.calls[index]?.messages.map((message) => message.content.map((part) => ('text' in part ? part.text : '')).join('')).join('\n') ?? '';

describe('OnlineEvaluator', () => {
  it('judges a sampled answer in the background and stores its score with the request', async () => {
    const { judge, rolling, registry, ask, settle, errors, scores } = setup();
    await ask('Ticket: my invoice is wrong. Reply to jane.doe@example.com');
    await settle();
    expect(errors).toEqual([]);
    const stored = await scores();
    expect(stored).toHaveLength(1);
    const [score] = stored;
    expect(score).toMatchObject({
      requestId: 'req-1',
      workload: 'triage',
      model: 'chat',
      deployment: 'local/chat-model',
      route: 'default',
      judgeModel: 'judge',
      rubricScore: 8,
    });
    expect(score!.score).toBeCloseTo(7 / 9, 12);
    expect(score).not.toHaveProperty('unscoredReason');
    // 10 input and 5 output tokens at $1/M and $2/M.
    expect(score!.judgeCostUsd).toBeCloseTo(10e-6 + 10e-6, 12);
    // The judge saw the rubric, the conversation and the answer.
    expect(userText(judge, 0)).toContain('Triage must name the team.');
    expect(userText(judge, 0)).toContain('my invoice is wrong');
    expect(userText(judge, 0)).toContain('<answer>\nRoute it to billing');
    // Kept for fine-tuning export in OpenAI chat format, redacted.
    expect(score!.messages).toEqual([{ role: 'user', content: 'Ticket: my invoice is wrong. Reply to [EMAIL]' }]);
    expect(score!.answer).toEqual({ role: 'assistant', content: 'Route it to billing; mail [EMAIL].' });
    expect(rolling.snapshot()).toMatchObject([{ workload: 'triage', model: 'chat', route: 'default', window: { n: 1 } }]);
    const metrics = await registry.metrics();
    expect(metrics).toContain('switchyard_online_judgements_total{workload="triage",model="chat",outcome="scored"} 1');
    expect(metrics).toMatch(/switchyard_evaluation_cost_usd_total\{workload="triage",kind="judge"\} 0\.00002/);
  });

  it('retries a malformed judge reply and scores the second', async () => {
    const { judge, ask, settle, scores } = setup({ judgeSteps: [{ kind: 'answer', text: 'Looks like an 8 to me.' }, verdict(10)] });
    await ask('question');
    await settle();
    expect(judge.calls).toHaveLength(2);
    expect(await scores()).toEqual([expect.objectContaining({ score: 1, rubricScore: 10 })]);
  });

  it('records a reply still malformed after the retry as unscored, never a pass, and keeps no conversation', async () => {
    const { judge, rolling, registry, ask, settle, scores } = setup({ judgeSteps: [{ kind: 'answer', text: '{"score": 10}' }, { kind: 'answer', text: 'PASS' }] });
    await ask('question');
    await settle();
    expect(judge.calls).toHaveLength(2);
    const [score] = await scores();
    expect(score).toMatchObject({ requestId: 'req-1', unscoredReason: expect.stringContaining('malformed judge reply after 2 attempt(s)') });
    expect(score).not.toHaveProperty('score');
    expect(score).not.toHaveProperty('rubricScore');
    expect(score).not.toHaveProperty('messages');
    // Both judge calls were paid for.
    expect(score!.judgeCostUsd).toBeCloseTo(2 * 20e-6, 12);
    expect(rolling.snapshot()).toEqual([]);
    expect(await registry.metrics()).toContain('switchyard_online_judgements_total{workload="triage",model="chat",outcome="unscored"} 1');
  });

  it('records a judge the data policy refuses as unscored, without calling it', async () => {
    const { cloudJudge, ask, settle, scores } = setup();
    await ask('question', 'secret');
    await settle();
    expect(cloudJudge.calls).toHaveLength(0);
    const [score] = await scores();
    expect(score).toMatchObject({ workload: 'secret', judgeModel: 'cloud-judge', unscoredReason: expect.stringContaining("data policy left no judge deployment") });
    expect(score).not.toHaveProperty('score');
  });

  it('keeps no conversation when the workload forbids fine-tuning export', async () => {
    const { ask, settle, scores } = setup({ evaluation: `${JUDGED}\n      finetune_export: false` });
    await ask('question');
    await settle();
    const [score] = await scores();
    expect(score).toMatchObject({ rubricScore: 8 });
    expect(score).not.toHaveProperty('messages');
    expect(score).not.toHaveProperty('answer');
  });

  it('keeps the request’s tool definitions with the conversation, in OpenAI format', async () => {
    const { ask, settle, scores } = setup();
    await ask('Where is order 42?', 'triage', [{ type: 'function', name: 'find_order', description: 'Look an order up', parameters: { type: 'object', properties: { id: { type: 'integer' } } } }]);
    await settle();
    const [score] = await scores();
    expect(score!.tools).toEqual([
      { type: 'function', function: { name: 'find_order', description: 'Look an order up', parameters: { type: 'object', properties: { id: { type: 'integer' } } } } },
    ]);
  });

  it('keeps no conversation for a workload whose data policy forbids exporting it, even with finetune_export on', async () => {
    // Confidential data requires no-training and zero-retention by default: export would refuse it.
    const { ask, settle, scores } = setup({ evaluation: `${JUDGED}\n    policy: { data_class: confidential }`.replace('\n    policy', '\n      finetune_export: true\n    policy') });
    await ask('question');
    await settle();
    const [score] = await scores();
    expect(score).toMatchObject({ rubricScore: 8 });
    expect(score).not.toHaveProperty('messages');
  });

  it('shows the judge tool traffic as text and keeps it in OpenAI format', async () => {
    const { judge, ask, settle, scores } = setup();
    await ask([
      { role: 'system', content: [{ type: 'text', text: 'You triage tickets.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Where is order 42?' }] },
      { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'find_order', input: '{"id":42}' }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'find_order', output: '{"status":"shipped"}' }] },
    ]);
    await settle();
    expect(userText(judge, 0)).toContain('[assistant]\n[tool call] find_order({"id":42})');
    expect(userText(judge, 0)).toContain('[tool result of find_order] {"status":"shipped"}');
    const [score] = await scores();
    expect(score!.messages).toEqual([
      { role: 'system', content: 'You triage tickets.' },
      { role: 'user', content: 'Where is order 42?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'find_order', arguments: '{"id":42}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"status":"shipped"}' },
    ]);
  });

  it('judges nothing at a zero sample rate, and about the configured share otherwise', async () => {
    const none = setup({ evaluation: `      online: { sample_rate: 0, judge: { model: judge } }` });
    for (let index = 0; index < 50; index++) await none.ask('question');
    await none.settle();
    expect(none.judge.calls).toHaveLength(0);
    expect(await none.scores()).toEqual([]);

    const quarter = setup({ evaluation: `      online: { sample_rate: 0.25, judge: { model: judge } }`, queue: { concurrency: 4, maxQueued: 1000 } });
    const requests = 400;
    for (let index = 0; index < requests; index++) await quarter.ask(`question ${index}`);
    await quarter.settle();
    // Binomial(400, 0.25): sd ≈ 8.7; five sd either side.
    // Both share this test's store; the zero-rate half stored nothing, as checked above.
    const judged = (await quarter.scores()).length;
    expect(Math.abs(judged - 0.25 * requests)).toBeLessThan(44);
    expect(quarter.judge.calls).toHaveLength(judged);
  });

  it('never holds up a client: answers return while the judge is stuck, and a full queue drops samples', async () => {
    const { judge, queue, evaluator, ask, settle, scores } = setup({
      judgeSteps: [{ kind: 'answer', text: JSON.stringify({ reasoning: 'slow', score: 9 }), delayMs: 3_600_000 }],
      queue: { concurrency: 1, maxQueued: 1 },
    });
    const first = await ask('first');
    expect(first.execution.result.content).toEqual([{ type: 'text', text: 'Route it to billing; mail ops@example.com.' }]);
    void settle();
    await vi.waitFor(() => expect(judge.calls).toHaveLength(1));
    // The judge has not answered, yet every later client gets its answer.
    const later = await Promise.all([ask('second'), ask('third'), ask('fourth')]);
    expect(later.map((result) => result.execution.result.content[0])).toEqual(later.map(() => ({ type: 'text', text: 'Route it to billing; mail ops@example.com.' })));
    void settle();
    expect(queue.stats()).toMatchObject({ running: 1, queued: 1, dropped: 2 });
    expect(await scores()).toEqual([]);
    // Shutdown aborts the stuck judgement (not recorded: it is not the judge's failure) and skips the queued one.
    await evaluator.close();
    await queue.close();
    expect(judge.calls).toHaveLength(1);
    expect(await scores()).toEqual([]);
  });

  it('logs a failed store write and carries on with the next batch', async () => {
    let failing = true;
    const outage = new Error('database is locked');
    // Fault injection: the real store, with its writes rejecting until `failing` is cleared.
    const store = failingWhile(opened.store, 'recordOnlineScores', outage, () => failing);
    const { errors, ask, settle, scores } = setup({ store });
    await ask('first');
    await settle();
    expect(errors).toEqual([outage]);
    expect(await scores()).toEqual([]);
    failing = false;
    await ask('second');
    await settle();
    expect(errors).toHaveLength(1);
    expect((await scores()).map((score) => score.requestId)).toEqual(['req-2']);
  });
});

describe('answering model and route', () => {
  const { runtime } = fakeRuntime();
  const summary = (overrides: Partial<RequestSummary>): RequestSummary => ({
    requestId: 'r',
    startedAt: 0,
    durationMs: 1,
    endpoint: 'chat',
    stream: false,
    requestedModel: 'workload/triage',
    status: 200,
    attempts: [],
    routeModel: 'chat',
    ...overrides,
  });

  it('names a cascade tier by its model and index', () => {
    const cascade = summary({ routeModel: 'judge', deployment: 'local/judge-model', routing: { router: 'cascade', tiers: ['chat', 'judge'], tier: 1 } });
    expect([answeringModel(cascade, runtime.config), routeOf(cascade)]).toEqual(['judge', 'cascade:1']);
    const rulesToCascade = summary({ routing: { router: 'rules', tiers: ['chat', 'judge'], tier: 0 } });
    expect([answeringModel(rulesToCascade, runtime.config), routeOf(rulesToCascade)]).toEqual(['chat', 'cascade:0']);
  });

  it('names the model of the deployment that answered, and the router that chose it', () => {
    const fellBack = summary({ routeModel: 'chat', deployment: 'local/judge-model', routing: { router: 'learned', score: 0.8 } });
    expect([answeringModel(fellBack, runtime.config), routeOf(fellBack)]).toEqual(['judge', 'learned']);
    const plain = summary({});
    expect([answeringModel(plain, runtime.config), routeOf(plain)]).toEqual(['chat', 'default']);
  });
});
