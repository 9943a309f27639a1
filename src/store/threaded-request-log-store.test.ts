import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../spec/errors.js';
import type { RequestLogRecord } from '../core/telemetry/request-log-record.js';
import { ThreadedRequestLogStore } from './threaded-request-log-store.js';

let store: ThreadedRequestLogStore;
let threadsBefore: Set<string>;

/** This process's threads (Linux) with their nice values, from /proc/self/task/<tid>/stat. */
function threadNiceValues(): Map<string, number> {
  const values = new Map<string, number>();
  for (const thread of readdirSync('/proc/self/task')) {
    try {
      // Fields after the parenthesised command name; nice is field 19 of the whole line.
      const fields = readFileSync(`/proc/self/task/${thread}/stat`, 'utf8').split(') ')[1]!.split(' ');
      values.set(thread, Number(fields[16]));
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return values;
}

const record = (id: string, time: number): RequestLogRecord => ({
  id,
  time,
  durationMs: 12,
  endpoint: 'chat',
  stream: false,
  requestedModel: 'm',
  workload: 'w',
  status: 200,
  cacheHit: false,
  costUsd: 0.5,
  attempts: [{ deployment: 'p/m', provider: 'p', code: 'ok', latencyMs: 10 }],
});

beforeAll(async () => {
  if (process.platform === 'linux') threadsBefore = new Set(threadNiceValues().keys());
  store = new ThreadedRequestLogStore({ type: 'sqlite', path: join(await mkdtemp(join(tmpdir(), 'switchyard-threaded-')), 'log.db') });
  await store.migrate();
});
afterAll(() => store.close());

describe('ThreadedRequestLogStore', () => {
  it('runs every store call in the worker and returns its results', async () => {
    await store.insertBatch([record('a', 1000), record('b', 2000)]);
    expect(await store.getRequest('a')).toMatchObject({ id: 'a', workload: 'w', attempts: [{ code: 'ok' }] });
    expect((await store.listRequests({})).items.map((item) => item.id)).toEqual(['b', 'a']);
    const rows = await store.aggregate({ since: 0, until: 10_000, groupBy: 'workload' });
    expect(rows).toMatchObject([{ key: 'w', requests: 2, costUsd: 1 }]);
  });

  it.runIf(process.platform === 'linux')('runs its worker at a lower priority than the request thread', () => {
    const threads = threadNiceValues();
    const ownNice = threads.get(String(process.pid)) ?? 0;
    const niceOfNewThreads = [...threads].filter(([thread]) => !threadsBefore.has(thread)).map(([, nice]) => nice);
    // The worker thread (and only threads created with it) has nice 10; the thread that handles requests keeps its own.
    expect(niceOfNewThreads).toContain(10);
    expect(ownNice).toBeLessThan(10);
  });

  it.runIf(process.platform === 'linux')('reports the scheduling the kernel gave its worker', async () => {
    expect(await store.scheduling()).toMatchObject({ requested: 'low', policy: 'normal', nice: 10 });
  });

  it.runIf(process.platform === 'linux')('puts an idle-priority worker under SCHED_IDLE, so request handling always preempts it', async () => {
    const idle = new ThreadedRequestLogStore({ type: 'sqlite', path: join(await mkdtemp(join(tmpdir(), 'switchyard-idle-')), 'log.db') }, { priority: 'idle' });
    try {
      const applied = await idle.scheduling();
      expect(applied).toMatchObject({ requested: 'idle', policy: 'idle' });
      expect(applied.note).toBeUndefined();
      // Read back independently of the worker: field 41 of the thread's stat is its policy (5 = SCHED_IDLE).
      const stat = readFileSync(`/proc/self/task/${applied.threadId}/stat`, 'utf8');
      expect(Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[38])).toBe(5);
      // The store works as usual at that priority.
      await idle.migrate();
      await idle.insertBatch([record('idle-1', 1000)]);
      expect(await idle.getRequest('idle-1')).toMatchObject({ id: 'idle-1' });
    } finally {
      await idle.close();
    }
  });

  it.runIf(process.platform === 'linux')('falls back to nice 19 and says why when SCHED_IDLE cannot be applied', async () => {
    const fallback = new ThreadedRequestLogStore(
      { type: 'sqlite', path: join(await mkdtemp(join(tmpdir(), 'switchyard-idle-')), 'log.db') },
      { priority: 'idle', chrtCommand: '/nonexistent/chrt' },
    );
    try {
      const applied = await fallback.scheduling();
      expect(applied).toMatchObject({ requested: 'idle', policy: 'normal', nice: 19 });
      expect(applied.note).toMatch(/SCHED_IDLE not applied \(.*ENOENT.*\); running at nice 19 instead/);
      await fallback.migrate();
    } finally {
      await fallback.close();
    }
  });

  it('stores records sent already serialised, as the writer sends them', async () => {
    await store.insertSerializedBatch([JSON.stringify(record('serialised-1', 3000)), JSON.stringify(record('serialised-2', 3001))]);
    expect(await store.getRequest('serialised-2')).toMatchObject({ id: 'serialised-2', workload: 'w', costUsd: 0.5, attempts: [{ deployment: 'p/m', code: 'ok' }] });
    await expect(store.insertSerializedBatch(['{not json'])).rejects.toThrow(/JSON/);
  });

  it('stores a block of JSON lines sent as bytes (the off-heap batches of the writer), and rejects a damaged one', async () => {
    const block = `${JSON.stringify(record('bytes-1', 3100))}\n${JSON.stringify({ ...record('bytes-2', 3101), workload: 'wé' })}\n`;
    await store.insertSerializedBytes(new TextEncoder().encode(block));
    expect(await store.getRequest('bytes-2')).toMatchObject({ id: 'bytes-2', workload: 'wé' });
    await expect(store.insertSerializedBytes(new TextEncoder().encode('{"id":\n'))).rejects.toThrow(/JSON/);
  });

  it('carries typed errors back across the thread', async () => {
    await expect(store.listRequests({ cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(store.listRequests({ cursor: 'not-a-cursor' })).rejects.toMatchObject({ param: 'cursor' });
  });
});
