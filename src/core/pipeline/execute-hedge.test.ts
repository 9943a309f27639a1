import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chatCall, createFakeAdapter, readAllEvents, runtimeWithFakes, textEvents, track, type FakeAdapter } from '../../../test/support/fake-adapter.js';
import { AllTargetsFailedError, DeadlineExceededError, ProviderApiError } from '../../spec/errors.js';
import { ResilienceState } from '../resilience/resilience-state.js';
import { resolveRoute } from '../routing/resolve-route.js';
import { executeGenerate, executeStream } from './execute.js';
import type { StreamOutcome } from './observe-stream.js';
import { AttemptCancelledError } from './run-attempt.js';

const yamlWith = (hedge: string, budget = '') => `providers:
  a: { type: simulated }
  b: { type: simulated }
resilience:
  retry: { max_attempts: 1${budget} }
  hedge: ${hedge}
models:
  chat:
    load_balancing: ordered
    deployments: [{ provider: a, model: m1 }, { provider: b, model: m2 }]
`;
const FIXED = yamlWith('{ enabled: true, after: 100 }');

const overloaded = () => new ProviderApiError('overloaded', { provider: 'a', upstreamStatus: 503 });

function setup(fakes: Record<string, FakeAdapter>, yaml = FIXED) {
  const state = new ResilienceState(() => Date.now(), () => 0.5);
  const runtime = runtimeWithFakes(yaml, fakes, { resilience: state });
  const plan = () => resolveRoute(runtime, { model: 'chat', kind: 'chat' });
  const budget = () => state.budgetFor(undefined, runtime.resilienceFor(undefined));
  return {
    state,
    budget,
    generate: (signal?: AbortSignal) => executeGenerate(runtime, plan(), chatCall('hi', signal)),
    stream: (onEnd: (outcome: StreamOutcome) => void = () => undefined) =>
      executeStream(runtime, plan(), chatCall(), { startedAt: performance.now(), onEnd }),
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('hedged first attempt (generate)', () => {
  it('hedges a slow primary on the alternate; the first answer wins and the loser is cancelled', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'answer', text: 'slow', delayMs: 500 }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'answer', text: 'fast', delayMs: 50 }]);
    const { generate, budget, state } = setup({ 'a/m1': a, 'b/m2': b });
    const pending = track(generate());
    await vi.advanceTimersByTimeAsync(99);
    expect(b.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(b.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(50);
    expect(pending.value?.target.deployment.id).toBe('b/m2');
    expect(pending.value?.result.content).toEqual([{ type: 'text', text: 'fast' }]);
    expect(a.calls[0]?.abortSignal?.aborted).toBe(true);
    expect(a.calls[0]?.abortSignal?.reason).toBeInstanceOf(AttemptCancelledError);
    expect(b.calls[0]?.abortSignal?.aborted).toBe(false);
    expect(pending.value?.attempts).toMatchObject([
      { deployment: 'a/m1', code: 'cancelled', retry: 0, latencyMs: 150 },
      { deployment: 'b/m2', code: 'ok', retry: 0, hedge: true, latencyMs: 50 },
    ]);
    expect(pending.value?.attempts[0]).not.toHaveProperty('hedge');
    // The abandoned attempt still received the prompt, which the provider bills: its estimate is kept.
    expect(pending.value?.attempts[0]?.usage).toMatchObject({ inputTokens: expect.any(Number), outputTokens: 0, raw: { estimated: true } });
    expect(pending.value?.attempts[0]?.usage?.inputTokens).toBeGreaterThan(0);
    // The hedge took a retry token; the cancelled primary is not held against its deployment.
    expect(budget().stats()).toMatchObject({ requests: 1, retries: 1 });
    expect(state.health.get('a/m1').breaker.stats()).toMatchObject({ state: 'closed', windowFailures: 0 });
    expect(state.health.get('a/m1').health.outstanding).toBe(0);
  });

  it('records the loser as cancelled as soon as the winner answers, even if its upstream ignores the abort', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'answer', text: 'slow', delayMs: 500, ignoreAbort: true }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'answer', text: 'fast', delayMs: 50 }]);
    const { generate, state } = setup({ 'a/m1': a, 'b/m2': b });
    const pending = track(generate());
    await vi.advanceTimersByTimeAsync(150);
    expect(pending.value?.attempts.map((attempt) => attempt.code)).toEqual(['cancelled', 'ok']);
    // The late answer does not turn the abandoned attempt into a success.
    await vi.advanceTimersByTimeAsync(400);
    expect(pending.value?.attempts).toMatchObject([
      { code: 'cancelled', latencyMs: 150 },
      { code: 'ok', latencyMs: 50 },
    ]);
    expect(state.health.get('a/m1').health.latencySamples).toBe(0);
    expect(state.health.get('a/m1').health.outstanding).toBe(0);
  });

  it('keeps the primary when it answers before the hedge', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'answer', text: 'slow-ish', delayMs: 300 }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'answer', text: 'hedge', delayMs: 500 }]);
    const { generate } = setup({ 'a/m1': a, 'b/m2': b });
    const pending = track(generate());
    await vi.advanceTimersByTimeAsync(300);
    expect(pending.value?.target.deployment.id).toBe('a/m1');
    expect(b.calls[0]?.abortSignal?.aborted).toBe(true);
    expect(pending.value?.attempts.map((attempt) => [attempt.deployment, attempt.code, attempt.hedge ?? false])).toEqual([
      ['a/m1', 'ok', false],
      ['b/m2', 'cancelled', true],
    ]);
  });

  it('never hedges a fast primary', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'answer', text: 'quick', delayMs: 40 }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'answer', text: 'hedge' }]);
    const { generate, budget } = setup({ 'a/m1': a, 'b/m2': b });
    const pending = track(generate());
    await vi.advanceTimersByTimeAsync(1_000);
    expect(pending.value?.attempts).toMatchObject([{ deployment: 'a/m1', code: 'ok' }]);
    expect(pending.value?.attempts).toHaveLength(1);
    expect(b.calls).toHaveLength(0);
    expect(budget().stats().retries).toBe(0);
  });

  it('does not hedge when the retry budget is spent', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'answer', text: 'slow', delayMs: 500 }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'answer', text: 'hedge' }]);
    const { generate, budget } = setup({ 'a/m1': a, 'b/m2': b }, yamlWith('{ enabled: true, after: 100 }', ', budget: { ratio: 0, min_per_second: 0 }'));
    const pending = track(generate());
    await vi.advanceTimersByTimeAsync(500);
    expect(pending.value?.target.deployment.id).toBe('a/m1');
    expect(b.calls).toHaveLength(0);
    expect(budget().stats()).toMatchObject({ retries: 0, rejected: 1 });
  });

  it('does not spend a retry token on a hedge the alternate breaker refuses', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'answer', text: 'slow', delayMs: 500 }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'answer', text: 'hedge' }]);
    const { generate, budget, state } = setup({ 'a/m1': a, 'b/m2': b });
    for (let index = 0; index < 5; index++) state.health.get('b/m2').breaker.onFailure();
    expect(state.health.get('b/m2').breaker.state).toBe('open');
    const pending = track(generate());
    await vi.advanceTimersByTimeAsync(500);
    expect(pending.value?.target.deployment.id).toBe('a/m1');
    expect(b.calls).toHaveLength(0);
    expect(budget().stats()).toMatchObject({ retries: 0, rejected: 0 });
  });

  it('falls over normally when the primary fails before the hedge is due', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'fail', error: overloaded(), delayMs: 10 }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'answer', text: 'b' }]);
    const { generate } = setup({ 'a/m1': a, 'b/m2': b });
    const pending = track(generate());
    await vi.advanceTimersByTimeAsync(10);
    expect(pending.value?.attempts.map((attempt) => [attempt.deployment, attempt.code, attempt.hedge ?? false])).toEqual([
      ['a/m1', 'provider_http_error', false],
      ['b/m2', 'ok', false],
    ]);
  });

  it('waits for the other attempt when one fails, and reports both when both fail', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'fail', error: overloaded(), delayMs: 300 }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'fail', error: overloaded(), delayMs: 50 }]);
    const { generate } = setup({ 'a/m1': a, 'b/m2': b });
    const pending = track(generate());
    await vi.advanceTimersByTimeAsync(299);
    expect(pending.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(pending.error).toBeInstanceOf(AllTargetsFailedError);
    expect((pending.error as AllTargetsFailedError).attempts.map((attempt) => [attempt.deployment, attempt.code, attempt.hedge ?? false])).toEqual([
      ['a/m1', 'provider_http_error', false],
      ['b/m2', 'provider_http_error', true],
    ]);
  });

  it('ends the race with the request deadline itself, not as a target failure', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'answer', text: 'slow', delayMs: 500 }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'answer', text: 'slow too', delayMs: 500 }]);
    const { generate } = setup({ 'a/m1': a, 'b/m2': b });
    const deadline = new AbortController();
    const pending = track(generate(deadline.signal));
    await vi.advanceTimersByTimeAsync(200);
    deadline.abort(new DeadlineExceededError('deadline passed'));
    await vi.advanceTimersByTimeAsync(0);
    expect(pending.error).toBeInstanceOf(DeadlineExceededError);
  });

  it('with a p95 trigger, hedges only after min_samples, at the primary p95', async () => {
    const slowSteps = [100, 100, 100, 100, 500].map((delayMs) => ({ kind: 'answer' as const, text: 'a', delayMs }));
    const a = createFakeAdapter('a/m1', [...slowSteps, { kind: 'answer', text: 'very slow', delayMs: 5_000 }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'answer', text: 'hedge', delayMs: 10 }]);
    const { generate, state } = setup({ 'a/m1': a, 'b/m2': b }, yamlWith('{ enabled: true, after: p95, min_samples: 5 }'));
    for (let index = 0; index < 5; index++) {
      const warmUp = track(generate());
      await vi.advanceTimersByTimeAsync(500);
      expect(warmUp.value?.target.deployment.id).toBe('a/m1');
    }
    // The fifth request took 500 ms with only four samples known: no hedge was sent.
    expect(b.calls).toHaveLength(0);
    // p95 of [100, 100, 100, 100, 500], interpolated between ranks: 100 + 0.8 × 400.
    expect(state.health.get('a/m1').health.quantile(0.95)).toBeCloseTo(420);
    const pending = track(generate());
    await vi.advanceTimersByTimeAsync(418);
    expect(b.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(2);
    expect(b.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(11);
    expect(pending.value?.target.deployment.id).toBe('b/m2');
    expect(pending.value?.attempts.map((attempt) => attempt.code)).toEqual(['cancelled', 'ok']);
  });
});

describe('hedged first attempt (stream)', () => {
  it('races on the first content event; the losing stream is aborted and recorded as cancelled', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'stream', events: textEvents('slow'), eventDelayMs: 200 }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'stream', events: textEvents('fast', ' hedge'), delayMs: 20 }]);
    const ends: StreamOutcome[] = [];
    const { stream } = setup({ 'a/m1': a, 'b/m2': b });
    const pending = track(stream((outcome) => ends.push(outcome)));
    await vi.advanceTimersByTimeAsync(119);
    expect(pending.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(pending.value?.target.deployment.id).toBe('b/m2');
    expect(a.calls[0]?.abortSignal?.aborted).toBe(true);
    const events = await readAllEvents(pending.value!.result.events);
    expect(events.flatMap((event) => (event.type === 'text-delta' ? [event.delta] : []))).toEqual(['fast', ' hedge']);
    expect(pending.value?.attempts.map((attempt) => [attempt.deployment, attempt.code, attempt.hedge ?? false])).toEqual([
      ['a/m1', 'cancelled', false],
      ['b/m2', 'ok', true],
    ]);
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({ finishReason: 'stop' });
  });

  it('cancels a losing stream that opens after the winner, without reporting it as the request', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'stream', events: textEvents('late'), delayMs: 300, ignoreAbort: true }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'stream', events: textEvents('fast'), delayMs: 20 }]);
    const ends: StreamOutcome[] = [];
    const { stream, state } = setup({ 'a/m1': a, 'b/m2': b });
    const pending = track(stream((outcome) => ends.push(outcome)));
    await vi.advanceTimersByTimeAsync(120);
    expect(pending.value?.target.deployment.id).toBe('b/m2');
    await vi.advanceTimersByTimeAsync(200);
    expect(a.streamCancels).toHaveLength(1);
    expect(ends).toHaveLength(0);
    expect(pending.value?.attempts.map((attempt) => attempt.code)).toEqual(['cancelled', 'ok']);
    expect(state.health.get('a/m1').health.outstanding).toBe(0);
    await readAllEvents(pending.value!.result.events);
    expect(ends).toHaveLength(1);
  });
});
