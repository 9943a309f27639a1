import { afterEach, describe, expect, it, vi } from 'vitest';
import { WorkerStarvationGuard } from './worker-starvation-guard.js';

afterEach(() => {
  vi.useRealTimers();
});

function guardWithClock() {
  let now = 0;
  const sleeps: number[] = [];
  const guard = new WorkerStarvationGuard({ thresholdMs: 200, tickMs: 10, yieldMs: 2, now: () => now, sleep: (ms) => sleeps.push(ms) });
  return { guard, sleeps, advance: (ms: number) => (now += ms) };
}

describe('WorkerStarvationGuard', () => {
  it('yields only once a call has waited past the threshold, and stops when the worker answers', () => {
    const { guard, sleeps, advance } = guardWithClock();
    guard.begin();
    advance(150);
    guard.check();
    expect(sleeps).toEqual([]);
    advance(60);
    guard.check();
    guard.check();
    expect(sleeps).toEqual([2, 2]);
    guard.end();
    advance(1000);
    guard.check();
    expect(sleeps).toEqual([2, 2]);
    expect(guard.yields).toBe(2);
  });

  it('counts progress on any answer: a second call outstanding restarts the wait', () => {
    const { guard, sleeps, advance } = guardWithClock();
    guard.begin();
    guard.begin();
    advance(300);
    guard.end();
    advance(100);
    guard.check();
    expect(sleeps).toEqual([]);
    advance(150);
    guard.check();
    expect(sleeps).toEqual([2]);
    guard.end();
    guard.end(); // more ends than begins are ignored
    advance(500);
    guard.check();
    expect(sleeps).toEqual([2]);
  });

  it('checks on its own timer while calls are outstanding, and leaves no timer behind', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { guard, sleeps, advance } = guardWithClock();
    guard.begin();
    advance(250);
    vi.advanceTimersByTime(30);
    expect(sleeps).toEqual([2, 2, 2]);
    guard.end();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('blocks the calling thread for the yield by default', () => {
    let now = 0;
    const guard = new WorkerStarvationGuard({ thresholdMs: 0, yieldMs: 20, now: () => now });
    guard.begin();
    now = 1;
    const started = performance.now();
    guard.check();
    expect(performance.now() - started).toBeGreaterThanOrEqual(19);
    guard.stop();
  });
});
