import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openSqliteRequestLogStore } from '../../store/sqlite/open-sqlite-request-log-store.js';
import type { RequestLogRecord } from './request-log-record.js';
import { RequestLogWriter, type RequestLogWriterOptions } from './request-log-writer.js';

/** Stores by id like the real stores (a re-insert is a no-op); can be switched to fail or to hang. */
class FakeStore {
  readonly rows = new Map<string, RequestLogRecord>();
  readonly batches: string[][] = [];
  mode: 'ok' | 'fail' | 'hang' = 'ok';
  #hung: (() => void)[] = [];

  async insertBatch(records: RequestLogRecord[]): Promise<void> {
    if (this.mode === 'fail') throw new Error('connection refused');
    if (this.mode === 'hang') await new Promise<void>((resolve) => this.#hung.push(resolve));
    this.batches.push(records.map((record) => record.id));
    for (const record of records) if (!this.rows.has(record.id)) this.rows.set(record.id, record);
  }

  release(): void {
    this.mode = 'ok';
    for (const resolve of this.#hung.splice(0)) resolve();
  }
}

function record(id: string): RequestLogRecord {
  return {
    id,
    time: 1_700_000_000_000,
    durationMs: 12,
    endpoint: 'chat',
    stream: false,
    requestedModel: 'gpt-4o',
    status: 200,
    cacheHit: false,
    attempts: [{ deployment: 'openai-east', provider: 'openai', code: 'ok', latencyMs: 10 }],
  };
}

const ids = (count: number, prefix = 'r') => Array.from({ length: count }, (_, index) => `${prefix}${index}`);
/** Lets the setImmediate-scheduled flush and its promise chain run (setImmediate is not faked). */
const settle = () => new Promise((resolve) => setImmediate(resolve)).then(() => new Promise((resolve) => setImmediate(resolve)));

let directory: string;
let spillDirectory: string;
const writers: RequestLogWriter[] = [];

/** A store that takes only serialised bytes (as the threaded store does); `take` may throw to fail the insert. */
function bytesStore(take: (bytes: Uint8Array) => void): RequestLogWriterOptions['store'] {
  return {
    insertBatch: () => Promise.reject(new Error('objects are not expected here')),
    insertSerializedBytes: async (bytes: Uint8Array) => take(bytes),
  };
}

function createWriter(store: FakeStore | RequestLogWriterOptions['store'], options: Partial<RequestLogWriterOptions> = {}): RequestLogWriter {
  const writer = new RequestLogWriter({ store, spillDirectory, flushIntervalMs: 1000, batchSize: 3, maxQueue: 10, ...options });
  writers.push(writer);
  return writer;
}

async function spillFiles(): Promise<string[]> {
  return (await readdir(spillDirectory).catch(() => [])).sort();
}

async function spilledIds(): Promise<string[]> {
  const lines: string[] = [];
  for (const name of await spillFiles()) {
    const text = await readFile(join(spillDirectory, name), 'utf8');
    lines.push(...text.split('\n').filter(Boolean));
  }
  return lines.map((line) => (JSON.parse(line) as RequestLogRecord).id);
}

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-writer-'));
  spillDirectory = join(directory, 'spill');
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
});

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(writers.splice(0).map((writer) => writer.close()));
  await rm(directory, { recursive: true, force: true });
});

describe('RequestLogWriter batching', () => {
  it('flushes as soon as batchSize records wait, and the rest on the interval', async () => {
    const store = new FakeStore();
    const writer = createWriter(store);
    await writer.start();
    for (const id of ids(7)) writer.enqueue(record(id));
    expect(store.batches).toEqual([]); // enqueue itself never writes
    await settle();
    expect(store.batches).toEqual([
      ['r0', 'r1', 'r2'],
      ['r3', 'r4', 'r5'],
      ['r6'],
    ]);
    writer.enqueue(record('late'));
    await settle();
    await vi.advanceTimersByTimeAsync(999);
    expect(store.batches).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.batches.at(-1)).toEqual(['late']);
    expect(writer.stats()).toMatchObject({ queued: 0, written: 8, spilled: 0, failedBatches: 0 });
  });

  it('leaves records that arrive during a batch to the next batch or tick, instead of chasing them in tiny batches', async () => {
    const store = new FakeStore();
    const writer = createWriter(store, { maxQueue: 100 });
    await writer.start();
    store.mode = 'hang';
    for (const id of ids(3)) writer.enqueue(record(id));
    await settle(); // the batch of three is in flight, and hangs
    writer.enqueue(record('late1'));
    writer.enqueue(record('late2'));
    store.release();
    await settle();
    expect(store.batches).toEqual([['r0', 'r1', 'r2']]);
    expect(writer.stats().queued).toBe(2);
    // A third late record fills a batch, which is written at once.
    writer.enqueue(record('late3'));
    await settle();
    expect(store.batches).toEqual([['r0', 'r1', 'r2'], ['late1', 'late2', 'late3']]);
    writer.enqueue(record('late4'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(store.batches.at(-1)).toEqual(['late4']);
  });

  it('starts a flush once flushAtRecords wait, and lets records that arrive meanwhile fill the next insert up to batchSize', async () => {
    const store = new FakeStore();
    const writer = createWriter(store, { batchSize: 10, flushAtRecords: 4, maxQueue: 100 });
    await writer.start();
    for (const id of ids(3)) writer.enqueue(record(id));
    await settle();
    expect(store.batches).toEqual([]);
    writer.enqueue(record('r3'));
    await settle();
    expect(store.batches).toEqual([['r0', 'r1', 'r2', 'r3']]);
    // While an insert hangs, seven more arrive: they go in one insert, not in inserts of four.
    store.mode = 'hang';
    for (const id of ids(4, 'a')) writer.enqueue(record(id));
    await settle();
    for (const id of ids(7, 'b')) writer.enqueue(record(id));
    store.release();
    await settle();
    writer.enqueue(record('c0'));
    await settle();
    expect(store.batches.slice(1)).toEqual([ids(4, 'a'), [...ids(7, 'b'), 'c0']]);
  });

  it('flushes early by default: 50 records start a flush although a batch holds 500', async () => {
    const store = new FakeStore();
    const writer = createWriter(store, { batchSize: 500, maxQueue: 10_000 });
    await writer.start();
    for (const id of ids(49)) writer.enqueue(record(id));
    await settle();
    expect(store.batches).toEqual([]);
    writer.enqueue(record('r49'));
    await settle();
    expect(store.batches.map((batch) => batch.length)).toEqual([50]);
  });

  it('flush() called while a batch is in flight also writes what was queued after that batch began', async () => {
    const store = new FakeStore();
    const writer = createWriter(store, { maxQueue: 100 });
    await writer.start();
    store.mode = 'hang';
    for (const id of ids(3)) writer.enqueue(record(id));
    await settle();
    writer.enqueue(record('late'));
    const flushed = writer.flush();
    store.release();
    await flushed;
    expect(store.batches).toEqual([['r0', 'r1', 'r2'], ['late']]);
  });

  it('writes a few records only when the flush interval elapses', async () => {
    const store = new FakeStore();
    const writer = createWriter(store, { batchSize: 500, maxQueue: 10_000 });
    await writer.start();
    writer.enqueue(record('a'));
    writer.enqueue(record('b'));
    await vi.advanceTimersByTimeAsync(999);
    expect(store.rows.size).toBe(0);
    expect(writer.stats().queued).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.batches).toEqual([['a', 'b']]);
  });

  it('hands a store that takes serialised records the JSON of each, and counts a record that cannot be serialised as dropped', async () => {
    const received: string[][] = [];
    const writer = createWriter({
      insertBatch: () => Promise.reject(new Error('objects are not expected here')),
      insertSerializedBatch: async (lines: string[]) => void received.push(lines),
    });
    for (const id of ids(3)) writer.enqueue(record(id));
    const circular = record('loop') as RequestLogRecord & { self?: unknown };
    circular.self = circular;
    writer.enqueue(circular);
    await writer.flush();
    expect(received.flat().map((line) => (JSON.parse(line) as RequestLogRecord).id)).toEqual(ids(3));
    expect(JSON.parse(received[0]![0]!)).toEqual(JSON.parse(JSON.stringify(record('r0'))));
    expect(writer.stats()).toMatchObject({ written: 3, dropped: 1, spilled: 0 });
  });

  it('hands a store that takes bytes each batch as one block of JSON lines, and spills the same bytes when it fails', async () => {
    const blocks: string[] = [];
    let failing = false;
    const writer = createWriter(
      bytesStore((bytes) => {
        if (failing) throw new Error('store down');
        blocks.push(Buffer.from(bytes).toString('utf8'));
      }),
      { batchSize: 2 },
    );
    for (const id of ids(3)) writer.enqueue(record(id));
    await writer.flush();
    expect(blocks.map((block) => block.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as RequestLogRecord).id))).toEqual([['r0', 'r1'], ['r2']]);
    failing = true;
    writer.enqueue(record('later'));
    await writer.flush();
    expect(writer.stats()).toMatchObject({ written: 3, spilled: 1, failedBatches: 1 });
    const [spillFile] = (await readdir(spillDirectory)).filter((name) => name.endsWith('.jsonl'));
    expect((await readFile(join(spillDirectory, spillFile!), 'utf8')).trim().split('\n').map((line) => (JSON.parse(line) as RequestLogRecord).id)).toEqual(['later']);
  });

  it('reuses the memory of a stored batch for later ones, but not of a batch it spilled', async () => {
    const memories: ArrayBufferLike[] = [];
    let failing = false;
    const writer = createWriter(
      bytesStore((bytes) => {
        memories.push(bytes.buffer);
        if (failing) throw new Error('store down');
      }),
      { batchSize: 2 },
    );
    for (const round of [0, 1, 2]) {
      writer.enqueue(record(`r${round}`));
      await writer.flush();
    }
    // One buffer serves every batch once the store has answered for it.
    expect(new Set(memories).size).toBe(1);
    failing = true;
    writer.enqueue(record('spilled'));
    await writer.flush();
    failing = false;
    writer.enqueue(record('after'));
    await writer.flush();
    // The spilled batch kept its buffer (its bytes went to the spill file), so the next one got another.
    expect(memories.at(-1)).not.toBe(memories.at(-2));
    const [spillFile] = (await readdir(spillDirectory)).filter((name) => name.endsWith('.jsonl'));
    expect((await readFile(join(spillDirectory, spillFile!), 'utf8')).trim().split('\n').map((line) => (JSON.parse(line) as RequestLogRecord).id)).toEqual(['spilled']);
  });

  it('close() flushes everything still queued', async () => {
    const store = new FakeStore();
    const writer = createWriter(store, { batchSize: 500 });
    await writer.start();
    for (const id of ids(4)) writer.enqueue(record(id));
    await writer.close();
    expect([...store.rows.keys()]).toEqual(ids(4));
    writer.enqueue(record('after-close'));
    expect(writer.stats()).toMatchObject({ written: 4, dropped: 1 });
    expect(await spillFiles()).toEqual([]);
  });
});

describe('RequestLogWriter when the store is slow or down', () => {
  it('never blocks enqueue: past maxQueue the oldest records spill to a JSONL file', async () => {
    const store = new FakeStore();
    store.mode = 'hang';
    const writer = createWriter(store);
    await writer.start();
    for (const id of ids(25)) writer.enqueue(record(id));
    await settle();
    const stats = writer.stats();
    expect(stats.queued).toBeLessThanOrEqual(10 + 3);
    expect(stats.spilled).toBeGreaterThan(0);
    expect(stats.queued + stats.spilled).toBe(25);
    await vi.waitFor(async () => expect((await spilledIds()).length).toBe(stats.spilled), { interval: 5 });
    expect(await spillFiles()).toEqual(['requests-0.jsonl']);
    expect(await spilledIds()).toEqual(ids(stats.spilled));

    // The store answers again: the queue drains and the spill file is replayed, each record once.
    store.release();
    await vi.advanceTimersByTimeAsync(1000);
    await writer.replay();
    expect([...store.rows.keys()].sort()).toEqual(ids(25).sort());
    expect(await spillFiles()).toEqual([]);
    expect(writer.stats()).toMatchObject({ queued: 0, replayed: stats.spilled, dropped: 0 });
  });

  it('spills failed batches and replays them once the store recovers, losing and duplicating nothing', async () => {
    const store = new FakeStore();
    const errors: string[] = [];
    const writer = createWriter(store, { onError: (_error, context) => errors.push(context) });
    await writer.start();
    store.mode = 'fail';
    for (const id of ids(5)) writer.enqueue(record(id));
    await writer.flush();
    expect(writer.stats()).toMatchObject({ failedBatches: 1, spilled: 5, queued: 0 });
    expect(await spilledIds()).toEqual(ids(5));
    expect(errors).toContain('insert batch');

    // Still down: a replay attempt keeps the file (and does not create one per attempt).
    for (const id of ids(2, 'x')) writer.enqueue(record(id));
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(5000);
    await writer.replay();
    await writer.flush();
    expect(store.rows.size).toBe(0);
    expect((await spilledIds()).sort()).toEqual([...ids(5), ...ids(2, 'x')].sort());
    expect((await spillFiles()).length).toBeLessThanOrEqual(2);

    store.mode = 'ok';
    writer.enqueue(record('fresh'));
    await vi.advanceTimersByTimeAsync(1000);
    await writer.replay();
    await writer.replay();
    expect([...store.rows.keys()].sort()).toEqual([...ids(5), ...ids(2, 'x'), 'fresh'].sort());
    expect(await spillFiles()).toEqual([]);
    expect(writer.stats()).toMatchObject({ written: 1, spilled: 7, replayed: 7, dropped: 0 });
  });

  it('close() with the store down spills the queue, and the next start replays it', async () => {
    const store = new FakeStore();
    store.mode = 'fail';
    const first = createWriter(store, { batchSize: 500 });
    await first.start();
    for (const id of ids(4)) first.enqueue(record(id));
    await first.close();
    expect((await spilledIds()).sort()).toEqual(ids(4));

    store.mode = 'ok';
    const second = createWriter(store);
    await second.start();
    await second.replay();
    expect([...store.rows.keys()].sort()).toEqual(ids(4));
    expect(await spillFiles()).toEqual([]);
  });
});

describe('RequestLogWriter crash recovery', () => {
  it('replays spill files left by a crash on start, skipping a torn last line', async () => {
    await mkdir(spillDirectory, { recursive: true });
    const lines = (names: string[]) => names.map((id) => JSON.stringify(record(id))).join('\n');
    await writeFile(join(spillDirectory, 'requests-3.jsonl'), `${lines(['a', 'b'])}\n`);
    await writeFile(join(spillDirectory, 'requests-7.jsonl'), `${lines(['b', 'c'])}\n{"id":"torn","time":17`);
    await writeFile(join(spillDirectory, 'unrelated.txt'), 'keep me');
    const store = new FakeStore();
    store.rows.set('a', record('a'));
    const writer = createWriter(store);
    await writer.start();
    await writer.replay();
    expect([...store.rows.keys()].sort()).toEqual(['a', 'b', 'c']);
    expect(await spillFiles()).toEqual(['unrelated.txt']);
    expect(writer.stats()).toMatchObject({ replayed: 4, dropped: 1 });

    // New spills continue numbering after the old files.
    store.mode = 'fail';
    writer.enqueue(record('d'));
    await vi.advanceTimersByTimeAsync(1000);
    await vi.waitFor(async () => expect(await spillFiles()).toEqual(['requests-8.jsonl', 'unrelated.txt']), { interval: 5 });
  });

  it('replays into SQLite without duplicating a record that was both spilled and committed', async () => {
    const store = openSqliteRequestLogStore({ path: join(directory, 'log.db') });
    await store.migrate();
    try {
      await store.insertBatch([record('committed')]);
        await mkdir(spillDirectory, { recursive: true });
      await writeFile(join(spillDirectory, 'requests-0.jsonl'), ['committed', 'spilled'].map((id) => JSON.stringify(record(id))).join('\n'));
      const writer = createWriter(store);
      await writer.start();
      await writer.replay();
      await writer.close();
      const page = await store.listRequests();
      expect(page.items.map((item) => item.id).sort()).toEqual(['committed', 'spilled']);
      expect(page.items.every((item) => item.attempts.length === 1)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
