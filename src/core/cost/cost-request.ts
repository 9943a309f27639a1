import type { AttemptRecord } from '../../spec/errors.js';
import type { Usage } from '../../spec/usage.js';
import { computeCost, usageHasTokens, type CostBreakdown } from './compute-cost.js';
import { referenceCost } from './reference-cost.js';
import type { ProviderType } from './resolve-pricing.js';
import type { ResolvedPricing } from './resolved-pricing.js';

/** How a deployment is priced, looked up by deployment id. */
export interface DeploymentPricingLookup {
  providerType: ProviderType;
  /** Undefined when the deployment has no price (its tokens cannot be costed). */
  pricing: ResolvedPricing | undefined;
}

export interface CostRequestInput {
  /** Every attempt of the request, in start order, as the pipeline records them. */
  attempts: readonly AttemptRecord[];
  /** Pricing of a deployment; undefined for an unknown deployment. */
  pricingOf: (deploymentId: string) => DeploymentPricingLookup | undefined;
  /** The workload's reference model pricing, when it has one. */
  referencePricing?: ResolvedPricing;
}

export interface AttemptCost {
  /** Position in the request's attempts list. */
  index: number;
  deployment: string;
  code: string;
  retry?: number;
  hedge?: boolean;
  usage?: Usage;
  /** Undefined when the attempt used tokens on an unpriced deployment. 0 when it used none. */
  costUsd: number | undefined;
  breakdown?: CostBreakdown;
}

export interface RequestCost {
  /**
   * Every attempt that consumed tokens, including retries and hedges that answered partially or
   * lost the race. Undefined when one of them cannot be priced: a partial sum would understate.
   */
  costUsd: number | undefined;
  /** The answer's tokens at the reference model's prices. */
  referenceCostUsd: number | undefined;
  perAttempt: AttemptCost[];
  /** Attempts that used tokens on an unpriced deployment. */
  uncostedAttempts: number;
}

/**
 * Costs one request. Each attempt is charged once for the tokens it reports: a retried or hedged
 * request pays for every attempt that consumed tokens, because the provider bills them all. An
 * attempt record present twice in the list (the same object, e.g. merged from an error's
 * `attempts`) is charged once.
 *
 * The reference cost counts only the answer the client got (the last `ok` attempt that was not a
 * cascade check): the reference model would have answered the request once, so retries, hedges,
 * cascade tiers and checks show up as overhead in the savings.
 */
export function costRequest(input: CostRequestInput): RequestCost {
  const seen = new Set<AttemptRecord>();
  const perAttempt: AttemptCost[] = [];
  let total = 0;
  let uncostedAttempts = 0;
  let referenceCostUsd: number | undefined;
  const answer = input.attempts.findLast((attempt) => attempt.code === 'ok' && attempt.purpose !== 'check');
  input.attempts.forEach((attempt, index) => {
    if (seen.has(attempt)) return;
    seen.add(attempt);
    const entry: AttemptCost = {
      index,
      deployment: attempt.deployment,
      code: attempt.code,
      ...(attempt.retry === undefined ? {} : { retry: attempt.retry }),
      ...(attempt.hedge ? { hedge: true } : {}),
      ...(attempt.usage ? { usage: attempt.usage } : {}),
      costUsd: 0,
    };
    perAttempt.push(entry);
    if (!usageHasTokens(attempt.usage)) return;
    const lookup = input.pricingOf(attempt.deployment);
    if (lookup?.pricing) {
      entry.breakdown = computeCost(attempt.usage, lookup.pricing, lookup.providerType);
      entry.costUsd = entry.breakdown.totalUsd;
      total += entry.costUsd;
    } else {
      entry.costUsd = undefined;
      uncostedAttempts += 1;
    }
    if (attempt === answer && input.referencePricing) {
      referenceCostUsd = referenceCost(attempt.usage, input.referencePricing).totalUsd;
    }
  });
  return { costUsd: uncostedAttempts > 0 ? undefined : total, referenceCostUsd, perAttempt, uncostedAttempts };
}
