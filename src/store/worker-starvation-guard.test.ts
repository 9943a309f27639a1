import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WorkerStarvationGuard } from './worker-starvation-guard.js';

afterEach(() => {
  vi.useRealTimers();
});

function guardWithClock(backlog = 0) {
  let now = 0;
  let queued = backlog;
  const sleeps: number[] = [];
  const guard = new WorkerStarvationGuard({ stuckMs: 200, tickMs: 4, yieldMs: 0.5, maxYieldMs: 2, backlogHigh: 1000, backlogLow: 500, now: () => now, sleep: (ms) => sleeps.push(ms) });
  guard.watchBacklog(() => queued);
  return { guard, sleeps, advance: (ms: number) => (now += ms), setBacklog: (records: number) => (queued = records) };
}

describe('WorkerStarvationGuard', () => {
  it('does not yield while the worker keeps up: a backlog under the high mark and no stuck call', () => {
    const { guard, sleeps, advance } = guardWithClock(900);
    guard.begin();
    advance(150);
    guard.check();
    expect(sleeps).toEqual([]);
    expect(guard.yields).toBe(0);
    guard.stop();
  });

  it('yields short slices once the backlog passes the high mark, until it is back to the low mark', () => {
    const { guard, sleeps, setBacklog } = guardWithClock(1000.0001);
    guard.begin();
    guard.check();
    expect(sleeps.map((ms) => Number(ms.toFixed(3)))).toEqual([0.5]);
    // Between the marks it keeps helping (hysteresis) ...
    setBacklog(700);
    guard.check();
    expect(sleeps.map((ms) => Number(ms.toFixed(3)))).toEqual([0.5, 0.5]);
    // ... and stops at the low mark.
    setBacklog(500);
    guard.check();
    setBacklog(700);
    guard.check();
    expect(sleeps).toHaveLength(2);
    guard.stop();
  });

  it('lengthens the yield as the backlog keeps growing, up to the maximum at four times the high mark', () => {
    const { guard, sleeps, setBacklog } = guardWithClock();
    guard.begin();
    for (const records of [1000.0001, 2500, 4000, 20_000]) {
      setBacklog(records);
      guard.check();
    }
    expect(sleeps.map((ms) => Number(ms.toFixed(3)))).toEqual([0.5, 1.25, 2, 2]);
    guard.stop();
  });

  it('yields to a call stuck past stuckMs even with no backlog (a query on a saturated core), and stops when it answers', () => {
    const { guard, sleeps, advance } = guardWithClock(0);
    guard.begin();
    advance(150);
    guard.check();
    expect(sleeps).toEqual([]);
    advance(60);
    guard.check();
    expect(sleeps).toEqual([0.5]);
    guard.end();
    advance(1000);
    guard.check();
    expect(sleeps).toEqual([0.5]);
  });

  it('counts progress on any answer: a second call outstanding restarts the stuck clock', () => {
    const { guard, sleeps, advance } = guardWithClock(0);
    guard.begin();
    guard.begin();
    advance(300);
    guard.end();
    advance(100);
    guard.check();
    expect(sleeps).toEqual([]);
    advance(150);
    guard.check();
    expect(sleeps).toEqual([0.5]);
    guard.end();
    guard.end(); // more ends than begins are ignored
    advance(500);
    guard.check();
    expect(sleeps).toEqual([0.5]);
  });

  it('takes its marks from the watcher: two batches and one of a writer with large batches', () => {
    const sleeps: number[] = [];
    let queued = 9000;
    const guard = new WorkerStarvationGuard({ sleep: (ms) => sleeps.push(ms) });
    guard.watchBacklog(() => queued, { high: 10_000, low: 5000 });
    guard.begin();
    guard.check();
    expect(sleeps).toEqual([]);
    queued = 10_001;
    guard.check();
    queued = 6000;
    guard.check();
    queued = 5000;
    guard.check();
    expect(sleeps).toHaveLength(2);
    guard.stop();
  });

  it('never yields with nothing outstanding, whatever the backlog: the worker has nothing to run', () => {
    const { guard, sleeps } = guardWithClock(50_000);
    guard.check();
    expect(sleeps).toEqual([]);
  });

  it('checks on its own timer while calls are outstanding, and leaves no timer behind', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { guard, sleeps } = guardWithClock(2000);
    guard.begin();
    vi.advanceTimersByTime(12);
    expect(sleeps).toHaveLength(3);
    guard.end();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('blocks the calling thread for the yield by default', () => {
    const guard = new WorkerStarvationGuard({ stuckMs: 0, yieldMs: 20, maxYieldMs: 20 });
    guard.begin();
    const started = performance.now();
    guard.check();
    expect(performance.now() - started).toBeGreaterThanOrEqual(19);
    guard.stop();
  });

  it('wakes early when the worker bumps the progress cell (its answer), instead of sleeping the whole yield', async () => {
    const progressCell = new Int32Array(new SharedArrayBuffer(4));
    const guard = new WorkerStarvationGuard({ stuckMs: 0, yieldMs: 5000, maxYieldMs: 5000, progressCell });
    // Another thread answers 50 ms into the yield, as the request-log worker does.
    const answerer = new Worker(
      `const { workerData } = require('node:worker_threads');
       setTimeout(() => { Atomics.add(workerData, 0, 1); Atomics.notify(workerData, 0); }, 50);`,
      { eval: true, workerData: progressCell },
    );
    await new Promise((resolve) => answerer.once('online', resolve));
    guard.begin();
    const started = performance.now();
    guard.check();
    const slept = performance.now() - started;
    guard.stop();
    await answerer.terminate();
    expect(slept).toBeGreaterThanOrEqual(20);
    expect(slept).toBeLessThan(4000);
  });
});
