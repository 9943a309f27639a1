import { parseRateLimitHeaders, type HeaderSource, type RateLimitSnapshot } from './rate-limit-headers.js';
import type { LatencyHistory } from './hedge-policy.js';
import { SampleWindow } from './sample-window.js';
import { merged } from '../../spec/merged.js';

/**
 * What the gateway has observed about one deployment at run time: load (outstanding requests),
 * speed (latency and time-to-first-token EWMAs, recent latency quantiles), and whether it asked
 * us to back off (a 429's cooldown, or rate-limit headers saying the quota is nearly spent).
 * Times are passed in, so it has no clock of its own.
 */
export interface DeploymentHealthOptions {
  /** Weight of the newest latency sample in the EWMA (0..1]; higher reacts faster. */
  latencyAlpha: number;
  /** Same for time to first token. */
  timeToFirstTokenAlpha: number;
  /** How many recent latencies (and times to first token) the quantile estimates look at. */
  latencySampleSize: number;
  /**
   * Where the upstream reports a limit, remaining below this fraction of it counts as saturated:
   * the next few requests would likely be refused, so steer away before the 429.
   */
  saturationFraction: number;
  /** Cooldown after a 429 that carried no Retry-After. */
  defaultCooldownMs: number;
  /** Saturation lasts this long when the headers give no reset time. */
  defaultSaturationMs: number;
  /** Upper bound on any cooldown or saturation, so one odd header cannot sideline a deployment for long. */
  maxBackoffMs: number;
}

export const DEFAULT_DEPLOYMENT_HEALTH_OPTIONS: Readonly<DeploymentHealthOptions> = Object.freeze({
  latencyAlpha: 0.2,
  timeToFirstTokenAlpha: 0.2,
  latencySampleSize: 100,
  saturationFraction: 0.02,
  defaultCooldownMs: 1_000,
  defaultSaturationMs: 1_000,
  maxBackoffMs: 60_000,
});

export interface DeploymentHealthStats {
  outstanding: number;
  latencyEwmaMs: number | undefined;
  timeToFirstTokenEwmaMs: number | undefined;
  latencySamples: number;
  latencyP50Ms: number | undefined;
  latencyP95Ms: number | undefined;
  cooldownUntil: number | undefined;
  saturatedUntil: number | undefined;
  rateLimits: RateLimitSnapshot;
  available: boolean;
}

export class DeploymentHealth {
  private readonly options: DeploymentHealthOptions;
  private outstandingCount = 0;
  private latencyEwma: number | undefined;
  private timeToFirstTokenEwma: number | undefined;
  private readonly latencies: SampleWindow;
  private readonly timesToFirstToken: SampleWindow;
  private cooldownUntil: number | undefined;
  private saturatedUntil: number | undefined;
  private rateLimits: RateLimitSnapshot = {};

  constructor(options: Partial<DeploymentHealthOptions> = {}) {
    this.options = merged(DEFAULT_DEPLOYMENT_HEALTH_OPTIONS, options);
    this.latencies = new SampleWindow(this.options.latencySampleSize);
    this.timesToFirstToken = new SampleWindow(this.options.latencySampleSize);
  }

  get outstanding(): number {
    return this.outstandingCount;
  }

  /** A request to this deployment began. Pair every call with `finishRequest`. */
  startRequest(): void {
    this.outstandingCount += 1;
  }

  finishRequest(): void {
    this.outstandingCount = Math.max(0, this.outstandingCount - 1);
  }

  get latencyEwmaMs(): number | undefined {
    return this.latencyEwma;
  }

  get timeToFirstTokenEwmaMs(): number | undefined {
    return this.timeToFirstTokenEwma;
  }

  /** Latency samples held for quantiles (at most `latencySampleSize`). */
  get latencySamples(): number {
    return this.latencies.count;
  }

  get timeToFirstTokenSamples(): number {
    return this.timesToFirstToken.count;
  }

  /** Records the duration of a successful attempt. Failed attempts should not be fed: a fast error is not a fast deployment. */
  recordLatency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.latencyEwma = ewma(this.latencyEwma, ms, this.options.latencyAlpha);
    this.latencies.add(ms);
  }

  /** Latency history for `hedgeDelayMs`: total latency for non-streaming calls, time to first token for streams. */
  latencyHistory(kind: 'latency' | 'time-to-first-token'): LatencyHistory {
    const window = kind === 'latency' ? this.latencies : this.timesToFirstToken;
    return { samples: window.count, quantile: (q) => window.quantile(q) };
  }

  recordTimeToFirstToken(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.timeToFirstTokenEwma = ewma(this.timeToFirstTokenEwma, ms, this.options.timeToFirstTokenAlpha);
    this.timesToFirstToken.add(ms);
  }

  /**
   * The q-quantile (0..1) of the recent latencies, linearly interpolated between ranks;
   * undefined before any sample. `quantile(0.95)` is the usual hedging threshold.
   */
  quantile(q: number): number | undefined {
    return this.latencies.quantile(q);
  }

  /** The q-quantile of recent times to first token: the hedging threshold for streams. */
  timeToFirstTokenQuantile(q: number): number | undefined {
    return this.timesToFirstToken.quantile(q);
  }

  /** The upstream throttled us: stay away for its Retry-After (or the default), keeping any longer cooldown already set. */
  recordRateLimit(retryAfterMs: number | undefined, now: number): void {
    const delay = Math.min(retryAfterMs ?? this.options.defaultCooldownMs, this.options.maxBackoffMs);
    this.cooldownUntil = Math.max(this.cooldownUntil ?? 0, now + delay);
  }

  /**
   * Learns the upstream's rate-limit state from a response's headers (successful or not). The
   * newest response wins: if it shows capacity again, saturation is lifted even before the reset
   * time. Headers without rate-limit information change nothing.
   */
  learnFromHeaders(headers: HeaderSource, now: number): void {
    const snapshot = parseRateLimitHeaders(headers, now);
    const windows = Object.values(snapshot);
    if (windows.length === 0) return;
    this.rateLimits = snapshot;
    let until: number | undefined;
    for (const window of windows) {
      const nearlySpent =
        window.remaining <= 0 ||
        (window.limit !== undefined && window.limit > 0 && window.remaining < window.limit * this.options.saturationFraction);
      if (!nearlySpent) continue;
      const resetAt = Math.min(window.resetAt ?? now + this.options.defaultSaturationMs, now + this.options.maxBackoffMs);
      until = Math.max(until ?? 0, resetAt);
    }
    this.saturatedUntil = until;
  }

  /** The latest rate-limit windows learnt from headers. */
  get learntRateLimits(): RateLimitSnapshot {
    return this.rateLimits;
  }

  isCoolingDown(now: number): boolean {
    return this.cooldownUntil !== undefined && now < this.cooldownUntil;
  }

  isSaturated(now: number): boolean {
    return this.saturatedUntil !== undefined && now < this.saturatedUntil;
  }

  /** Neither cooling down after a 429 nor saturated by its rate limits. The breaker is checked separately. */
  isAvailable(now: number): boolean {
    return !this.isCoolingDown(now) && !this.isSaturated(now);
  }

  stats(now: number): DeploymentHealthStats {
    return {
      outstanding: this.outstandingCount,
      latencyEwmaMs: this.latencyEwma,
      timeToFirstTokenEwmaMs: this.timeToFirstTokenEwma,
      latencySamples: this.latencies.count,
      latencyP50Ms: this.quantile(0.5),
      latencyP95Ms: this.quantile(0.95),
      cooldownUntil: this.isCoolingDown(now) ? this.cooldownUntil : undefined,
      saturatedUntil: this.isSaturated(now) ? this.saturatedUntil : undefined,
      rateLimits: this.rateLimits,
      available: this.isAvailable(now),
    };
  }
}

function ewma(previous: number | undefined, sample: number, alpha: number): number {
  return previous === undefined ? sample : alpha * sample + (1 - alpha) * previous;
}
