import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RequestLogRecord } from '../../core/telemetry/request-log-record.js';
import { toAttemptRow, toRequestRow } from '../request-log-rows.js';
import { openSqliteRequestLogStore } from './open-sqlite-request-log-store.js';
import { createSqliteRowInserter } from './sqlite-row-inserter.js';

let directory: string;
let database: Database.Database;

function record(id: string, attempts = 1): RequestLogRecord {
  return {
    id,
    time: 1_700_000_000_000,
    durationMs: 3,
    endpoint: 'chat',
    stream: false,
    requestedModel: 'm',
    status: 200,
    cacheHit: false,
    attempts: Array.from({ length: attempts }, (_, index) => ({ deployment: `p/m${index}`, provider: 'p', code: 'ok', latencyMs: 1 })),
  };
}

function rowsOf(records: RequestLogRecord[]) {
  return {
    requests: records.map(toRequestRow),
    attempts: records.flatMap((item) => item.attempts.map((attempt, index) => toAttemptRow(item.id, index, attempt, item))),
  };
}

const count = (table: string) => (database.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-inserter-'));
  const path = join(directory, 'log.db');
  const store = openSqliteRequestLogStore({ path });
  await store.migrate();
  await store.close();
  database = new Database(path);
});

afterEach(async () => {
  database.close();
  await rm(directory, { recursive: true, force: true });
});

describe('createSqliteRowInserter', () => {
  it('writes a batch in slices with a pause between them, inside one transaction', async () => {
    const seenBetweenSlices: { inTransaction: boolean; requestsSoFar: number }[] = [];
    const insert = createSqliteRowInserter(database, {
      rowsPerSlice: 2,
      pause: async () => {
        seenBetweenSlices.push({ inTransaction: database.inTransaction, requestsSoFar: count('requests') });
      },
    });
    const { requests, attempts } = rowsOf(['a', 'b', 'c', 'd', 'e'].map((id) => record(id, 2)));
    await insert(requests, attempts);
    // Five requests in slices of two: two pauses, each with the transaction still open.
    expect(seenBetweenSlices).toEqual([
      { inTransaction: true, requestsSoFar: 2 },
      { inTransaction: true, requestsSoFar: 4 },
    ]);
    expect(database.inTransaction).toBe(false);
    expect(count('requests')).toBe(5);
    expect(count('request_attempts')).toBe(10);
  });

  it('writes a batch in one go, with no pause, when slices are unbounded (an idle-priority worker)', async () => {
    let pauses = 0;
    const insert = createSqliteRowInserter(database, {
      rowsPerSlice: Number.POSITIVE_INFINITY,
      pause: async () => {
        pauses += 1;
      },
    });
    const { requests, attempts } = rowsOf(Array.from({ length: 120 }, (_, index) => record(`r${index}`)));
    await insert(requests, attempts);
    expect(pauses).toBe(0);
    expect(count('requests')).toBe(120);
    expect(count('request_attempts')).toBe(120);
  });

  it('keeps a stored request as it is and adds no attempts to it', async () => {
    const insert = createSqliteRowInserter(database, { rowsPerSlice: 1, pause: async () => {} });
    const first = rowsOf([record('a', 1)]);
    await insert(first.requests, first.attempts);
    const again = rowsOf([record('a', 3), record('b', 1)]);
    await insert(again.requests, again.attempts);
    expect(count('requests')).toBe(2);
    expect(database.prepare("select count(*) as n from request_attempts where request_id = 'a'").get()).toEqual({ n: 1 });
  });

  it('rolls the whole batch back when a later slice fails, so the writer can spill and replay it', async () => {
    const insert = createSqliteRowInserter(database, { rowsPerSlice: 2, pause: async () => {} });
    const { requests, attempts } = rowsOf(['a', 'b', 'c'].map((id) => record(id)));
    // A row whose required column is null fails in the second slice.
    const broken = { ...requests[2]!, requested_model: null as unknown as string };
    await expect(insert([requests[0]!, requests[1]!, broken], attempts)).rejects.toThrow(/NOT NULL/i);
    expect(database.inTransaction).toBe(false);
    expect(count('requests')).toBe(0);
    expect(count('request_attempts')).toBe(0);
  });
});

describe('openSqliteRequestLogStore slicing', () => {
  // The pause between slices is a 1 ms timer: with timers frozen, a sliced batch cannot finish.
  const batch = Array.from({ length: 120 }, (_, index) => record(`s${index}`));
  const settlesWithFrozenTimers = async (sliceInserts: boolean | undefined): Promise<boolean> => {
    const store = openSqliteRequestLogStore(sliceInserts === undefined ? { path: join(directory, 'log.db') } : { path: join(directory, 'log.db'), sliceInserts });
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      let settled = false;
      const insert = store.insertBatch(batch).then(() => {
        settled = true;
      });
      for (let turn = 0; turn < 50 && !settled; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
      const settledWithoutTimers = settled;
      while (!settled) await vi.runAllTimersAsync();
      await insert;
      return settledWithoutTimers;
    } finally {
      vi.useRealTimers();
      await store.close();
    }
  };

  it('pauses between slices by default (a worker at nice 10)', async () => {
    expect(await settlesWithFrozenTimers(undefined)).toBe(false);
    expect(count('requests')).toBe(120);
  });

  it('writes a batch without pausing when sliceInserts is off (an idle-priority worker)', async () => {
    expect(await settlesWithFrozenTimers(false)).toBe(true);
    expect(count('requests')).toBe(120);
  });
});
