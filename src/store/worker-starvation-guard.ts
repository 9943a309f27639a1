/**
 * Keeps an idle-priority worker (SCHED_IDLE) from starving on a core that request handling keeps
 * busy. Such a worker runs only when the request thread leaves the core free, which is what makes
 * it harmless at low load; on a saturated core it gets almost nothing, the request log falls
 * behind and spills to disk (measured at 64 connections: p99 over 600 ms while it did). So while a
 * call to the worker has made no progress for `thresholdMs`, the request thread sleeps `yieldMs`
 * every `tickMs` and stops as soon as the worker answers. The threshold is well above what a batch
 * takes at low load (a few hundred milliseconds in the gaps between requests at one connection),
 * where yielding would only add latency.
 */
export interface WorkerStarvationGuardOptions {
  /** How long a call may wait before the request thread starts yielding. Default 1000 ms. */
  thresholdMs?: number;
  /** How often the request thread checks while calls are outstanding. Default 10 ms. */
  tickMs?: number;
  /** How long each yield blocks the request thread. Default 2 ms. */
  yieldMs?: number;
  now?: () => number;
  /** Blocks the calling thread (default: Atomics.wait on a private cell, which Node allows on the main thread). */
  sleep?: (ms: number) => void;
}

export class WorkerStarvationGuard {
  readonly #thresholdMs: number;
  readonly #tickMs: number;
  readonly #yieldMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => void;
  #outstanding = 0;
  /** When the worker last made progress (a call began with none outstanding, or one finished). */
  #progressAt = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Yields so far: how often the request thread gave the worker its core. */
  yields = 0;

  constructor(options: WorkerStarvationGuardOptions = {}) {
    this.#thresholdMs = options.thresholdMs ?? 1000;
    this.#tickMs = options.tickMs ?? 10;
    this.#yieldMs = options.yieldMs ?? 2;
    this.#now = options.now ?? (() => performance.now());
    const cell = new Int32Array(new SharedArrayBuffer(4));
    this.#sleep = options.sleep ?? ((ms) => void Atomics.wait(cell, 0, 0, ms));
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

  /** Yields once if the worker has been stuck past the threshold; the timer calls it. */
  check(): void {
    if (this.#outstanding > 0 && this.#now() - this.#progressAt > this.#thresholdMs) {
      this.yields += 1;
      this.#sleep(this.#yieldMs);
    }
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
