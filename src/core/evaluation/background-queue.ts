/** Counts of a background queue, for metrics and the admin API. */
export interface BackgroundQueueStats {
  queued: number;
  running: number;
  /** Jobs refused because the queue was full (the request was answered regardless). */
  dropped: number;
  completed: number;
  failed: number;
}

/**
 * A bounded queue of background jobs (judge calls, shadow runs) with a concurrency cap. `offer`
 * never waits and never throws: a full queue drops the job and counts it, so evaluation can fall
 * behind but can never hold up or fail a client's request. Jobs start on a later turn of the event
 * loop, after the response that sampled them.
 */
export class BackgroundQueue {
  readonly #waiting: Array<() => Promise<void>> = [];
  readonly #stats: BackgroundQueueStats = { queued: 0, running: 0, dropped: 0, completed: 0, failed: 0 };
  readonly #idle: Array<() => void> = [];
  #closed = false;

  constructor(
    private readonly options: { concurrency: number; maxQueued: number; onError?: (error: unknown) => void },
  ) {}

  /** Queues a job; false when it was dropped (queue full or closed). */
  offer(job: () => Promise<void>): boolean {
    if (this.#closed || this.#waiting.length >= this.options.maxQueued) {
      this.#stats.dropped += 1;
      return false;
    }
    this.#waiting.push(job);
    this.#stats.queued = this.#waiting.length;
    setImmediate(() => this.#pump());
    return true;
  }

  stats(): BackgroundQueueStats {
    return { ...this.#stats };
  }

  /** Resolves when nothing is queued or running (tests, shutdown). */
  idle(): Promise<void> {
    if (this.#waiting.length === 0 && this.#stats.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Refuses new jobs, drops the queued ones, and waits for the running ones. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stats.dropped += this.#waiting.length;
    this.#waiting.length = 0;
    this.#stats.queued = 0;
    await this.idle();
  }

  #pump(): void {
    while (this.#stats.running < this.options.concurrency && this.#waiting.length > 0) {
      const job = this.#waiting.shift()!;
      this.#stats.queued = this.#waiting.length;
      this.#stats.running += 1;
      Promise.resolve()
        .then(job)
        .then(
          () => {
            this.#stats.completed += 1;
          },
          (error: unknown) => {
            this.#stats.failed += 1;
            this.options.onError?.(error);
          },
        )
        .finally(() => {
          this.#stats.running -= 1;
          this.#pump();
          if (this.#waiting.length === 0 && this.#stats.running === 0) for (const resolve of this.#idle.splice(0)) resolve();
        });
    }
  }
}
