import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chatCall, createFakeAdapter, runtimeWithFakes, type FakeAdapter } from '../../../test/support/fake-adapter.js';
import { ProviderApiError, ProviderRateLimitError } from '../../spec/errors.js';
import { createSeededRandom, type RandomSource } from '../resilience/clock.js';
import { ResilienceState } from '../resilience/resilience-state.js';
import { resolveRoute } from '../routing/resolve-route.js';
import { executeGenerate } from './execute.js';

const YAML = `providers:
  a: { type: simulated }
  b: { type: simulated }
  c: { type: simulated }
resilience:
  retry: { max_attempts: 1 }
  circuit_breaker: { consecutive_failures: 3, open_ms: 1000 }
  load_balancing: weighted
models:
  chat:
    load_balancing: ordered
    deployments: [{ provider: a, model: m1 }, { provider: b, model: m2 }]
    fallbacks: [backup]
  solo:
    deployments: [{ provider: a, model: solo }]
  three:
    load_balancing: ordered
    deployments: [{ provider: a, model: first }, { provider: b, model: second }, { provider: c, model: third }]
  backup:
    deployments: [{ provider: c, model: backup }]
  spread:
    load_balancing: weighted
    deployments: [{ provider: a, model: heavy, weight: 3 }, { provider: b, model: light, weight: 1 }]
  even:
    deployments: [{ provider: a, model: left }, { provider: b, model: right }]
workloads:
  pinned:
    route: { model: even }
    resilience: { load_balancing: ordered }
`;

const overloaded = () => new ProviderApiError('overloaded', { provider: 'a', upstreamStatus: 503 });
const answer = (text = 'ok') => ({ kind: 'answer' as const, text });

function setup(fakes: Record<string, FakeAdapter>, random: RandomSource = () => 0.5, yaml = YAML) {
  const state = new ResilienceState(() => Date.now(), random);
  const runtime = runtimeWithFakes(yaml, fakes, { resilience: state });
  const run = (model: string) => executeGenerate(runtime, resolveRoute(runtime, { model, kind: 'chat' }), chatCall());
  const breaker = (id: string) => state.health.get(id).breaker;
  return { state, run, breaker };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('circuit breakers in the executor', () => {
  it('opens after consecutive failures; later requests go to the healthy deployment without asking the failing one', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'fail', error: overloaded() }]);
    const b = createFakeAdapter('b/m2', [answer('b')]);
    const { run, breaker } = setup({ 'a/m1': a, 'b/m2': b, 'c/backup': createFakeAdapter('c/backup', [answer('c')]) });
    for (let index = 0; index < 3; index++) {
      const execution = await run('chat');
      expect(execution.attempts.map((attempt) => attempt.code)).toEqual(['provider_http_error', 'ok']);
    }
    expect(breaker('a/m1').state).toBe('open');
    const next = await run('chat');
    expect(next.target.deployment.id).toBe('b/m2');
    expect(next.attempts).toMatchObject([{ deployment: 'b/m2', code: 'ok' }]);
    expect(a.calls).toHaveLength(3);
  });

  it('records a deployment skipped for its open breaker as circuit_open', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'fail', error: overloaded() }]);
    const b = createFakeAdapter('b/m2', [answer(), answer(), answer(), { kind: 'fail', error: overloaded() }]);
    const c = createFakeAdapter('c/backup', [answer('backup')]);
    const { run } = setup({ 'a/m1': a, 'b/m2': b, 'c/backup': c });
    for (let index = 0; index < 3; index++) await run('chat');
    const execution = await run('chat');
    expect(execution.target.deployment.id).toBe('c/backup');
    expect(execution.attempts.map((attempt) => [attempt.deployment, attempt.code])).toEqual([
      ['b/m2', 'provider_http_error'],
      ['a/m1', 'circuit_open'],
      ['c/backup', 'ok'],
    ]);
    expect(a.calls).toHaveLength(3);
  });

  it('admits a half-open probe after open_ms, and a successful probe closes the breaker', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'fail', error: overloaded() }, { kind: 'fail', error: overloaded() }, { kind: 'fail', error: overloaded() }, answer('recovered')]);
    const b = createFakeAdapter('b/m2', [answer('b')]);
    const { run, breaker } = setup({ 'a/m1': a, 'b/m2': b, 'c/backup': createFakeAdapter('c/backup', [answer()]) });
    for (let index = 0; index < 3; index++) await run('chat');
    await vi.advanceTimersByTimeAsync(999);
    expect((await run('chat')).target.deployment.id).toBe('b/m2');
    expect(a.calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(breaker('a/m1').canAdmit()).toBe(true);
    const probe = await run('chat');
    expect(probe.target.deployment.id).toBe('a/m1');
    expect(probe.attempts).toMatchObject([{ deployment: 'a/m1', code: 'ok' }]);
    expect(breaker('a/m1').state).toBe('closed');
  });

  it('reopens for twice as long when the probe fails', async () => {
    const a = createFakeAdapter('a/m1', [{ kind: 'fail', error: overloaded() }]);
    const { run, breaker } = setup({ 'a/m1': a, 'b/m2': createFakeAdapter('b/m2', [answer()]), 'c/backup': createFakeAdapter('c/backup', [answer()]) });
    for (let index = 0; index < 3; index++) await run('chat');
    await vi.advanceTimersByTimeAsync(1000);
    const probe = await run('chat');
    expect(probe.attempts.map((attempt) => [attempt.deployment, attempt.code])).toEqual([
      ['a/m1', 'provider_http_error'],
      ['b/m2', 'ok'],
    ]);
    expect(breaker('a/m1').stats()).toMatchObject({ state: 'open', openUntil: Date.now() + 2000 });
  });

  it('still tries a deployment when every breaker is open, and its success closes the breaker', async () => {
    const solo = createFakeAdapter('a/solo', [{ kind: 'fail', error: overloaded() }, { kind: 'fail', error: overloaded() }, { kind: 'fail', error: overloaded() }, answer('forced')]);
    const { run, breaker } = setup({ 'a/solo': solo });
    for (let index = 0; index < 3; index++) await expect(run('solo')).rejects.toMatchObject({ upstreamStatus: 503 });
    expect(breaker('a/solo').state).toBe('open');
    const forced = await run('solo');
    expect(solo.calls).toHaveLength(4);
    expect(forced.attempts.map((attempt) => attempt.code)).toEqual(['circuit_open', 'ok']);
    expect(breaker('a/solo').state).toBe('closed');
  });

  it('surfaces the upstream error, not circuit_open, when the forced try fails too', async () => {
    const solo = createFakeAdapter('a/solo', [{ kind: 'fail', error: overloaded() }]);
    const { run, breaker } = setup({ 'a/solo': solo });
    for (let index = 0; index < 3; index++) await expect(run('solo')).rejects.toThrow();
    await expect(run('solo')).rejects.toMatchObject({ code: 'provider_http_error', upstreamStatus: 503 });
    expect(solo.calls).toHaveLength(4);
    expect(breaker('a/solo').state).toBe('open');
  });

  it('makes the forced try once, without retries, even where retries are configured', async () => {
    const solo = createFakeAdapter('a/solo', Array.from({ length: 10 }, () => ({ kind: 'fail' as const, error: overloaded() })));
    const { run, breaker } = setup({ 'a/solo': solo }, () => 0.5, YAML.replace('max_attempts: 1', 'max_attempts: 3'));
    // First request: three tries (the third failure opens the breaker, so no fourth).
    const first = run('solo').catch((error: unknown) => error);
    await vi.runAllTimersAsync();
    expect(await first).toMatchObject({ code: 'all_targets_failed' });
    expect(solo.calls).toHaveLength(3);
    expect(breaker('a/solo').state).toBe('open');
    const callsBefore = solo.calls.length;
    const forced = run('solo').catch((error: unknown) => error);
    await vi.runAllTimersAsync();
    expect(await forced).toMatchObject({ code: 'provider_http_error', upstreamStatus: 503 });
    expect(solo.calls.length - callsBefore).toBe(1);
  });

  it('is not tripped by 4xx or 429 answers', async () => {
    const unauthorized = new ProviderApiError('bad key', { provider: 'a', upstreamStatus: 401 });
    const limited = new ProviderRateLimitError('slow down', { provider: 'a', upstreamStatus: 429 });
    const a = createFakeAdapter('a/m1', [{ kind: 'fail', error: unauthorized }, { kind: 'fail', error: limited }, { kind: 'fail', error: unauthorized }, { kind: 'fail', error: limited }, { kind: 'fail', error: unauthorized }, { kind: 'fail', error: limited }]);
    const { run, breaker } = setup({ 'a/m1': a, 'b/m2': createFakeAdapter('b/m2', [answer()]), 'c/backup': createFakeAdapter('c/backup', [answer()]) });
    for (let index = 0; index < 6; index++) {
      expect((await run('chat')).target.deployment.id).toBe('b/m2');
      // Past the 429's cooldown, so `a` leads again.
      await vi.advanceTimersByTimeAsync(1_500);
    }
    expect(a.calls).toHaveLength(6);
    expect(breaker('a/m1').stats()).toMatchObject({ state: 'closed', consecutiveFailures: 0, totalTrips: 0 });
  });
});

describe('load balancing in the executor', () => {
  it('ordered keeps config order for leading and for failover', async () => {
    const a = createFakeAdapter('a/first', [answer('a'), { kind: 'fail', error: overloaded() }]);
    const b = createFakeAdapter('b/second', [{ kind: 'fail', error: overloaded() }]);
    const c = createFakeAdapter('c/third', [answer('c')]);
    const { run } = setup({ 'a/first': a, 'b/second': b, 'c/third': c }, createSeededRandom(7));
    expect((await run('three')).target.deployment.id).toBe('a/first');
    const failover = await run('three');
    expect(failover.attempts.map((attempt) => attempt.deployment)).toEqual(['a/first', 'b/second', 'c/third']);
  });

  it('puts a deployment cooling down after a 429 last until the cooldown ends', async () => {
    const limited = new ProviderRateLimitError('slow down', { provider: 'a', upstreamStatus: 429, retryAfterMs: 3_000 });
    const a = createFakeAdapter('a/m1', [{ kind: 'fail', error: limited }, answer('a again')]);
    const b = createFakeAdapter('b/m2', [answer('b')]);
    const { run } = setup({ 'a/m1': a, 'b/m2': b, 'c/backup': createFakeAdapter('c/backup', [answer()]) });
    expect((await run('chat')).attempts.map((attempt) => attempt.deployment)).toEqual(['a/m1', 'b/m2']);
    expect((await run('chat')).attempts.map((attempt) => attempt.deployment)).toEqual(['b/m2']);
    await vi.advanceTimersByTimeAsync(3_000);
    expect((await run('chat')).attempts.map((attempt) => attempt.deployment)).toEqual(['a/m1']);
    expect(a.calls).toHaveLength(2);
  });

  it('puts a deployment whose rate-limit headers say it is spent last until the reset', async () => {
    const spent = { 'x-ratelimit-limit-requests': '100', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '2s' };
    const a = createFakeAdapter('a/m1', [{ kind: 'answer', text: 'last one', headers: spent }, answer('a')]);
    const b = createFakeAdapter('b/m2', [answer('b')]);
    const { run } = setup({ 'a/m1': a, 'b/m2': b, 'c/backup': createFakeAdapter('c/backup', [answer()]) });
    expect((await run('chat')).target.deployment.id).toBe('a/m1');
    expect((await run('chat')).target.deployment.id).toBe('b/m2');
    await vi.advanceTimersByTimeAsync(2_000);
    expect((await run('chat')).target.deployment.id).toBe('a/m1');
  });

  it('weighted spreads traffic roughly by weight', async () => {
    const heavy = createFakeAdapter('a/heavy', [answer('heavy')]);
    const light = createFakeAdapter('b/light', [answer('light')]);
    const { run } = setup({ 'a/heavy': heavy, 'b/light': light }, createSeededRandom(42));
    for (let index = 0; index < 400; index++) await run('spread');
    expect(heavy.calls.length + light.calls.length).toBe(400);
    // Expected 300 / 100; the binomial standard deviation is ≈ 8.7.
    expect(heavy.calls.length).toBeGreaterThan(270);
    expect(heavy.calls.length).toBeLessThan(330);
  });

  it("uses the workload's load_balancing when the model sets none", async () => {
    const left = createFakeAdapter('a/left', [answer('left')]);
    const right = createFakeAdapter('b/right', [answer('right')]);
    const { run } = setup({ 'a/left': left, 'b/right': right }, createSeededRandom(3));
    for (let index = 0; index < 40; index++) await run('workload/pinned');
    expect(left.calls).toHaveLength(40);
    // Direct traffic to the same model follows the top-level `weighted`.
    for (let index = 0; index < 40; index++) await run('even');
    expect(right.calls.length).toBeGreaterThan(5);
  });
});
