import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { failingWhile, openTemporaryEvaluationStore, type TemporaryEvaluationStore } from '../../../test/support/temp-evaluation-store.js';
import type { OnlineScore } from '../../core/evaluation/evaluation-records.js';
import { OnlineScoreWriter } from './online-score-writer.js';

const score = (index: number): OnlineScore => ({ requestId: `r${index}`, time: index, workload: 'w', model: 'm', route: 'default', judgeModel: 'j', score: 0.5 });

let opened: TemporaryEvaluationStore;
beforeEach(async () => {
  opened = await openTemporaryEvaluationStore();
});
afterEach(async () => {
  vi.useRealTimers();
  await opened.close();
});

/** What the store holds, oldest first. */
const storedIds = async () => (await opened.store.listOnlineScores({ limit: 10_000 })).map((stored) => stored.requestId).reverse();

describe('OnlineScoreWriter', () => {
  it('writes a full batch at once and the rest on the flush timer', async () => {
    const { store } = opened;
    const record = vi.spyOn(store, 'recordOnlineScores');
    const batchSizes = () => record.mock.calls.map(([batch]) => batch.length);
    vi.useFakeTimers();
    const writer = new OnlineScoreWriter({ store, batchSize: 100, flushIntervalMs: 1000 });
    for (let index = 0; index < 250; index++) writer.add(score(index));
    await vi.advanceTimersByTimeAsync(0);
    expect(batchSizes()).toEqual([100, 100]);
    expect(await storedIds()).toHaveLength(200);
    await vi.advanceTimersByTimeAsync(999);
    expect(batchSizes()).toEqual([100, 100]);
    await vi.advanceTimersByTimeAsync(1);
    expect(batchSizes()).toEqual([100, 100, 50]);
    // Nothing waits any more: this only awaits the write in flight.
    await writer.flush();
    expect(batchSizes()).toEqual([100, 100, 50]);
    expect(await storedIds()).toEqual(Array.from({ length: 250 }, (_, index) => `r${index}`));
  });

  it('reports a failed write without throwing, drops its batch and bounds what waits', async () => {
    let failing = true;
    const outage = new Error('database is locked');
    // Fault injection: the real store, with its writes rejecting until `failing` is cleared.
    const store = failingWhile(opened.store, 'recordOnlineScores', outage, () => failing);
    const errors: unknown[] = [];
    const writer = new OnlineScoreWriter({ store, batchSize: 1000, maxPending: 3, onError: (error) => errors.push(error) });
    for (let index = 0; index < 5; index++) writer.add(score(index));
    expect(writer.dropped).toBe(2);
    await expect(writer.flush()).resolves.toBeUndefined();
    expect(errors).toEqual([outage]);
    // Two were dropped for room, three with the failed batch.
    expect(writer.dropped).toBe(5);
    expect(await storedIds()).toEqual([]);
    failing = false;
    writer.add(score(9));
    await writer.flush();
    expect(errors).toHaveLength(1);
    expect(await storedIds()).toEqual(['r9']);
  });
});
