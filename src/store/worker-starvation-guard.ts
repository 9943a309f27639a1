/**
 * Keeps an idle-priority worker (SCHED_IDLE) from starving on a core that request handling keeps
 * busy. Such a worker runs only when the request thread leaves the core free, so a request that
 * arrives mid-insert takes the core at once; but when requests leave too little free time (a
 * saturated core — at one connection too, where the next request follows each answer), the worker
 * falls behind and the request log would spill to disk.
 *
 * So the guard watches for the worker being behind — a backlog of records waiting for it above
 * `backlogHigh` (until it is back to `backlogLow`), or a call that has made no progress for
 * `stuckMs` (a query, say) — and while it is, every `tickMs` the request thread sleeps up to
 * `yieldMs`, waking early when the worker answers. Short sleeps are the point: a request arriving
 * during one waits at most that long, which keeps the one-connection tail short, while 0.5 ms every
 * 4 ms (12.5% of the core) covers what the log needs at one connection (~45 µs per request). A
 * backlog that still grows lengthens the sleep, up to `maxYieldMs` at four times `backlogHigh`, so
 * a core kept saturated by many connections gives the worker a share much like a nice-10 thread.
 */
export interface WorkerStarvationGuardOptions {
  /** How long a call may wait without progress before the worker counts as behind. Default 1000 ms. */
  stuckMs?: number;
  /** How often the request thread checks while calls are outstanding. Default 4 ms. */
  tickMs?: number;
  /** The shortest yield, given at `backlogHigh` (and to a stuck call). Default 0.5 ms. */
  yieldMs?: number;
  /** The longest yield, given at four times `backlogHigh` and beyond. Default 2 ms. */
  maxYieldMs?: number;
  /** A backlog above this counts as behind. Default 1000 records. */
  backlogHigh?: number;
  /** Once behind, the worker is caught up at this backlog or below. Default 500 records. */
  backlogLow?: number;
  /**
   * A cell the worker bumps and notifies as it answers each call: a yield waits on it, so it ends
   * as soon as the worker has finished (there is nothing more to give it until the next call).
   */
  progressCell?: Int32Array;
  now?: () => number;
  /** Blocks the calling thread up to `ms` (default: Atomics.wait on the progress cell, which Node allows on the main thread). */
  sleep?: (ms: number) => void;
}

export class WorkerStarvationGuard {
  readonly #stuckMs: number;
  readonly #tickMs: number;
  readonly #yieldMs: number;
  readonly #maxYieldMs: number;
  #backlogHigh: number;
  #backlogLow: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => void;
  #outstanding = 0;
  /** When the worker last made progress (a call began with none outstanding, or one finished). */
  #progressAt = 0;
  #behindOnBacklog = false;
  #backlog: () => number = () => 0;
  #timer: NodeJS.Timeout | undefined;
  /** Yields so far: how often the request thread gave the worker its core. */
  yields = 0;

  constructor(options: WorkerStarvationGuardOptions = {}) {
    this.#stuckMs = options.stuckMs ?? 1000;
    this.#tickMs = options.tickMs ?? 4;
    this.#yieldMs = options.yieldMs ?? 0.5;
    this.#maxYieldMs = Math.max(this.#yieldMs, options.maxYieldMs ?? 2);
    this.#backlogHigh = options.backlogHigh ?? 1000;
    this.#backlogLow = Math.min(this.#backlogHigh, options.backlogLow ?? 500);
    this.#now = options.now ?? (() => performance.now());
    const cell = options.progressCell ?? new Int32Array(new SharedArrayBuffer(4));
    this.#sleep = options.sleep ?? ((ms) => void Atomics.wait(cell, 0, Atomics.load(cell, 0), ms));
  }

  /**
   * Where the records waiting for the worker are counted (the request-log writer's queue, which
   * the store behind this worker cannot see), and optionally the marks to judge it by (the writer
   * passes two batches and one: a backlog of a batch or two is normal there, whatever the batch
   * size). Without it only a stuck call counts as behind.
   */
  watchBacklog(backlog: () => number, marks?: { high: number; low: number }): void {
    this.#backlog = backlog;
    if (marks !== undefined) {
      this.#backlogHigh = Math.max(1, marks.high);
      this.#backlogLow = Math.min(this.#backlogHigh, marks.low);
    }
  }

  /** A call to the worker was sent. */
  begin(): void {
    if (this.#outstanding++ > 0) return;
    this.#progressAt = this.#now();
    this.#timer = setInterval(() => this.check(), this.#tickMs);
    this.#timer.unref();
  }

  /** A call to the worker was answered (or failed). */
  end(): void {
    if (this.#outstanding === 0) return;
    this.#outstanding -= 1;
    this.#progressAt = this.#now();
    if (this.#outstanding === 0) this.stop();
  }

  /** Yields once if the worker is behind; the timer calls it while calls are outstanding. */
  check(): void {
    if (this.#outstanding === 0) return;
    const backlog = this.#backlog();
    if (backlog > this.#backlogHigh) this.#behindOnBacklog = true;
    else if (backlog <= this.#backlogLow) this.#behindOnBacklog = false;
    const stuck = this.#now() - this.#progressAt > this.#stuckMs;
    if (!this.#behindOnBacklog && !stuck) return;
    this.yields += 1;
    this.#sleep(this.#yieldFor(backlog));
  }

  /** 0.5 ms at the high mark (or below it), growing linearly to the maximum at four times it. */
  #yieldFor(backlog: number): number {
    const over = Math.max(0, backlog - this.#backlogHigh) / (3 * this.#backlogHigh);
    return Math.min(this.#maxYieldMs, this.#yieldMs + over * (this.#maxYieldMs - this.#yieldMs));
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
