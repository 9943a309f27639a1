import type { RandomSource } from './clock.js';

/**
 * Orders the deployments of one logical model for a request: the first is tried first, the rest
 * are the order of in-model failover.
 *
 * - `ordered`: config order (primary/secondary setups).
 * - `weighted`: a weighted random permutation, so deployment i leads with probability w_i / Σw.
 * - `power-of-two-choices` (the default): draw two deployments by weight and lead with the one
 *   with fewer outstanding requests; the rest follow in weighted order. When load is even, as at
 *   low traffic, this is exactly `weighted`; under load it steers away from a deployment that is
 *   queueing (LLM calls vary from 100 ms to minutes, so equal shares by count are not equal load),
 *   with the herd-avoiding property of two random choices rather than "everyone picks the least
 *   loaded" (Mitzenmacher 2001; Envoy's LEAST_REQUEST).
 * - `least-outstanding`: fewest requests in flight, ties to the larger weight, then config order.
 * - `latency`: lowest latency EWMA; deployments never measured go first so they get measured, and
 *   with a small probability a slower one is tried first so a recovered deployment is noticed.
 *
 * Weight 0 means "backup only": such deployments follow all weighted ones (in config order), and
 * are never drawn by `weighted`/`power-of-two-choices` ahead of them. Deployments that are
 * unavailable (breaker open with no probe slot, cooling down after a 429, or saturated by their
 * rate limits) are ordered last by the same strategy, not dropped: when every deployment is
 * unavailable it is better to try one than to fail without asking.
 */
export const LOAD_BALANCING_STRATEGIES = ['power-of-two-choices', 'weighted', 'ordered', 'least-outstanding', 'latency'] as const;

export type LoadBalancingStrategy = (typeof LOAD_BALANCING_STRATEGIES)[number];

export const DEFAULT_LOAD_BALANCING_STRATEGY: LoadBalancingStrategy = 'power-of-two-choices';

/** A deployment of the model being routed; callers keep their own fields, which come back untouched. */
export interface LoadBalancingCandidate {
  readonly id: string;
  /** Relative share of traffic, ≥ 0 (use 1 when the config sets none). */
  readonly weight: number;
}

/** What the balancer needs to know about each deployment at run time; `HealthRegistry` provides it. */
export interface LoadSignals {
  isAvailable(id: string, now: number): boolean;
  outstanding(id: string): number;
  latencyEwmaMs(id: string): number | undefined;
}

export interface OrderDeploymentsOptions {
  /** For `latency`: probability of leading with a random slower deployment (default 0.05). */
  explorationRate?: number;
}

const DEFAULT_EXPLORATION_RATE = 0.05;

export function orderDeployments<Candidate extends LoadBalancingCandidate>(
  candidates: readonly Candidate[],
  strategy: LoadBalancingStrategy,
  signals: LoadSignals,
  now: number,
  random: RandomSource,
  options: OrderDeploymentsOptions = {},
): Candidate[] {
  const available: Candidate[] = [];
  const unavailable: Candidate[] = [];
  for (const candidate of candidates) (signals.isAvailable(candidate.id, now) ? available : unavailable).push(candidate);
  const order = (group: Candidate[]): Candidate[] => orderGroup(group, strategy, signals, random, options);
  return [...order(available), ...order(unavailable)];
}

function orderGroup<Candidate extends LoadBalancingCandidate>(
  group: Candidate[],
  strategy: LoadBalancingStrategy,
  signals: LoadSignals,
  random: RandomSource,
  options: OrderDeploymentsOptions,
): Candidate[] {
  if (group.length < 2) return [...group];
  switch (strategy) {
    case 'ordered':
      return [...group];
    case 'weighted':
      return weightedShuffle(group, random);
    case 'power-of-two-choices':
      return powerOfTwoChoices(group, signals, random);
    case 'least-outstanding':
      return stableSort(group, (left, right) => signals.outstanding(left.id) - signals.outstanding(right.id) || weightOf(right) - weightOf(left));
    case 'latency':
      return byLatency(group, signals, random, options.explorationRate ?? DEFAULT_EXPLORATION_RATE);
    default: {
      const unknown: never = strategy;
      throw new Error(`unknown load-balancing strategy ${String(unknown)}`);
    }
  }
}

/**
 * Weighted sampling without replacement: each draw picks among the remaining positive-weight
 * candidates with probability proportional to weight. Zero weights follow in config order.
 */
export function weightedShuffle<Candidate extends LoadBalancingCandidate>(group: readonly Candidate[], random: RandomSource): Candidate[] {
  const weighted = group.filter((candidate) => weightOf(candidate) > 0);
  const backups = group.filter((candidate) => weightOf(candidate) === 0);
  const result: Candidate[] = [];
  let total = weighted.reduce((sum, candidate) => sum + weightOf(candidate), 0);
  while (weighted.length > 0) {
    let target = unit(random()) * total;
    let index = 0;
    // Stop at the last one too, so floating-point rounding can never run past the end.
    while (index < weighted.length - 1 && target >= weightOf(weighted[index]!)) {
      target -= weightOf(weighted[index]!);
      index += 1;
    }
    const [chosen] = weighted.splice(index, 1);
    total -= weightOf(chosen!);
    result.push(chosen!);
  }
  return [...result, ...backups];
}

function powerOfTwoChoices<Candidate extends LoadBalancingCandidate>(group: Candidate[], signals: LoadSignals, random: RandomSource): Candidate[] {
  const order = weightedShuffle(group, random);
  const [first, second] = order;
  // Ties keep the first draw, which keeps the split exactly weighted while load is even.
  if (first && second && weightOf(second) > 0 && signals.outstanding(second.id) < signals.outstanding(first.id)) {
    order[0] = second;
    order[1] = first;
  }
  return order;
}

function byLatency<Candidate extends LoadBalancingCandidate>(
  group: Candidate[],
  signals: LoadSignals,
  random: RandomSource,
  explorationRate: number,
): Candidate[] {
  // A never-measured deployment with a request already in flight is waiting for its first
  // sample; sending it the whole startup burst as well would defeat the measuring.
  const unmeasuredIdle = group.filter((candidate) => signals.latencyEwmaMs(candidate.id) === undefined && signals.outstanding(candidate.id) === 0);
  const unmeasuredBusy = group.filter((candidate) => signals.latencyEwmaMs(candidate.id) === undefined && signals.outstanding(candidate.id) > 0);
  const measured = stableSort(
    group.filter((candidate) => signals.latencyEwmaMs(candidate.id) !== undefined),
    (left, right) => signals.latencyEwmaMs(left.id)! - signals.latencyEwmaMs(right.id)!,
  );
  if (unmeasuredIdle.length === 0 && measured.length > 1 && unit(random()) < explorationRate) {
    const index = 1 + Math.floor(unit(random()) * (measured.length - 1));
    const [explored] = measured.splice(index, 1);
    measured.unshift(explored!);
  }
  return [...unmeasuredIdle, ...measured, ...unmeasuredBusy];
}

/** Ties keep config order: Array.prototype.sort is stable since ES2019. */
function stableSort<Candidate>(group: readonly Candidate[], compare: (left: Candidate, right: Candidate) => number): Candidate[] {
  return [...group].sort(compare);
}

/** Negative, NaN or infinite weights are configuration mistakes the schema rejects; treat them as 0 here. */
function weightOf(candidate: LoadBalancingCandidate): number {
  return Number.isFinite(candidate.weight) && candidate.weight > 0 ? candidate.weight : 0;
}

function unit(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.min(value, 1 - Number.EPSILON) : 0;
}
