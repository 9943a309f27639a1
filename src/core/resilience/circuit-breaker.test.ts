import { describe, expect, it } from 'vitest';
import {
  ContentFilterError,
  ContextLengthExceededError,
  InvalidProviderResponseError,
  InvalidRequestError,
  ProviderApiError,
  ProviderConnectionError,
  ProviderQuotaExceededError,
  ProviderRateLimitError,
  ProviderTimeoutError,
  StreamInterruptedError,
} from '../../spec/errors.js';
import { CircuitBreaker, countsAsBreakerFailure, type CircuitBreakerOptions, type StateChange } from './circuit-breaker.js';

const OPTIONS: CircuitBreakerOptions = {
  consecutiveFailures: 3,
  errorRateThreshold: 0.5,
  windowMs: 10_000,
  minimumRequests: 10,
  openMs: 1_000,
  maxOpenMs: 5_000,
  halfOpenProbes: 1,
};

function setup(options: Partial<CircuitBreakerOptions> = {}) {
  const clock = { now: 0 };
  const changes: StateChange[] = [];
  const breaker = new CircuitBreaker({ ...OPTIONS, ...options }, () => clock.now, (change) => changes.push(change));
  return { clock, breaker, changes };
}

function fail(breaker: CircuitBreaker, times = 1): void {
  for (let index = 0; index < times; index += 1) breaker.onFailure(breaker.tryAcquire());
}

function succeed(breaker: CircuitBreaker, times = 1): void {
  for (let index = 0; index < times; index += 1) breaker.onSuccess(breaker.tryAcquire());
}

describe('CircuitBreaker', () => {
  it('admits everything while closed', () => {
    const { breaker } = setup();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toMatchObject({ allowed: true, probe: false });
  });

  it('trips on consecutive failures, and a success in between resets the streak', () => {
    const { breaker, changes } = setup();
    fail(breaker, 2);
    succeed(breaker);
    fail(breaker, 2);
    expect(breaker.state).toBe('closed');
    fail(breaker);
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toMatchObject({ allowed: false, probe: false });
    expect(changes).toEqual([{ from: 'closed', to: 'open', at: 0 }]);
  });

  it('trips on the error rate only once minimumRequests verdicts are in the window', () => {
    const { breaker } = setup({ consecutiveFailures: 100 });
    // Alternate: never two failures in a row, a 50 % error rate.
    for (let index = 0; index < 4; index += 1) {
      succeed(breaker);
      fail(breaker);
    }
    expect(breaker.stats()).toMatchObject({ state: 'closed', windowFailures: 4, windowSuccesses: 4, errorRate: 0.5 });
    succeed(breaker);
    expect(breaker.state).toBe('closed');
    fail(breaker); // 10th verdict, 5 of 10 failed
    expect(breaker.state).toBe('open');
  });

  it('does not trip on an error rate below the threshold', () => {
    const { breaker } = setup({ consecutiveFailures: 100 });
    for (let index = 0; index < 20; index += 1) {
      succeed(breaker, 2);
      fail(breaker);
    }
    expect(breaker.state).toBe('closed');
  });

  it('forgets verdicts older than the window', () => {
    const { breaker, clock } = setup({ consecutiveFailures: 100, minimumRequests: 4 });
    fail(breaker, 3);
    clock.now = 10_000;
    succeed(breaker, 3);
    fail(breaker); // 1 failure of 4 in the window: 25 %
    expect(breaker.stats()).toMatchObject({ state: 'closed', windowFailures: 1, windowSuccesses: 3 });
  });

  it('turns half-open after openMs and admits only halfOpenProbes probes at once', () => {
    const { breaker, clock } = setup({ halfOpenProbes: 2 });
    fail(breaker, 3);
    clock.now = 999;
    expect(breaker.canAdmit()).toBe(false);
    expect(breaker.tryAcquire().allowed).toBe(false);
    clock.now = 1_000;
    expect(breaker.canAdmit()).toBe(true);
    expect(breaker.state).toBe('half-open');
    const first = breaker.tryAcquire();
    const second = breaker.tryAcquire();
    expect([first.probe, second.probe]).toEqual([true, true]);
    expect(breaker.tryAcquire()).toMatchObject({ allowed: false, probe: false });
    expect(breaker.canAdmit()).toBe(false);
    breaker.release(first); // client went away: the slot is free again
    expect(breaker.tryAcquire()).toMatchObject({ allowed: true, probe: true });
  });

  it('closes on a probe success and resets its counters and open time', () => {
    const { breaker, clock, changes } = setup();
    fail(breaker, 3);
    clock.now = 1_000;
    breaker.onSuccess(breaker.tryAcquire());
    expect(breaker.stats()).toMatchObject({ state: 'closed', consecutiveFailures: 0, windowFailures: 0, consecutiveTrips: 0, totalTrips: 1 });
    expect(changes.map((change) => change.to)).toEqual(['open', 'half-open', 'closed']);
    fail(breaker, 3);
    expect(breaker.stats().openUntil).toBe(1_000 + 1_000);
  });

  it('re-opens on a probe failure for twice as long each time, up to maxOpenMs', () => {
    const { breaker, clock } = setup();
    fail(breaker, 3);
    const openTimes: number[] = [];
    for (let trip = 0; trip < 5; trip += 1) {
      const until = breaker.stats().openUntil!;
      openTimes.push(until - clock.now);
      clock.now = until;
      const probe = breaker.tryAcquire();
      expect(probe.probe).toBe(true);
      breaker.onFailure(probe);
    }
    expect(openTimes).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
    expect(breaker.stats()).toMatchObject({ state: 'open', consecutiveTrips: 6, totalTrips: 6 });
  });

  it('ignores verdicts from attempts admitted before the last transition', () => {
    const { breaker, clock } = setup();
    const slow = breaker.tryAcquire();
    fail(breaker, 3);
    breaker.onSuccess(slow); // began while closed, ends while open: not proof of recovery
    expect(breaker.state).toBe('open');
    clock.now = 1_000;
    const probe = breaker.tryAcquire();
    breaker.onFailure(slow);
    breaker.release(slow);
    expect(breaker.stats()).toMatchObject({ state: 'half-open', probesInFlight: 1 });
    breaker.onSuccess(probe);
    expect(breaker.state).toBe('closed');
  });

  it('lets a forced attempt (refused permit) close the breaker on success, and not extend it on failure', () => {
    const { breaker } = setup();
    fail(breaker, 3);
    const refused = breaker.tryAcquire();
    expect(refused.allowed).toBe(false);
    breaker.onFailure(refused);
    expect(breaker.stats().openUntil).toBe(1_000);
    breaker.onSuccess(refused);
    expect(breaker.state).toBe('closed');
  });

  it('release without a verdict changes nothing while closed', () => {
    const { breaker } = setup();
    fail(breaker, 2);
    breaker.release(breaker.tryAcquire());
    expect(breaker.stats()).toMatchObject({ state: 'closed', consecutiveFailures: 2 });
  });

  it('configure replaces thresholds and keeps the state', () => {
    const { breaker } = setup();
    fail(breaker, 2);
    breaker.configure({ ...OPTIONS, consecutiveFailures: 10 });
    fail(breaker, 5);
    expect(breaker.stats()).toMatchObject({ state: 'closed', consecutiveFailures: 7 });
  });
});

describe('countsAsBreakerFailure', () => {
  const provider = 'openai';
  it.each([
    ['500', new ProviderApiError('x', { provider, upstreamStatus: 500 })],
    ['503', new ProviderApiError('x', { provider, upstreamStatus: 503 })],
    ['408', new ProviderApiError('x', { provider, upstreamStatus: 408 })],
    ['http error without status', new ProviderApiError('x', { provider })],
    ['timeout', new ProviderTimeoutError('x', { provider, phase: 'idle' })],
    ['connection', new ProviderConnectionError('x', { provider })],
    ['bad response', new InvalidProviderResponseError('x', { provider })],
    ['stream interrupted', new StreamInterruptedError('x')],
    ['untyped crash', new TypeError('cannot read properties of undefined')],
  ])('counts %s', (_name, error) => {
    expect(countsAsBreakerFailure(error)).toBe(true);
  });

  it.each([
    ['invalid request', new InvalidRequestError('x')],
    ['upstream 400', new ProviderApiError('x', { provider, upstreamStatus: 400 })],
    ['upstream 401', new ProviderApiError('x', { provider, upstreamStatus: 401 })],
    ['upstream 404', new ProviderApiError('x', { provider, upstreamStatus: 404 })],
    ['context length', new ContextLengthExceededError('x', { provider, upstreamStatus: 400 })],
    ['content filter', new ContentFilterError('x', { provider, upstreamStatus: 400 })],
    ['quota', new ProviderQuotaExceededError('x', { provider, upstreamStatus: 429 })],
    ['429', new ProviderRateLimitError('x', { provider, upstreamStatus: 429 })],
    ['overloaded 529', new ProviderRateLimitError('x', { provider, upstreamStatus: 529 })],
    ['client abort', new DOMException('aborted', 'AbortError')],
  ])('does not count %s', (_name, error) => {
    expect(countsAsBreakerFailure(error)).toBe(false);
  });
});
