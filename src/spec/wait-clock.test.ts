import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { countWait, WaitClock } from './wait-clock.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['performance', 'setTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('WaitClock', () => {
  it('is the wall time less the waits', () => {
    const startedAt = performance.now();
    const clock = new WaitClock();
    vi.advanceTimersByTime(2);
    clock.begin();
    vi.advanceTimersByTime(100);
    clock.end();
    vi.advanceTimersByTime(3);
    clock.finish();
    expect(clock.waitedUntil(performance.now())).toBe(100);
    expect(clock.ownTimeMs(startedAt)).toBe(5);
  });

  it('counts overlapping waits once (two providers at once)', () => {
    const startedAt = performance.now();
    const clock = new WaitClock();
    clock.begin();
    vi.advanceTimersByTime(50);
    clock.begin();
    vi.advanceTimersByTime(50);
    clock.end();
    vi.advanceTimersByTime(20);
    clock.end();
    vi.advanceTimersByTime(1);
    clock.finish();
    expect(clock.ownTimeMs(startedAt)).toBe(1);
  });

  it('ignores an end without a begin, and never reads below zero', () => {
    const startedAt = performance.now();
    const clock = new WaitClock();
    clock.end();
    clock.begin();
    vi.advanceTimersByTime(10);
    clock.end();
    clock.end();
    clock.finish();
    expect(clock.ownTimeMs(startedAt)).toBe(0);
    expect(clock.ownTimeMs(startedAt + 5)).toBe(0);
  });

  it('before finish counts to now, an open wait included; after finish, later waits change nothing', () => {
    const startedAt = performance.now();
    const clock = new WaitClock();
    vi.advanceTimersByTime(4);
    clock.begin();
    vi.advanceTimersByTime(30);
    expect(clock.finished).toBe(false);
    expect(clock.ownTimeMs(startedAt)).toBe(4);
    // The answer goes out while a losing hedge is still unwinding.
    vi.advanceTimersByTime(6);
    clock.finish();
    clock.finish();
    vi.advanceTimersByTime(500);
    clock.end();
    clock.begin();
    vi.advanceTimersByTime(100);
    expect(clock.finished).toBe(true);
    expect(clock.ownTimeMs(startedAt)).toBe(4);
  });

  it('countWait counts a promise until it settles, rejected too', async () => {
    const startedAt = performance.now();
    const clock = new WaitClock();
    const slept = countWait(clock, new Promise((resolve) => setTimeout(resolve, 40)));
    await vi.advanceTimersByTimeAsync(40);
    await slept;
    const failed = countWait(clock, new Promise((_, reject) => setTimeout(() => reject(new Error('no')), 10)));
    const settled = expect(failed).rejects.toThrow('no');
    await vi.advanceTimersByTimeAsync(10);
    await settled;
    vi.advanceTimersByTime(2);
    clock.finish();
    expect(clock.ownTimeMs(startedAt)).toBe(2);
    await expect(countWait(undefined, Promise.resolve(7))).resolves.toBe(7);
  });
});
