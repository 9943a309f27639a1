import { describe, expect, it } from 'vitest';
import { BackgroundQueue } from './background-queue.js';

/** A job that finishes only when released, so a test can hold the queue's slots. */
function heldJob(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { run: async () => { log.push(`start ${name}`); await done; log.push(`end ${name}`); }, release: () => release() };
}

describe('BackgroundQueue', () => {
  it('runs at most `concurrency` jobs at once, in order', async () => {
    const log: string[] = [];
    const queue = new BackgroundQueue({ concurrency: 2, maxQueued: 10 });
    const jobs = ['a', 'b', 'c'].map((name) => heldJob(log, name));
    for (const job of jobs) expect(queue.offer(job.run)).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['start a', 'start b']);
    expect(queue.stats()).toMatchObject({ running: 2, queued: 1 });
    jobs[0]!.release();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(log).toEqual(['start a', 'start b', 'end a', 'start c']);
    jobs[1]!.release();
    jobs[2]!.release();
    await queue.idle();
    expect(queue.stats()).toMatchObject({ running: 0, queued: 0, completed: 3, failed: 0, dropped: 0 });
  });

  it('drops (and counts) what does not fit instead of waiting', async () => {
    const log: string[] = [];
    const queue = new BackgroundQueue({ concurrency: 1, maxQueued: 1 });
    const first = heldJob(log, 'first');
    expect(queue.offer(first.run)).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(queue.offer(heldJob(log, 'second').run)).toBe(true);
    expect(queue.offer(heldJob(log, 'third').run)).toBe(false);
    expect(queue.stats().dropped).toBe(1);
    first.release();
    await queue.close();
    // Closing drops what was still waiting and lets the running job finish.
    expect(queue.stats()).toMatchObject({ dropped: 2, completed: 1 });
    expect(queue.offer(async () => undefined)).toBe(false);
  });

  it('reports a failing job and keeps going', async () => {
    const errors: unknown[] = [];
    const queue = new BackgroundQueue({ concurrency: 1, maxQueued: 5, onError: (error) => errors.push(error) });
    let ran = false;
    queue.offer(async () => { throw new Error('judge down'); });
    queue.offer(async () => { ran = true; });
    await queue.idle();
    expect(errors).toHaveLength(1);
    expect(ran).toBe(true);
    expect(queue.stats()).toMatchObject({ failed: 1, completed: 1 });
  });
});
