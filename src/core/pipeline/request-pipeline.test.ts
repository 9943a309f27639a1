import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chatCall, createFakeAdapter, readAllEvents, runtimeWithFakes, textEvents, type FakeAdapter } from '../../../test/support/fake-adapter.js';
import { PermissionDeniedError, ProviderApiError } from '../../spec/errors.js';
import type { VirtualKey } from '../keys/virtual-key-registry.js';
import { ConcurrencyLimitExceededError } from '../limits/limit-errors.js';
import type { GatewayRuntime } from '../registry/gateway-runtime.js';
import { ResilienceState } from '../resilience/resilience-state.js';
import { RequestPipeline, type PipelineRequest } from './request-pipeline.js';
import type { RequestSummary } from './request-summary.js';

const YAML = `providers:
  a: { type: simulated }
  b: { type: simulated }
resilience:
  retry: { max_attempts: 1 }
models:
  chat:
    load_balancing: ordered
    deployments: [{ provider: a, model: m1 }, { provider: b, model: m2 }]
workloads:
  alpha:
    route: { model: chat }
    limits: { max_concurrent: 1 }
  beta:
    route: { model: chat }
`;

const overloaded = () => new ProviderApiError('overloaded', { provider: 'a', upstreamStatus: 503 });

/** A key as the registry builds it: lists absent mean everything is allowed. */
function keyFor(name: string, allowed: { workloads?: string[]; models?: string[] }): VirtualKey {
  const workloads = allowed.workloads && new Set(allowed.workloads);
  const models = allowed.models && new Set(allowed.models);
  return {
    name,
    limits: undefined,
    allows: (workload, model) => !(workload !== undefined && workloads && !workloads.has(workload)) && !(model !== undefined && models && !models.has(model)),
  };
}

function setup(fakes: Record<string, FakeAdapter>) {
  const runtime = runtimeWithFakes(YAML, fakes, { resilience: new ResilienceState(() => Date.now(), () => 0.5) });
  const summaries: RequestSummary[] = [];
  const pipeline = new RequestPipeline({ onRequestEnd: (summary) => summaries.push(summary) });
  let sequence = 0;
  const request = (model: string, client?: VirtualKey): PipelineRequest => ({
    runtime: runtime satisfies GatewayRuntime,
    requestId: `req-${++sequence}`,
    startedAt: performance.now(),
    endpoint: 'chat',
    model,
    call: chatCall(),
    ...(client ? { client } : {}),
  });
  return { pipeline, summaries, request };
}

/** Lets the limiter's asynchronous release run. */
const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('RequestPipeline permissions', () => {
  it('refuses a key restricted to one workload calling another, before any upstream call', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'answer', text: 'a' }]);
    const { pipeline, summaries, request } = setup({ 'a/m1': a });
    const key = keyFor('team-alpha', { workloads: ['alpha'] });
    await expect(pipeline.generate(request('workload/beta', key))).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(pipeline.generate(request('workload/beta', key))).rejects.toThrow("API key 'team-alpha' may not use workload 'beta'.");
    expect(a.calls).toHaveLength(0);
    expect(summaries[0]).toMatchObject({ status: 403, errorCode: 'permission_denied', apiKey: 'team-alpha', workload: 'beta', attempts: [] });
    const allowed = await pipeline.generate(request('workload/alpha', key));
    expect(allowed.execution.target.deployment.id).toBe('a/m1');
  });

  it('refuses direct model use to a key whose model list omits it, and stream requests too', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'answer', text: 'a' }]);
    const { pipeline, request } = setup({ 'a/m1': a });
    const key = keyFor('workloads-only', { models: [] });
    await expect(pipeline.stream(request('chat', key))).rejects.toMatchObject({ code: 'permission_denied', httpStatus: 403 });
    await expect(pipeline.generate(request('workload/beta', key))).resolves.toBeDefined();
    expect(a.calls).toHaveLength(1);
  });
});

describe('RequestPipeline limits', () => {
  it('holds the concurrency slot while a stream runs and frees it when the stream ends', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'stream', events: textEvents('one', 'two') }]);
    const { pipeline, request } = setup({ 'a/m1': a });
    const first = await pipeline.stream(request('workload/alpha'));
    await expect(pipeline.stream(request('workload/alpha'))).rejects.toBeInstanceOf(ConcurrencyLimitExceededError);
    // Another workload has no limit of its own.
    const other = await pipeline.stream(request('workload/beta'));
    expect(other.execution.target.deployment.id).toBe('a/m1');
    await readAllEvents(first.execution.result.events);
    await settle();
    const second = await pipeline.stream(request('workload/alpha'));
    expect(second.execution.target.deployment.id).toBe('a/m1');
  });

  it('frees the slot when the client cancels the stream', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'stream', events: textEvents('one', 'two') }]);
    const { pipeline, request, summaries } = setup({ 'a/m1': a });
    const first = await pipeline.stream(request('workload/alpha'));
    await first.execution.result.events.read();
    await expect(pipeline.stream(request('workload/alpha'))).rejects.toMatchObject({ code: 'concurrency_limit_exceeded' });
    await first.execution.result.events.cancel(new Error('client went away'));
    await settle();
    await expect(pipeline.stream(request('workload/alpha'))).resolves.toBeDefined();
    expect(summaries.find((summary) => summary.requestId === 'req-1')).toMatchObject({ stream: true, errorCode: 'client_disconnected' });
  });

  it('frees the slot when every deployment fails', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'fail', error: overloaded() }, { kind: 'answer', text: 'a' }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'fail', error: overloaded() }]);
    const { pipeline, request } = setup({ 'a/m1': a, 'b/m2': b });
    await expect(pipeline.generate(request('workload/alpha'))).rejects.toMatchObject({ code: 'all_targets_failed' });
    await settle();
    await expect(pipeline.generate(request('workload/alpha'))).resolves.toBeDefined();
  });
});

describe('RequestPipeline summaries', () => {
  it('records the attempts, the deployment and the usage of a generate request', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'fail', error: overloaded() }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'answer', text: 'b' }]);
    const { pipeline, summaries, request } = setup({ 'a/m1': a, 'b/m2': b });
    await pipeline.generate(request('workload/beta', keyFor('k', {})));
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({
      requestId: 'req-1',
      endpoint: 'chat',
      stream: false,
      requestedModel: 'workload/beta',
      workload: 'beta',
      apiKey: 'k',
      status: 200,
      deployment: 'b/m2',
      upstreamModel: 'b/m2',
      usage: { inputTokens: 10, outputTokens: 5 },
      finishReason: 'stop',
    });
    expect(summaries[0]?.attempts.map((attempt) => [attempt.deployment, attempt.code, attempt.upstreamStatus])).toEqual([
      ['a/m1', 'provider_http_error', 503],
      ['b/m2', 'ok', undefined],
    ]);
  });

  it('records a failed request with its status and every attempt', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'fail', error: overloaded() }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'fail', error: overloaded() }]);
    const { pipeline, summaries, request } = setup({ 'a/m1': a, 'b/m2': b });
    await expect(pipeline.generate(request('chat'))).rejects.toThrow();
    expect(summaries[0]).toMatchObject({ status: 502, errorCode: 'all_targets_failed', requestedModel: 'chat' });
    expect(summaries[0]?.attempts.map((attempt) => attempt.deployment)).toEqual(['a/m1', 'b/m2']);
  });

  it('records the one attempt behind a provider error passed to the client as it was', async () => {
    const badRequest = new ProviderApiError('bad input', { provider: 'a', upstreamStatus: 400 });
    const a = createFakeAdapter('a/m1', [{ kind: 'fail', error: badRequest }]);
    const { pipeline, summaries, request } = setup({ 'a/m1': a });
    await expect(pipeline.generate(request('chat'))).rejects.toBe(badRequest);
    expect(summaries[0]).toMatchObject({ status: 400 });
    expect(summaries[0]?.attempts.map((attempt) => [attempt.deployment, attempt.upstreamStatus])).toEqual([['a/m1', 400]]);
  });

  it('records a stream once, when it ends, with its attempts and time to first token', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'stream', events: textEvents('late'), failAfter: { index: 1, error: overloaded() } }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'stream', events: textEvents('hi', '!'), eventDelayMs: 40 }]);
    const { pipeline, summaries, request } = setup({ 'a/m1': a, 'b/m2': b });
    const opening = pipeline.stream(request('workload/alpha'));
    await vi.advanceTimersByTimeAsync(80);
    const { execution } = await opening;
    expect(summaries).toHaveLength(0);
    const reading = readAllEvents(execution.result.events);
    await vi.advanceTimersByTimeAsync(200);
    await reading;
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({
      stream: true,
      status: 200,
      deployment: 'b/m2',
      upstreamModel: 'b/m2',
      timeToFirstTokenMs: 80,
      usage: { inputTokens: 10, outputTokens: 2 },
    });
    expect(summaries[0]?.errorCode).toBeUndefined();
    expect(summaries[0]?.attempts.map((attempt) => attempt.code)).toEqual(['provider_http_error', 'ok']);
  });
});
