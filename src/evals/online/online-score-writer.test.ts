import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OnlineScore } from '../../core/evaluation/evaluation-records.js';
import { MemoryEvaluationStore } from './__fixtures__/memory-evaluation-store.js';
import { OnlineScoreWriter } from './online-score-writer.js';

const score = (index: number): OnlineScore => ({ requestId: `r${index}`, time: index, workload: 'w', model: 'm', route: 'default', judgeModel: 'j', score: 0.5 });

afterEach(() => {
  vi.useRealTimers();
});

describe('OnlineScoreWriter', () => {
  it('writes a full batch at once and the rest on the flush timer', async () => {
    vi.useFakeTimers();
    const store = new MemoryEvaluationStore();
    const writer = new OnlineScoreWriter({ store, batchSize: 100, flushIntervalMs: 1000 });
    for (let index = 0; index < 250; index++) writer.add(score(index));
    await vi.advanceTimersByTimeAsync(0);
    expect(store.batches).toEqual([100, 100]);
    await vi.advanceTimersByTimeAsync(999);
    expect(store.batches).toEqual([100, 100]);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.batches).toEqual([100, 100, 50]);
    expect(store.scores.map((stored) => stored.requestId)).toEqual(Array.from({ length: 250 }, (_, index) => `r${index}`));
  });

  it('reports a failed write without throwing, drops its batch and bounds what waits', async () => {
    const store = new MemoryEvaluationStore();
    store.failWrites = true;
    const errors: unknown[] = [];
    const writer = new OnlineScoreWriter({ store, batchSize: 1000, maxPending: 3, onError: (error) => errors.push(error) });
    for (let index = 0; index < 5; index++) writer.add(score(index));
    await expect(writer.flush()).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
    // Two were dropped for room, three with the failed batch.
    expect(writer.dropped).toBe(5);
    store.failWrites = false;
    writer.add(score(9));
    await writer.flush();
    expect(store.scores.map((stored) => stored.requestId)).toEqual(['r9']);
  });
});
