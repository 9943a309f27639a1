import type { Clock } from './clock.js';
import { RollingWindow } from './rolling-window.js';
import { merged } from '../../spec/merged.js';

/**
 * Caps retries at a fraction of recent traffic, so an upstream outage cannot turn every client
 * request into several upstream requests (a retry storm). Modelled on Finagle's RetryBudget:
 * over the window, retries ≤ ratio × requests + minRetriesPerSecond × window seconds; the floor
 * lets a quiet workload still retry its occasional failure.
 * @see https://twitter.github.io/finagle/guide/Clients.html#retries
 * @see https://www.envoyproxy.io/docs/envoy/latest/api-v3/config/cluster/v3/circuit_breaker.proto (retry_budget)
 */
export interface RetryBudgetOptions {
  /** Retries allowed per original request over the window (0.2 = 20 % extra load at most). */
  ratio: number;
  /** Retries always allowed per second of window, whatever the traffic. */
  minRetriesPerSecond: number;
  /** Length of the sliding window. */
  windowMs: number;
  /** Granularity of the window; it slides in steps of this size. */
  bucketMs: number;
}

export const DEFAULT_RETRY_BUDGET_OPTIONS: Readonly<RetryBudgetOptions> = Object.freeze({
  ratio: 0.2,
  minRetriesPerSecond: 5,
  windowMs: 10_000,
  bucketMs: 1_000,
});

export interface RetryBudgetStats {
  /** Original requests recorded in the window. */
  requests: number;
  /** Retries granted in the window. */
  retries: number;
  /** Retries refused in the window because the budget was spent. */
  rejected: number;
  /** Retries that would be granted right now. */
  available: number;
}

type Field = 'requests' | 'retries' | 'rejected';

/** Absorbs floating-point error in ratio × requests (0.1 × 3 = 0.30000000000000004). */
const EPSILON = 1e-9;

export class RetryBudget {
  private readonly options: RetryBudgetOptions;
  private readonly clock: Clock;
  private readonly window: RollingWindow<Field>;

  constructor(options: Partial<RetryBudgetOptions> = {}, clock: Clock = Date.now) {
    this.options = merged(DEFAULT_RETRY_BUDGET_OPTIONS, options);
    this.clock = clock;
    this.window = new RollingWindow<Field>(['requests', 'retries', 'rejected'], {
      windowMs: this.options.windowMs,
      bucketMs: Math.min(this.options.bucketMs, this.options.windowMs),
    });
  }

  /** Call once per client request (not per retry, fallback or hedge): it deposits `ratio` retries. */
  recordRequest(): void {
    this.window.add('requests', this.clock());
  }

  /** Call before every retry (and hedge); a `false` means: do not retry, fall back or fail instead. */
  tryAcquireRetry(): boolean {
    const now = this.clock();
    if (this.available(now) >= 1 - EPSILON) {
      this.window.add('retries', now);
      return true;
    }
    this.window.add('rejected', now);
    return false;
  }

  stats(): RetryBudgetStats {
    const now = this.clock();
    return {
      requests: this.window.sum('requests', now),
      retries: this.window.sum('retries', now),
      rejected: this.window.sum('rejected', now),
      available: Math.floor(this.available(now) + EPSILON),
    };
  }

  private available(now: number): number {
    const floor = this.options.minRetriesPerSecond * (this.window.windowMs / 1000);
    const earned = this.options.ratio * this.window.sum('requests', now);
    return Math.max(0, floor + earned - this.window.sum('retries', now));
  }
}
