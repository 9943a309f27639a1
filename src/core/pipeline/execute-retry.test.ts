import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chatCall, createFakeAdapter, runtimeWithFakes, track, type FakeAdapter } from '../../../test/support/fake-adapter.js';
import {
  AllTargetsFailedError,
  DeadlineExceededError,
  ProviderApiError,
  ProviderQuotaExceededError,
  ProviderRateLimitError,
} from '../../spec/errors.js';
import { ResilienceState } from '../resilience/resilience-state.js';
import { resolveRoute } from '../routing/resolve-route.js';
import { executeGenerate } from './execute.js';

const YAML = `providers:
  a: { type: simulated }
  b: { type: simulated }
  c: { type: simulated }
resilience:
  retry: { max_attempts: 3, base_ms: 100, max_ms: 1000, max_retry_after_ms: 2000 }
  circuit_breaker: { consecutive_failures: 100 }
models:
  chat:
    load_balancing: ordered
    deployments: [{ provider: a, model: m1 }, { provider: b, model: m2 }]
  single:
    deployments: [{ provider: a, model: solo }]
    fallbacks: [{ model: backup, on: [server_error] }]
  backup:
    deployments: [{ provider: c, model: backup }]
`;

const overloaded = () => new ProviderApiError('overloaded', { provider: 'a', upstreamStatus: 503 });

/** A runtime whose jitter draws are all `draw`, on vitest's fake clock. */
function setup(fakes: Record<string, FakeAdapter>, draw = 0.5, yaml = YAML) {
  const state = new ResilienceState(() => Date.now(), () => draw);
  const runtime = runtimeWithFakes(yaml, fakes, { resilience: state });
  const run = (model: string, signal?: AbortSignal) => executeGenerate(runtime, resolveRoute(runtime, { model, kind: 'chat' }), chatCall('hi', signal));
  return { runtime, state, run };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('retries on the same deployment', () => {
  it('retries a 503 on the same deployment with full-jitter backoff, recording each try', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'fail', error: overloaded() }, { kind: 'fail', error: overloaded() }, { kind: 'answer', text: 'third time' }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'answer', text: 'b' }]);
    const { run } = setup({ 'a/m1': a, 'b/m2': b }, 0.5);
    const pending = track(run('chat'));

    // First backoff: 0.5 × min(1000, 100 × 2^0) = 50 ms.
    await vi.advanceTimersByTimeAsync(49);
    expect(a.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(a.calls).toHaveLength(2);
    // Second backoff: 0.5 × min(1000, 100 × 2^1) = 100 ms.
    await vi.advanceTimersByTimeAsync(99);
    expect(a.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(pending.settled).toBe(true);
    expect(a.calls).toHaveLength(3);
    expect(b.calls).toHaveLength(0);
    expect(pending.value?.target.deployment.id).toBe('a/m1');
    expect(pending.value?.attempts).toMatchObject([
      { deployment: 'a/m1', code: 'provider_http_error', upstreamStatus: 503, retry: 0 },
      { deployment: 'a/m1', code: 'provider_http_error', upstreamStatus: 503, retry: 1 },
      { deployment: 'a/m1', code: 'ok', retry: 2 },
    ]);
  });

  it('falls over to the next deployment once max_attempts tries have failed', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'fail', error: overloaded() }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'answer', text: 'b' }]);
    const { run } = setup({ 'a/m1': a, 'b/m2': b }, 0);
    const pending = track(run('chat'));
    await vi.advanceTimersByTimeAsync(10);
    expect(pending.value?.target.deployment.id).toBe('b/m2');
    expect(a.calls).toHaveLength(3);
    expect(pending.value?.attempts.map((attempt) => [attempt.deployment, attempt.code, attempt.retry])).toEqual([
      ['a/m1', 'provider_http_error', 0],
      ['a/m1', 'provider_http_error', 1],
      ['a/m1', 'provider_http_error', 2],
      ['b/m2', 'ok', 0],
    ]);
  });

  it('waits out a Retry-After within max_retry_after_ms, even when the jittered backoff is shorter', async () => {
    const limited = new ProviderRateLimitError('slow down', { provider: 'a', upstreamStatus: 429, retryAfterMs: 1500 });
    const a = createFakeAdapter('a/m1', [{ kind: 'fail', error: limited }, { kind: 'answer', text: 'after waiting' }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'answer', text: 'b' }]);
    const { run } = setup({ 'a/m1': a, 'b/m2': b }, 0.5);
    const pending = track(run('chat'));
    await vi.advanceTimersByTimeAsync(1499);
    expect(a.calls).toHaveLength(1);
    expect(pending.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(pending.value?.target.deployment.id).toBe('a/m1');
    expect(b.calls).toHaveLength(0);
    expect(pending.value?.attempts).toMatchObject([
      { deployment: 'a/m1', code: 'provider_rate_limited', upstreamStatus: 429, retry: 0 },
      { deployment: 'a/m1', code: 'ok', retry: 1 },
    ]);
  });

  it('falls back at once, without waiting, when Retry-After exceeds max_retry_after_ms', async () => {
    const limited = new ProviderRateLimitError('slow down', { provider: 'a', upstreamStatus: 429, retryAfterMs: 30_000 });
    const a = createFakeAdapter('a/m1', [{ kind: 'fail', error: limited }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'answer', text: 'b' }]);
    const { run, state } = setup({ 'a/m1': a, 'b/m2': b });
    const startedAt = Date.now();
    const pending = track(run('chat'));
    await vi.advanceTimersByTimeAsync(0);
    expect(pending.value?.target.deployment.id).toBe('b/m2');
    expect(Date.now() - startedAt).toBe(0);
    expect(a.calls).toHaveLength(1);
    // The 429 also puts the deployment into a cooldown, so the next request leads with b.
    expect(state.health.get('a/m1').health.isCoolingDown(Date.now())).toBe(true);
  });

  it('records each failed attempt’s Retry-After, so the client is told the soonest one', async () => {
    const limitedFor = (retryAfterMs: number, provider: string) => new ProviderRateLimitError('slow down', { provider, upstreamStatus: 429, retryAfterMs });
    const a = createFakeAdapter('a/m1', [{ kind: 'fail', error: limitedFor(30_000, 'a') }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'fail', error: limitedFor(45_000, 'b') }]);
    const { run } = setup({ 'a/m1': a, 'b/m2': b });
    const pending = track(run('chat'));
    await vi.advanceTimersByTimeAsync(0);
    expect(pending.error).toMatchObject({ code: 'all_targets_failed', retryAfterMs: 30_000 });
    expect((pending.error as { attempts: unknown[] }).attempts).toMatchObject([{ retryAfterMs: 30_000 }, { retryAfterMs: 45_000 }]);
  });

  it('does not retry a non-retryable error, but another deployment may answer it', async () => {
    const quota = new ProviderQuotaExceededError('out of credit', { provider: 'a', upstreamStatus: 429 });
    const a = createFakeAdapter('a/m1', [{ kind: 'fail', error: quota }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'answer', text: 'b' }]);
    const { run } = setup({ 'a/m1': a, 'b/m2': b });
    const pending = track(run('chat'));
    await vi.advanceTimersByTimeAsync(0);
    expect(a.calls).toHaveLength(1);
    expect(pending.value?.attempts.map((attempt) => [attempt.deployment, attempt.code, attempt.retry])).toEqual([
      ['a/m1', 'provider_quota_exceeded', 0],
      ['b/m2', 'ok', 0],
    ]);
  });

  it('reports every try when all of them fail', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'fail', error: overloaded() }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'fail', error: overloaded() }]);
    const { run } = setup({ 'a/m1': a, 'b/m2': b }, 0);
    const pending = track(run('chat'));
    await vi.advanceTimersByTimeAsync(10);
    expect(pending.error).toBeInstanceOf(AllTargetsFailedError);
    const failure = pending.error as AllTargetsFailedError;
    expect(failure.attempts.map((attempt) => `${attempt.deployment}#${attempt.retry}`)).toEqual(['a/m1#0', 'a/m1#1', 'a/m1#2', 'b/m2#0', 'b/m2#1', 'b/m2#2']);
    expect(failure.lastError).toMatchObject({ code: 'provider_http_error', upstreamStatus: 503 });
  });

  it('stops a retry sleep when the request deadline passes', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'fail', error: overloaded() }]);
    const b = createFakeAdapter('b/m2', [{ kind: 'answer', text: 'b' }]);
    const { run } = setup({ 'a/m1': a, 'b/m2': b }, 0.9);
    const deadline = new AbortController();
    const pending = track(run('chat', deadline.signal));
    // The first backoff is 90 ms; the deadline passes 30 ms into it.
    await vi.advanceTimersByTimeAsync(30);
    deadline.abort(new DeadlineExceededError('request deadline passed'));
    await vi.advanceTimersByTimeAsync(0);
    expect(pending.error).toBeInstanceOf(DeadlineExceededError);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(a.calls).toHaveLength(1);
    expect(b.calls).toHaveLength(0);
  });

  it('keeps the upstream error when the breaker opens between tries, so fallback rules still match it', async () => {
    const yaml = YAML.replace('consecutive_failures: 100', 'consecutive_failures: 2');
    const solo = createFakeAdapter('a/solo', [{ kind: 'fail', error: overloaded() }]);
    const backup = createFakeAdapter('c/backup', [{ kind: 'answer', text: 'from backup' }]);
    const { run } = setup({ 'a/solo': solo, 'c/backup': backup }, 0, yaml);
    const pending = track(run('single'));
    await vi.advanceTimersByTimeAsync(10);
    // Two 503s open the breaker; the fallback `on: [server_error]` must still see a server error.
    expect(solo.calls).toHaveLength(2);
    expect(pending.error).toBeUndefined();
    expect(pending.value?.target.deployment.id).toBe('c/backup');
    expect(pending.value?.attempts.map((attempt) => attempt.code)).toEqual(['provider_http_error', 'provider_http_error', 'ok']);
  });
});

describe('retry budget', () => {
  const BUDGET_YAML = `providers:
  a: { type: simulated }
resilience:
  retry: { max_attempts: 3, base_ms: 0, budget: { ratio: 0.1, min_per_second: 0 } }
  # Breakers out of the way (neither trip applies): this is about the budget alone.
  circuit_breaker: { consecutive_failures: 1000, minimum_requests: 1000 }
models:
  chat:
    deployments: [{ provider: a, model: m1 }]
`;

  it('stops retrying a burst of failing requests once the budget is spent', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'fail', error: overloaded() }]);
    const { run, runtime, state } = setup({ 'a/m1': a }, 0, BUDGET_YAML);
    const requests = 20;
    for (let index = 0; index < requests; index++) {
      const pending = track(run('chat'));
      await vi.advanceTimersByTimeAsync(10);
      expect(pending.error).toBeDefined();
    }
    const retries = a.calls.length - requests;
    // retries ≤ ratio × requests + min: 0.1 × 20 + 0 = 2, where max_attempts alone would allow 40.
    expect(retries).toBe(2);
    expect(state.budgetFor(undefined, runtime.resilienceFor(undefined)).stats()).toMatchObject({ requests: 20, retries: 2 });
  });

  it('lets every request retry while the budget lasts', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'fail', error: overloaded() }, { kind: 'answer', text: 'ok' }]);
    const { run } = setup({ 'a/m1': a }, 0, BUDGET_YAML.replace('min_per_second: 0', 'min_per_second: 1'));
    const pending = track(run('chat'));
    await vi.advanceTimersByTimeAsync(10);
    expect(pending.value?.attempts.map((attempt) => attempt.code)).toEqual(['provider_http_error', 'ok']);
  });
});
