import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../../../test/support/create-test-server.js';
import { createFakeAdapter, runtimeWithFakes } from '../../../test/support/fake-adapter.js';
import { failingWhile, openTemporaryEvaluationStore, type TemporaryEvaluationStore } from '../../../test/support/temp-evaluation-store.js';
import { BackgroundQueue } from '../../core/evaluation/background-queue.js';
import type { OnlineScore } from '../../core/evaluation/evaluation-records.js';
import type { GatewayRuntime } from '../../core/registry/gateway-runtime.js';
import { RequestPipeline } from '../../core/pipeline/request-pipeline.js';
import { RequestRecorder } from '../../core/telemetry/request-recorder.js';
import { startOnlineEvaluation } from './start-online-evaluation.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const config = (evaluation: string) => `providers:
  local: { type: vllm, base_url: "http://127.0.0.1:9/v1" }
resilience:
  retry: { max_attempts: 1 }
models:
  chat:
    deployments: [{ provider: local, model: chat-model }]
  judge:
    deployments: [{ provider: local, model: judge-model }]
workloads:
  support:
    route: { model: chat }
    evaluation:
      online: { sample_rate: 1, judge: { model: judge } }
${evaluation}`;

function runtimeFor(yaml: string, judgeScore: number): GatewayRuntime {
  return runtimeWithFakes(yaml, {
    'local/chat-model': createFakeAdapter('local/chat-model', [{ kind: 'answer', text: 'answer' }]),
    'local/judge-model': createFakeAdapter('local/judge-model', [{ kind: 'answer', text: JSON.stringify({ reasoning: 'r', score: judgeScore }) }]),
  });
}

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, logger: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) }) };
}

const stored = (index: number, time: number, score: number): OnlineScore => ({
  requestId: `old-${index}`,
  time,
  workload: 'support',
  model: 'chat',
  route: 'default',
  judgeModel: 'judge',
  score,
});

let server: TestServer | undefined;
let opened: TemporaryEvaluationStore;
beforeEach(async () => {
  opened = await openTemporaryEvaluationStore();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await opened.close();
});

describe('startOnlineEvaluation', () => {
  it('seeds rolling quality from the store, so a restart keeps the baseline', async () => {
    const now = Date.now();
    const { store } = opened;
    await store.recordOnlineScores([
      ...Array.from({ length: 40 }, (_, index) => stored(index, now - 3 * HOUR - index * MINUTE, 0.9)),
      ...Array.from({ length: 5 }, (_, index) => stored(100 + index, now - index * MINUTE, 0.5)),
      // Older than the baseline: not read back.
      stored(999, now - 30 * HOUR, 0.1),
    ]);
    const { logger } = capturingLogger();
    const queue = new BackgroundQueue({ concurrency: 1, maxQueued: 10 });
    const evaluation = await startOnlineEvaluation({ runtime: () => runtimeFor(config(''), 8), queue, registry: new Registry(), logger, store, now: () => now });
    expect(evaluation.rollingQuality()).toMatchObject([{ workload: 'support', model: 'chat', route: 'default', window: { n: 5, mean: 0.5 }, baseline: { n: 40 } }]);
    await evaluation.close();
  });

  it('starts empty when the store cannot be read, and says so', async () => {
    // Fault injection: the real store, with its reads rejecting as an unmigrated database's would.
    const store = failingWhile(opened.store, 'listOnlineScores', new Error('no such table: online_scores'), () => true);
    const { logger, lines } = capturingLogger();
    const evaluation = await startOnlineEvaluation({
      runtime: () => runtimeFor(config(''), 8),
      queue: new BackgroundQueue({ concurrency: 1, maxQueued: 10 }),
      registry: new Registry(),
      logger,
      store,
    });
    expect(evaluation.rollingQuality()).toEqual([]);
    expect(lines).toEqual([expect.objectContaining({ level: 40, msg: expect.stringContaining('rolling quality starts empty') })]);
  });

  it('exports the rolling window, baseline and queue as gauges at scrape time', async () => {
    const now = Date.now();
    const { store } = opened;
    await store.recordOnlineScores([stored(1, now - 3 * HOUR, 0.9), stored(2, now - 2 * MINUTE, 0.25), stored(3, now - MINUTE, 0.75)]);
    const registry = new Registry();
    const queue = new BackgroundQueue({ concurrency: 1, maxQueued: 1 });
    await startOnlineEvaluation({ runtime: () => runtimeFor(config(''), 8), queue, registry, logger: capturingLogger().logger, store });
    queue.offer(() => new Promise((resolve) => setTimeout(resolve, 10)));
    queue.offer(() => Promise.resolve());
    const metrics = await registry.metrics();
    expect(metrics).toContain('switchyard_online_quality_score{workload="support",model="chat",route="default"} 0.5');
    expect(metrics).toContain('switchyard_online_quality_baseline{workload="support",model="chat",route="default"} 0.9');
    expect(metrics).toContain('switchyard_evaluation_queue{state="queued"} 1');
    expect(metrics).toContain('switchyard_evaluation_queue{state="dropped"} 1');
    await queue.close();
  });

  it('judges traffic end to end and applies a reloaded webhook and quality settings to the next sample', async () => {
    server = await createTestServer();
    server.setDefault('/alerts', { type: 'json', status: 200, body: {} });
    const { store } = opened;
    const now = Date.now();
    // A day of good answers in the baseline.
    await store.recordOnlineScores(Array.from({ length: 40 }, (_, index) => stored(index, now - 2 * HOUR - index * MINUTE, index % 2 === 0 ? 0.8 : 1)));
    const before = runtimeFor(config(''), 2);
    const after = runtimeFor(
      config(`evaluation:
  quality: { min_samples: 3, min_drop: 0.2 }
  alert_webhook: { url: "${server.url}/alerts", headers: { x-token: t0ken } }
`),
      2,
    );
    let runtime = before;
    const queue = new BackgroundQueue({ concurrency: 1, maxQueued: 10 });
    const { logger } = capturingLogger();
    const evaluation = await startOnlineEvaluation({ runtime: () => runtime, queue, registry: new Registry(), logger, store });
    const recorder = new RequestRecorder(() => runtime, [evaluation.evaluator]);
    const pipeline = new RequestPipeline(recorder);
    const ask = async (index: number) => {
      await pipeline.generate({ runtime, requestId: `new-${index}`, startedAt: performance.now(), endpoint: 'chat', model: 'workload/support', call: { messages: [{ role: 'user', content: [{ type: 'text', text: `q${index}` }] }] } });
      recorder.drain();
      await queue.idle();
    };
    for (let index = 0; index < 3; index++) await ask(index);
    // Three poor answers are fewer than the default 30 samples: no alert yet.
    expect(evaluation.recentAlerts()).toEqual([]);
    runtime = after;
    await ask(3);
    await evaluation.close();
    expect(evaluation.recentAlerts()).toEqual([expect.objectContaining({ kind: 'quality_drop', workload: 'support', model: 'chat', route: 'default' })]);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers['x-token']).toBe('t0ken');
    const judged = await store.listOnlineScores({ workload: 'support', since: now - MINUTE, limit: 1000 });
    expect(judged.map((score) => [score.requestId, score.rubricScore]).sort()).toEqual([0, 1, 2, 3].map((index) => [`new-${index}`, 2]));
  });
});
