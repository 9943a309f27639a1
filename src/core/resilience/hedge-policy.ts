/**
 * When to send a second, "hedged" request to another deployment because the first is slower
 * than usual (Dean & Barroso, "The Tail at Scale", 2013): wait for the deployment's recent p95
 * (or a fixed delay), then race a copy. Hedges cost money, so they are off by default, need a
 * latency history to be trusted, and should take a token from the workload's RetryBudget.
 * @see https://research.google/pubs/the-tail-at-scale/
 */
export interface HedgePolicy {
  enabled: boolean;
  /** Hedge after this quantile of the deployment's recent latency, or after a fixed delay. */
  after: { quantile: number } | { fixedMs: number };
  /** With a quantile trigger, no hedging until the deployment has this many samples. */
  minSamples: number;
  /** Extra requests at most per client request. */
  maxExtra: number;
}

export const DEFAULT_HEDGE_POLICY: Readonly<HedgePolicy> = Object.freeze({
  enabled: false,
  after: Object.freeze({ quantile: 0.95 }),
  minSamples: 20,
  maxExtra: 1,
});

/** The part of DeploymentHealth that hedging reads: latencies for calls, times to first token for streams. */
export interface LatencyHistory {
  readonly samples: number;
  quantile(q: number): number | undefined;
}

/** Milliseconds to wait before hedging, or undefined when this request should not be hedged. */
export function hedgeDelayMs(policy: HedgePolicy, history: LatencyHistory): number | undefined {
  if (!policy.enabled || policy.maxExtra < 1) return undefined;
  if ('fixedMs' in policy.after) return policy.after.fixedMs;
  if (history.samples < policy.minSamples) return undefined;
  return history.quantile(policy.after.quantile);
}
