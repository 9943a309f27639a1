import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chatCall, createFakeAdapter, readAllEvents, runtimeWithFakes, textEvents, track, type FakeAdapter } from '../../../test/support/fake-adapter.js';
import { ProviderApiError, ProviderTimeoutError, StreamInterruptedError } from '../../spec/errors.js';
import type { StreamEvent } from '../../spec/stream-event.js';
import { ResilienceState } from '../resilience/resilience-state.js';
import { resolveRoute } from '../routing/resolve-route.js';
import { executeGenerate, executeStream } from './execute.js';
import type { StreamOutcome } from './observe-stream.js';

const YAML = `providers:
  a: { type: simulated }
  b: { type: simulated }
resilience:
  retry: { max_attempts: 1 }
  timeouts: { first_token_ms: 500, idle_ms: 300, total_ms: 2000 }
models:
  chat:
    load_balancing: ordered
    deployments: [{ provider: a, model: m1 }, { provider: b, model: m2 }]
`;

const overloaded = () => new ProviderApiError('overloaded', { provider: 'a', upstreamStatus: 503 });
const deltas = (events: StreamEvent[]) => events.flatMap((event) => (event.type === 'text-delta' ? [event.delta] : []));

function setup(fakes: Record<string, FakeAdapter>) {
  const state = new ResilienceState(() => Date.now(), () => 0.5);
  const runtime = runtimeWithFakes(YAML, fakes, { resilience: state });
  const plan = () => resolveRoute(runtime, { model: 'chat', kind: 'chat' });
  const ends: StreamOutcome[] = [];
  return {
    state,
    ends,
    generate: () => executeGenerate(runtime, plan(), chatCall()),
    stream: () => executeStream(runtime, plan(), chatCall(), { startedAt: performance.now(), onEnd: (outcome) => ends.push(outcome) }),
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('attempt timeouts', () => {
  it('first_token_ms fails a stream that sends no content in time and fails over to the next deployment', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'stream', events: textEvents('never'), stallAt: 1 }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'stream', events: textEvents('from b') }]);
    const { stream } = setup({ 'a/m1': a, 'b/m2': b });
    const pending = track(stream());
    await vi.advanceTimersByTimeAsync(499);
    expect(b.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(a.calls[0]?.abortSignal?.reason).toBeInstanceOf(ProviderTimeoutError);
    expect(a.calls[0]?.abortSignal?.reason).toMatchObject({ phase: 'first-token' });
    expect(pending.value?.target.deployment.id).toBe('b/m2');
    expect(pending.value?.attempts).toMatchObject([
      { deployment: 'a/m1', code: 'provider_timeout', latencyMs: 500 },
      { deployment: 'b/m2', code: 'ok' },
    ]);
    expect(pending.value?.attempts[0]?.message).toContain('first-token');
    // What `a` sent before its first token (its stream-start) never reaches the client.
    const events = await readAllEvents(pending.value!.result.events);
    expect(events.map((event) => event.type)).toEqual(['stream-start', 'text-delta', 'finish']);
    expect(deltas(events)).toEqual(['from b']);
    expect(pending.value?.result.response?.modelId).toBe('b/m2');
  });

  it('fails with a first-token ProviderTimeoutError when no deployment is left', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'stream', events: textEvents('never'), stallAt: 0 }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'stream', events: textEvents('never'), delayMs: 10_000 }]);
    const { stream } = setup({ 'a/m1': a, 'b/m2': b });
    const pending = track(stream());
    await vi.advanceTimersByTimeAsync(1_000);
    expect(pending.error).toMatchObject({ code: 'all_targets_failed', lastError: { code: 'provider_timeout', phase: 'first-token' } });
  });

  it('idle_ms ends a stream that stalls after content with a timeout the reader sees, without failing over', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'stream', events: textEvents('one', 'two'), stallAt: 2 }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'stream', events: textEvents('from b') }]);
    const { stream, ends, state } = setup({ 'a/m1': a, 'b/m2': b });
    const opened = await stream();
    const { events } = opened.result;
    expect(await events.read()).toMatchObject({ done: false, value: { type: 'stream-start' } });
    expect(await events.read()).toMatchObject({ done: false, value: { type: 'text-delta', delta: 'one' } });
    const stalled = track(events.read());
    await vi.advanceTimersByTimeAsync(299);
    expect(stalled.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(stalled.error).toBeInstanceOf(ProviderTimeoutError);
    expect(stalled.error).toMatchObject({ phase: 'idle' });
    expect(b.calls).toHaveLength(0);
    expect(opened.attempts).toMatchObject([{ deployment: 'a/m1', code: 'provider_timeout' }]);
    expect(ends).toHaveLength(1);
    expect(ends[0]?.error).toBeInstanceOf(ProviderTimeoutError);
    expect(state.health.get('a/m1').breaker.stats().windowFailures).toBe(1);
    expect(state.health.get('a/m1').health.outstanding).toBe(0);
  });

  it('idle_ms does not cut a slow but steady stream', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'stream', events: textEvents('a', 'b', 'c', 'd'), eventDelayMs: 200 }]);
    const { stream, ends } = setup({ 'a/m1': a, 'b/m2': createFakeAdapter('b/m2', [{ kind: 'answer', text: 'b' }]) });
    const pending = track(stream());
    await vi.advanceTimersByTimeAsync(400);
    expect(pending.value?.target.deployment.id).toBe('a/m1');
    const reading = track(readAllEvents(pending.value!.result.events));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(deltas(reading.value ?? [])).toEqual(['a', 'b', 'c', 'd']);
    expect(ends[0]).toMatchObject({ finishReason: 'stop' });
    expect(ends[0]?.error).toBeUndefined();
  });

  it('total_ms caps a non-streaming attempt', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'answer', text: 'too slow', delayMs: 5_000 }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'answer', text: 'b', delayMs: 100 }]);
    const { generate } = setup({ 'a/m1': a, 'b/m2': b });
    const pending = track(generate());
    await vi.advanceTimersByTimeAsync(1_999);
    expect(b.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(a.calls[0]?.abortSignal?.reason).toMatchObject({ code: 'provider_timeout', phase: 'total' });
    await vi.advanceTimersByTimeAsync(100);
    expect(pending.value?.target.deployment.id).toBe('b/m2');
    expect(pending.value?.attempts).toMatchObject([
      { deployment: 'a/m1', code: 'provider_timeout', latencyMs: 2_000 },
      { deployment: 'b/m2', code: 'ok', latencyMs: 100 },
    ]);
  });
});

describe('streaming failover', () => {
  it('replaces a deployment whose stream errors before the first content event, invisibly', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'stream', events: textEvents('lost'), failAfter: { index: 1, error: overloaded() } }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'stream', events: textEvents('hello', ' there') }]);
    const { stream, ends } = setup({ 'a/m1': a, 'b/m2': b });
    const opened = await stream();
    const events = await readAllEvents(opened.result.events);
    expect(deltas(events)).toEqual(['hello', ' there']);
    expect(events.filter((event) => event.type === 'stream-start')).toHaveLength(1);
    expect(opened.attempts.map((attempt) => [attempt.deployment, attempt.code])).toEqual([
      ['a/m1', 'provider_http_error'],
      ['b/m2', 'ok'],
    ]);
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({ finishReason: 'stop', usage: { inputTokens: 10, outputTokens: 2 } });
  });

  it('replaces a deployment whose stream call itself fails', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'fail', error: overloaded() }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'stream', events: textEvents('b') }]);
    const { stream } = setup({ 'a/m1': a, 'b/m2': b });
    const opened = await stream();
    expect(deltas(await readAllEvents(opened.result.events))).toEqual(['b']);
    expect(opened.attempts.map((attempt) => attempt.code)).toEqual(['provider_http_error', 'ok']);
  });

  it('ends the stream with the error when it breaks after content, and does not try the next deployment', async () => {
    const broken = new StreamInterruptedError('connection reset mid-stream');
    const a = createFakeAdapter('a/m1', [{ kind: 'stream', events: textEvents('partial', 'more'), failAfter: { index: 2, error: broken } }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'stream', events: textEvents('b') }]);
    const { stream, ends, state } = setup({ 'a/m1': a, 'b/m2': b });
    const opened = await stream();
    const seen: StreamEvent[] = [];
    const reading = opened.result.events;
    await expect(
      (async () => {
        for (;;) {
          const next = await reading.read();
          if (next.done) return;
          seen.push(next.value);
        }
      })(),
    ).rejects.toBe(broken);
    expect(deltas(seen)).toEqual(['partial']);
    expect(b.calls).toHaveLength(0);
    expect(opened.attempts).toMatchObject([{ deployment: 'a/m1', code: 'stream_interrupted' }]);
    expect(ends).toHaveLength(1);
    expect(ends[0]?.error).toBe(broken);
    expect(state.health.get('a/m1').breaker.stats().windowFailures).toBe(1);
  });

  it('frees the breaker probe and outstanding count when the client cancels the stream', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'stream', events: textEvents('x', 'y', 'z') }]);
    const { stream, ends, state } = setup({ 'a/m1': a, 'b/m2': createFakeAdapter('b/m2', [{ kind: 'answer', text: 'b' }]) });
    const opened = await stream();
    expect(state.health.get('a/m1').health.outstanding).toBe(1);
    await opened.result.events.read();
    await opened.result.events.cancel(new Error('client went away'));
    expect(a.streamCancels).toHaveLength(1);
    expect(ends).toMatchObject([{ cancelled: true }]);
    expect(state.health.get('a/m1').health.outstanding).toBe(0);
    expect(state.health.get('a/m1').breaker.stats()).toMatchObject({ windowFailures: 0, windowSuccesses: 0 });
  });
});
