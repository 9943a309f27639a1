import { describe, expect, it } from 'vitest';
import { RetryBudget } from './retry-budget.js';

function fakeClock(start = 1_000_000) {
  const clock = { now: start, read: () => clock.now, advance: (ms: number) => void (clock.now += ms) };
  return clock;
}

describe('RetryBudget', () => {
  it('allows only the floor when there is no traffic', () => {
    const clock = fakeClock();
    const budget = new RetryBudget({ ratio: 0.2, minRetriesPerSecond: 0.5, windowMs: 10_000, bucketMs: 1_000 }, clock.read);
    const granted = Array.from({ length: 8 }, () => budget.tryAcquireRetry()).filter(Boolean).length;
    expect(granted).toBe(5);
    expect(budget.stats()).toEqual({ requests: 0, retries: 5, rejected: 3, available: 0 });
  });

  it('earns ratio × requests on top of the floor, and no more', () => {
    const clock = fakeClock();
    const budget = new RetryBudget({ ratio: 0.1, minRetriesPerSecond: 0, windowMs: 10_000, bucketMs: 1_000 }, clock.read);
    for (let index = 0; index < 30; index += 1) budget.recordRequest();
    expect(budget.stats().available).toBe(3);
    expect([budget.tryAcquireRetry(), budget.tryAcquireRetry(), budget.tryAcquireRetry(), budget.tryAcquireRetry()]).toEqual([true, true, true, false]);
  });

  it('keeps an outage from becoming a retry storm: at most ratio × traffic', () => {
    const clock = fakeClock();
    const budget = new RetryBudget({ ratio: 0.2, minRetriesPerSecond: 0, windowMs: 10_000, bucketMs: 1_000 }, clock.read);
    let retries = 0;
    for (let request = 0; request < 1_000; request += 1) {
      budget.recordRequest();
      // Every request fails and would retry three times.
      for (let attempt = 0; attempt < 3; attempt += 1) if (budget.tryAcquireRetry()) retries += 1;
      if (request % 100 === 99) clock.advance(1_000);
    }
    expect(retries).toBe(200);
  });

  it('refills as old buckets slide out of the window', () => {
    const clock = fakeClock(0);
    const budget = new RetryBudget({ ratio: 0, minRetriesPerSecond: 0.2, windowMs: 10_000, bucketMs: 1_000 }, clock.read);
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(false);
    clock.advance(9_999);
    expect(budget.tryAcquireRetry()).toBe(false);
    clock.advance(1);
    // The bucket of t=0 is now out of the window.
    expect(budget.stats()).toMatchObject({ retries: 0, rejected: 1, available: 2 });
    expect(budget.tryAcquireRetry()).toBe(true);
  });

  it('forgets requests older than the window, shrinking the earned budget', () => {
    const clock = fakeClock(0);
    const budget = new RetryBudget({ ratio: 0.5, minRetriesPerSecond: 0, windowMs: 3_000, bucketMs: 1_000 }, clock.read);
    for (let index = 0; index < 4; index += 1) budget.recordRequest();
    clock.advance(1_000);
    for (let index = 0; index < 2; index += 1) budget.recordRequest();
    expect(budget.stats()).toMatchObject({ requests: 6, available: 3 });
    clock.advance(2_000);
    expect(budget.stats()).toMatchObject({ requests: 2, available: 1 });
    clock.advance(1_000);
    expect(budget.stats()).toMatchObject({ requests: 0, available: 0 });
  });

  it('avoids floating-point shortfalls (0.1 × 30 is 3, not 2.9999)', () => {
    const budget = new RetryBudget({ ratio: 0.1, minRetriesPerSecond: 0, windowMs: 1_000, bucketMs: 1_000 }, () => 0);
    for (let index = 0; index < 10; index += 1) budget.recordRequest();
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(false);
  });
});
