/**
 * The request log's queue: serialised records (JSON lines) kept as UTF-8 bytes in buffers outside
 * the JavaScript heap, in batches of at most `batchSize` records.
 *
 * Why bytes: a queued JSON string lives until its batch is written — up to a flush interval — so
 * it survives the young-generation collections in between and is copied, then promoted, by each
 * one (a fifth of everything that survived a scavenge on a one-connection load was queued log
 * lines). Written into an off-heap buffer, the string dies where it was made, and a batch reaches
 * the store's worker as one flat block of bytes.
 *
 * Why shared, pooled buffers: a plain buffer posted to the worker is copied twice (serialised here,
 * deserialised there) into freshly mapped memory, and every page of each copy — and of each new
 * batch buffer — faults on first touch. On a VM that was over a quarter of the log worker's time
 * and a share of the request thread's. A SharedArrayBuffer crosses to the worker as a reference,
 * and a buffer the writer hands back with `release` once its batch is stored takes the next batch,
 * so at a steady load no memory is mapped, copied or faulted in for the log at all.
 */

/**
 * Records of one batch: JSON lines, each ended by `\n` (JSON.stringify never emits a raw newline).
 * `bytes` is a view of a SharedArrayBuffer: it stays valid until the batch is given back to its
 * queue with `release`, and a batch that is not (one spilled to disk) simply keeps it.
 */
export interface RecordBatch {
  readonly bytes: Uint8Array;
  readonly count: number;
}

const NEWLINE = 0x0a;
const INITIAL_CAPACITY = 64 * 1024;
/** Released buffers kept for reuse: one batch filling and one being inserted is the steady state. */
const POOLED_BUFFERS = 4;
/** A buffer grown this large (a batch of huge captured payloads) is let go rather than kept. */
const MAX_POOLED_BYTES = 8 * 1024 * 1024;

interface OpenBatch {
  buffer: Buffer;
  used: number;
  count: number;
}

export class SerializedRecordQueue {
  readonly #batchSize: number;
  /** Oldest first; only the last may still take records. */
  readonly #batches: OpenBatch[] = [];
  #count = 0;
  /**
   * What the last batch to close took (filled, or taken early by a flush): a new batch starts that
   * large, so it rarely has to grow, and flushes of a few dozen records do not each take a buffer
   * sized for a full batch (off-heap memory that V8 counts towards its next full collection).
   */
  #nextBatchBytes = INITIAL_CAPACITY;
  /** Buffers of stored batches, for new batches to reuse. */
  readonly #free: Buffer[] = [];

  constructor(batchSize: number) {
    this.#batchSize = Math.max(1, batchSize);
  }

  /** Records queued. */
  get length(): number {
    return this.#count;
  }

  push(line: string): void {
    // An upper bound (UTF-8 takes at most 3 bytes per UTF-16 unit) instead of measuring the
    // string, which would be a second pass over it.
    const size = line.length * 3 + 1;
    let last = this.#batches.at(-1);
    if (last === undefined || last.count >= this.#batchSize) {
      if (last !== undefined) this.#nextBatchBytes = bytesFor(last);
      last = { buffer: this.#take(Math.max(this.#nextBatchBytes, size)), used: 0, count: 0 };
      this.#batches.push(last);
    } else if (last.used + size > last.buffer.length) {
      // Grow by doubling: a batch's bytes stay contiguous, so it leaves as one block.
      const grown = this.#take(Math.max(last.buffer.length * 2, last.used + size));
      last.buffer.copy(grown, 0, 0, last.used);
      this.#give(last.buffer);
      last.buffer = grown;
    }
    last.used += last.buffer.write(line, last.used, 'utf8');
    last.buffer[last.used] = NEWLINE;
    last.used += 1;
    last.count += 1;
    this.#count += 1;
  }

  /** The oldest batch (at most `batchSize` records), removed from the queue; undefined when empty. */
  shift(): RecordBatch | undefined {
    const batch = this.#batches.shift();
    if (batch === undefined) return undefined;
    if (this.#batches.length === 0) this.#nextBatchBytes = bytesFor(batch);
    this.#count -= batch.count;
    return { bytes: batch.buffer.subarray(0, batch.used), count: batch.count };
  }

  /**
   * Gives a taken batch's buffer back for reuse, once nothing reads its bytes any more (the store
   * has answered the insert). Its bytes must not be used after this.
   */
  release(batch: RecordBatch): void {
    const { buffer, byteOffset } = batch.bytes;
    if (byteOffset !== 0 || !(buffer instanceof SharedArrayBuffer)) return;
    this.#give(Buffer.from(buffer));
  }

  #take(minimum: number): Buffer {
    const index = this.#free.findIndex((buffer) => buffer.length >= minimum);
    if (index >= 0) return this.#free.splice(index, 1)[0]!;
    return Buffer.from(new SharedArrayBuffer(minimum));
  }

  #give(buffer: Buffer): void {
    if (buffer.length > MAX_POOLED_BYTES || this.#free.length >= POOLED_BUFFERS) return;
    if (!this.#free.some((free) => free.buffer === buffer.buffer)) this.#free.push(buffer);
  }

  /** Every batch, oldest first, removed from the queue. */
  drain(): RecordBatch[] {
    const batches: RecordBatch[] = [];
    for (let batch = this.shift(); batch !== undefined; batch = this.shift()) batches.push(batch);
    return batches;
  }
}

/** A batch's records as JSON strings, for stores that take strings or objects. */
export function batchLines(batch: RecordBatch): string[] {
  const text = Buffer.from(batch.bytes.buffer, batch.bytes.byteOffset, batch.bytes.byteLength).toString('utf8');
  const lines = text.split('\n');
  lines.pop();
  return lines;
}

function bytesFor(batch: OpenBatch): number {
  return Math.max(INITIAL_CAPACITY, batch.used + (batch.used >> 3));
}
