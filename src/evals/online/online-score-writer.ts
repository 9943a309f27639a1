import type { EvaluationStore, OnlineScore } from '../../core/evaluation/evaluation-records.js';

export interface OnlineScoreWriterOptions {
  store: Pick<EvaluationStore, 'recordOnlineScores'>;
  /** Written at least this often (default 1 s). */
  flushIntervalMs?: number;
  /** …or as soon as this many are waiting (default 100). */
  batchSize?: number;
  /** Beyond this many waiting (the store is down), the oldest are dropped (default 10,000). */
  maxPending?: number;
  onError?: (error: unknown) => void;
}

/**
 * Batches judge scores into the evaluation store, off the request path. A failed write is
 * reported and its batch dropped (scores are a sample; the request log is the record), so a store
 * outage neither throws into the judge jobs nor grows memory without bound.
 */
export class OnlineScoreWriter {
  #pending: OnlineScore[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #dropped = 0;
  readonly #flushIntervalMs: number;
  readonly #batchSize: number;
  readonly #maxPending: number;

  constructor(private readonly options: OnlineScoreWriterOptions) {
    this.#flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.#batchSize = options.batchSize ?? 100;
    this.#maxPending = options.maxPending ?? 10_000;
  }

  add(score: OnlineScore): void {
    this.#pending.push(score);
    if (this.#pending.length > this.#maxPending) {
      this.#dropped += this.#pending.length - this.#maxPending;
      this.#pending.splice(0, this.#pending.length - this.#maxPending);
    }
    if (this.#pending.length >= this.#batchSize) void this.flush();
    else if (!this.#timer) {
      this.#timer = setTimeout(() => void this.flush(), this.#flushIntervalMs);
      this.#timer.unref();
    }
  }

  /** Scores dropped because the store could not keep up. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Writes everything waiting now; resolves once it is stored (or the failure reported). Never rejects. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0) return this.#writing;
    const batch = this.#pending;
    this.#pending = [];
    // One write at a time, in order.
    this.#writing = this.#writing.then(async () => {
      try {
        await this.options.store.recordOnlineScores(batch);
      } catch (error) {
        this.#dropped += batch.length;
        try {
          this.options.onError?.(error);
        } catch {
          // A failing error handler must not turn into an unhandled rejection.
        }
      }
    });
    return this.#writing;
  }
}
