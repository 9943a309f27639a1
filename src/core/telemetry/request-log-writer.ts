import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { RequestLogStore } from '../../store/request-log-store.js';
import type { RequestLogRecord } from './request-log-record.js';
import { batchLines, SerializedRecordQueue, type RecordBatch } from './serialized-record-queue.js';

export const DEFAULT_SPILL_DIRECTORY = '.switchyard/spill';
const SPILL_FILE = /^requests-(\d+)\.jsonl$/;
/**
 * Why a flush starts long before a batch is full: where the log's worker shares a core with
 * request handling, each insert is a stretch of CPU that a request arriving meanwhile may have to
 * wait out. At one connection, 500-record inserts (parsing, rows, commit: ~3 ms unsliced) lengthened
 * the tail by ~0.5–1 ms against 50-record ones, which cost the worker ~10% more CPU per record
 * (docs/performance.md). Under load inserts grow again, so a saturated core keeps the big ones.
 */
const DEFAULT_FLUSH_AT_RECORDS = 50;

export interface RequestLogWriterOptions {
  store: Pick<RequestLogStore, 'insertBatch' | 'insertSerializedBatch' | 'insertSerializedBytes'>;
  /** Where batches the store could not take are appended; default `.switchyard/spill`. */
  spillDirectory?: string;
  /** Default 1000. Also how often spill files are fsync'ed and replay is considered. */
  flushIntervalMs?: number;
  /** Records per insert at most; also the replay batch size. Default 500. */
  batchSize?: number;
  /**
   * A flush starts as soon as this many records wait while no flush is running (at most
   * `batchSize`). Default 50. Records that arrive while one runs go in the next, so under load
   * inserts grow towards `batchSize` by themselves.
   */
  flushAtRecords?: number;
  /** Records held in memory at most; beyond it the oldest are spilled. Default 10 000. */
  maxQueue?: number;
  /** While the store is failing, how often replay probes it when no flush succeeds. Default 5 × flushIntervalMs. */
  replayRetryMs?: number;
  /** Told about failed batches, spill I/O errors and corrupt spill lines; must not throw. */
  onError?: (error: unknown, context: string) => void;
}

export interface RequestLogWriterStats {
  /** Records in memory: waiting, or in the insert in flight. */
  queued: number;
  /** Records inserted by flushes. */
  written: number;
  /** Records appended to spill files (overflow and failed batches). */
  spilled: number;
  /** Spilled records inserted by replay. */
  replayed: number;
  failedBatches: number;
  /** Records lost: unserialisable, enqueued after close, a spill write that failed, or a corrupt spill line. */
  dropped: number;
}

/**
 * Writes request-log records to the store in batches, off the request path.
 *
 * `enqueue` only pushes to an in-memory queue: it never waits on the database and never throws.
 * The queue is flushed every `flushIntervalMs`, or as soon as `flushAtRecords` records wait and no
 * flush is running; one insert takes at most `batchSize` records. When the queue
 * passes `maxQueue` (the store is slow) the oldest records, and every batch the store rejects (it
 * is down), are appended to `<spillDirectory>/requests-<n>.jsonl`. Once the store answers again the
 * spill files are replayed into it and deleted; inserts are idempotent by request id, so a file
 * replayed twice (a crash mid-replay) or a batch both spilled and committed stores each request once.
 * Spill files left by a crash are replayed after `start()`.
 *
 * What a crash can lose:
 * - a process crash (kill -9, OOM) loses the records still in memory: those enqueued since the last
 *   flush, normally at most `flushIntervalMs` worth (up to `maxQueue` + `batchSize` if the store is
 *   slow), plus the batch whose insert had not committed;
 * - a machine crash (power loss) additionally loses spill lines written since the last fsync
 *   (at most `flushIntervalMs` old), and whatever the store itself does not make durable
 *   (SQLite with `synchronous=NORMAL` may roll back its last transactions).
 * `close()` loses nothing: it flushes the queue, spilling what the store refuses, and fsyncs.
 */
export class RequestLogWriter {
  readonly #store: Pick<RequestLogStore, 'insertBatch' | 'insertSerializedBatch' | 'insertSerializedBytes'>;
  readonly #spillDirectory: string;
  readonly #flushIntervalMs: number;
  readonly #batchSize: number;
  readonly #flushAtRecords: number;
  readonly #maxQueue: number;
  readonly #replayRetryMs: number;
  readonly #onError: (error: unknown, context: string) => void;

  /**
   * Records waiting, each already serialised: the JSON work happens as each request finishes
   * rather than for a whole batch at once, and the bytes wait outside the JavaScript heap (see
   * SerializedRecordQueue). Spilling writes the same bytes.
   */
  readonly #queue: SerializedRecordQueue;
  #inFlight = 0;
  #flushing: Promise<void> | undefined;
  #flushScheduled = false;
  #timer: NodeJS.Timeout | undefined;
  #ticking = false;
  #closed = false;
  #storeAnswering = true;
  #lastReplayAttempt = 0;

  /** Batches waiting to be appended to the spill file. */
  #spillBatches: RecordBatch[] = [];
  #spillWriting: Promise<void> | undefined;
  /** New spill lines go to file number `#spillIndex`; files with lower numbers are closed and replayable. */
  #spillIndex = 0;
  #spillFile: { index: number; handle: FileHandle } | undefined;
  #spillDirty = false;
  #spillMayExist = false;
  #replaying: Promise<void> | undefined;

  readonly #stats = { written: 0, spilled: 0, replayed: 0, failedBatches: 0, dropped: 0 };

  constructor(options: RequestLogWriterOptions) {
    this.#store = options.store;
    this.#spillDirectory = options.spillDirectory ?? DEFAULT_SPILL_DIRECTORY;
    this.#flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.#batchSize = Math.max(1, options.batchSize ?? 500);
    this.#flushAtRecords = Math.min(this.#batchSize, Math.max(1, options.flushAtRecords ?? DEFAULT_FLUSH_AT_RECORDS));
    this.#maxQueue = Math.max(this.#batchSize, options.maxQueue ?? 10_000);
    this.#queue = new SerializedRecordQueue(this.#batchSize);
    this.#replayRetryMs = options.replayRetryMs ?? this.#flushIntervalMs * 5;
    this.#onError = options.onError ?? (() => {});
  }

  /** Finds spill files a previous run left, starts the flush timer and replays them in the background. */
  async start(): Promise<void> {
    await mkdir(this.#spillDirectory, { recursive: true });
    const existing = await this.#listSpillFiles();
    // New spills go after every existing file, so all of those are closed and can be replayed.
    this.#spillIndex = Math.max(this.#spillIndex, ...existing.map((file) => file.index + 1));
    this.#spillMayExist = existing.length > 0;
    this.#timer = setInterval(() => void this.#tick(), this.#flushIntervalMs);
    this.#timer.unref();
    if (this.#spillMayExist) void this.replay();
  }

  /** Queues a record. Synchronous; never throws, never waits. */
  enqueue(record: RequestLogRecord): void {
    try {
      if (this.#closed) {
        this.#stats.dropped += 1;
        return;
      }
      let line: string;
      try {
        line = JSON.stringify(record);
      } catch (error) {
        this.#stats.dropped += 1;
        this.#report(error, 'serialise record');
        return;
      }
      this.#queue.push(line);
      if (this.#queue.length > this.#maxQueue) {
        // The store is not keeping up: move the oldest batch to disk rather than grow without bound.
        this.#spill(this.#queue.shift()!);
      }
      if (this.#queue.length >= this.#flushAtRecords && !this.#flushScheduled && this.#flushing === undefined) {
        // After the current I/O callbacks, so the request that enqueued is not delayed by the insert.
        this.#flushScheduled = true;
        setImmediate(() => {
          this.#flushScheduled = false;
          void this.flush();
        }).unref();
      }
    } catch (error) {
      this.#stats.dropped += 1;
      this.#report(error, 'enqueue');
    }
  }

  /** Resolves once everything queued now is in the store or written to a spill file. Never rejects. */
  async flush(): Promise<void> {
    // A drain already running writes only what was queued when it began; wait for it, then drain
    // what is queued now.
    if (this.#flushing !== undefined) await this.#flushing;
    this.#flushing ??= this.#drain().finally(() => {
      this.#flushing = undefined;
    });
    await this.#flushing;
    while (this.#spillWriting !== undefined) await this.#spillWriting;
  }

  /**
   * Replays closed spill files into the store, oldest first, deleting each once inserted. Stops at
   * the first failure and keeps that file for the next attempt. Never rejects.
   */
  replay(): Promise<void> {
    this.#replaying ??= this.#replayFiles()
      .catch((error: unknown) => this.#report(error, 'replay'))
      .finally(() => {
        this.#replaying = undefined;
      });
    return this.#replaying;
  }

  /** Stops the timer, flushes the queue (spilling what the store refuses) and fsyncs the spill file. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    while (this.#queue.length > 0 || this.#flushing !== undefined) await this.flush();
    while (this.#replaying !== undefined) await this.#replaying;
    await this.flush();
    await this.#closeSpillFile();
  }

  /** Records queued or being inserted: what the store still has to take. */
  backlog(): number {
    return this.#queue.length + this.#inFlight;
  }

  stats(): RequestLogWriterStats {
    return { queued: this.backlog(), ...this.#stats };
  }

  async #tick(): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      await this.flush();
      await this.#syncSpillFile();
      const retryDue = Date.now() - this.#lastReplayAttempt >= this.#replayRetryMs;
      if (!this.#closed && this.#spillMayExist && (this.#storeAnswering || retryDue)) await this.replay();
    } finally {
      this.#ticking = false;
    }
  }

  async #drain(): Promise<void> {
    // Only what is queued now: records that arrive while a batch is in flight wait for the next
    // full batch or tick. Draining them too kept a busy gateway in a loop of tiny batches (a few
    // records each, one SQLite commit and one worker wake-up apiece): ~40% more log CPU per record.
    let owed = this.#queue.length;
    while (owed > 0 && this.#queue.length > 0) {
      const batch = this.#queue.shift()!;
      owed -= batch.count;
      this.#inFlight = batch.count;
      try {
        await this.#insertBatch(batch);
        // Stored: its buffer can take a new batch (a spilled batch keeps its bytes for the spill file).
        this.#queue.release(batch);
        this.#stats.written += batch.count;
        this.#storeAnswering = true;
      } catch (error) {
        this.#stats.failedBatches += 1;
        this.#storeAnswering = false;
        this.#report(error, 'insert batch');
        // The store is down: put this batch and everything queued on disk now, where a crash cannot
        // lose it, instead of probing the store again for each batch.
        this.#spill(batch);
        for (const rest of this.#queue.drain()) this.#spill(rest);
        return;
      } finally {
        this.#inFlight = 0;
      }
    }
  }

  /** Inserts a queued batch: as bytes where the store takes them so, else as lines. */
  #insertBatch(batch: RecordBatch): Promise<void> {
    if (this.#store.insertSerializedBytes) return this.#store.insertSerializedBytes(batch.bytes);
    return this.#insert(batchLines(batch));
  }

  /** Inserts serialised records: as they are where the store takes them so, else parsed back. */
  #insert(lines: string[]): Promise<void> {
    if (this.#store.insertSerializedBatch) return this.#store.insertSerializedBatch(lines);
    return this.#store.insertBatch(lines.map((line) => JSON.parse(line) as RequestLogRecord));
  }

  #spill(batch: RecordBatch): void {
    if (batch.count === 0) return;
    this.#spillBatches.push(batch);
    this.#stats.spilled += batch.count;
    this.#spillMayExist = true;
    this.#startSpillWriter();
  }

  /** One writer at a time keeps lines in order; lines added as it finished get a new one. */
  #startSpillWriter(): void {
    if (this.#spillWriting !== undefined || this.#spillBatches.length === 0) return;
    this.#spillWriting = this.#writeSpillLines().finally(() => {
      this.#spillWriting = undefined;
      this.#startSpillWriter();
    });
  }

  async #writeSpillLines(): Promise<void> {
    while (this.#spillBatches.length > 0) {
      const batches = this.#spillBatches.splice(0);
      const count = batches.reduce((sum, batch) => sum + batch.count, 0);
      try {
        const file = await this.#openSpillFile();
        await file.handle.writev(batches.map((batch) => batch.bytes));
        this.#spillDirty = true;
      } catch (error) {
        this.#stats.spilled -= count;
        this.#stats.dropped += count;
        this.#report(error, 'write spill file');
      }
    }
  }

  async #openSpillFile(): Promise<{ index: number; handle: FileHandle }> {
    if (this.#spillFile?.index === this.#spillIndex) return this.#spillFile;
    await this.#closeSpillFile();
    await mkdir(this.#spillDirectory, { recursive: true });
    const index = this.#spillIndex;
    const handle = await open(this.#spillPath(index), 'a');
    this.#spillFile = { index, handle };
    return this.#spillFile;
  }

  async #closeSpillFile(): Promise<void> {
    const file = this.#spillFile;
    if (file === undefined) return;
    this.#spillFile = undefined;
    try {
      await file.handle.datasync();
      await file.handle.close();
    } catch (error) {
      this.#report(error, 'close spill file');
    }
  }

  /** fsync on the flush timer rather than per write: bounds what a machine crash loses to one interval. */
  async #syncSpillFile(): Promise<void> {
    const file = this.#spillFile;
    if (!this.#spillDirty || file === undefined) return;
    this.#spillDirty = false;
    await file.handle.datasync().catch((error: unknown) => this.#report(error, 'fsync spill file'));
  }

  async #replayFiles(): Promise<void> {
    this.#lastReplayAttempt = Date.now();
    let files = await this.#listSpillFiles();
    let closed = files.filter((file) => file.index < this.#spillIndex);
    if (closed.length === 0 && files.length > 0) {
      // Only the file being appended to is left: switch appends to a new file, wait for the writes
      // in progress, and replay the old one. Done only when no older file is pending, so a store
      // that is still down does not leave a new file per attempt.
      const boundary = ++this.#spillIndex;
      if (this.#spillWriting !== undefined) await this.#spillWriting;
      if (this.#spillFile !== undefined && this.#spillFile.index < boundary) await this.#closeSpillFile();
      files = await this.#listSpillFiles();
      closed = files.filter((file) => file.index < boundary);
    }
    for (const file of closed) {
      if (!(await this.#replayFile(file.path))) return;
    }
    if (files.length === closed.length && this.#spillBatches.length === 0 && this.#spillWriting === undefined) {
      this.#spillMayExist = false;
    }
  }

  /** Streams one file into the store in batches; true once it is inserted and deleted. */
  async #replayFile(path: string): Promise<boolean> {
    const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
    let batch: string[] = [];
    let count = 0;
    const insert = async (): Promise<boolean> => {
      if (batch.length === 0) return true;
      try {
        await this.#insert(batch);
        this.#storeAnswering = true;
      } catch (error) {
        this.#storeAnswering = false;
        this.#report(error, `replay ${path}`);
        return false;
      }
      count += batch.length;
      batch = [];
      return true;
    };
    try {
      for await (const line of lines) {
        if (line.trim() === '') continue;
        const record = parseSpillLine(line);
        if (record === undefined) {
          // A line cut short by a crash mid-write, or damaged on disk.
          this.#stats.dropped += 1;
          this.#report(new Error(`Unreadable spill line in ${path}`), 'replay');
          continue;
        }
        // The line as read (validated above): inserted without another serialisation.
        batch.push(line);
        if (batch.length >= this.#batchSize && !(await insert())) return false;
      }
      if (!(await insert())) return false;
    } finally {
      lines.close();
    }
    this.#stats.replayed += count;
    await unlink(path);
    return true;
  }

  async #listSpillFiles(): Promise<{ index: number; path: string }[]> {
    const names = await readdir(this.#spillDirectory).catch(() => [] as string[]);
    return names
      .flatMap((name) => {
        const match = SPILL_FILE.exec(name);
        return match?.[1] === undefined ? [] : [{ index: Number(match[1]), path: join(this.#spillDirectory, name) }];
      })
      .sort((left, right) => left.index - right.index);
  }

  #spillPath(index: number): string {
    return join(this.#spillDirectory, `requests-${index}.jsonl`);
  }

  #report(error: unknown, context: string): void {
    try {
      this.#onError(error, context);
    } catch {
      // A failing error hook must not take the writer down with it.
    }
  }
}

function parseSpillLine(line: string): RequestLogRecord | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null) return undefined;
    const record = value as Partial<RequestLogRecord>;
    return typeof record.id === 'string' && Array.isArray(record.attempts) ? (record as RequestLogRecord) : undefined;
  } catch {
    return undefined;
  }
}
