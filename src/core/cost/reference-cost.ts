import { z } from 'zod';
import type { Usage } from '../../spec/usage.js';
import { priceTokens, splitPromptTokens, type CostBreakdown } from './compute-cost.js';
import { resolveDeploymentPricing, type DeploymentCostInput, type PricingOptions } from './resolve-pricing.js';
import type { ResolvedPricing } from './resolved-pricing.js';

/**
 * The counterfactual: what a request would have cost on the workload's reference frontier model
 * (`workloads.<name>.reference_model`), to report what routing to cheaper models saved.
 */

/** The logical model a workload's costs are compared with. */
export const referenceModelSchema = z.string().min(1);

/** Mount in the workload schema: `...workloadCostFields`. */
export const workloadCostFields = { reference_model: referenceModelSchema.optional() };

/**
 * The cost of the same tokens at the reference model's prices. The reference is assumed to have
 * hit its prompt cache as often as the real request did (so savings are not inflated by
 * charging it full price for tokens it too would have cached), while cache writes are billed as
 * plain input: only some providers charge for them, and that premium is ours, not the reference's.
 */
export function referenceCost(usage: Usage, referencePricing: ResolvedPricing): CostBreakdown {
  const split = splitPromptTokens(usage, 'openai');
  const asReference = { uncached: split.uncached + split.cacheWrite5m + split.cacheWrite1h, cacheRead: split.cacheRead, cacheWrite5m: 0, cacheWrite1h: 0 };
  const promptTokens = asReference.uncached + asReference.cacheRead;
  const long = referencePricing.longContext;
  const rates = long && promptTokens > long.aboveInputTokens ? long : referencePricing;
  return priceTokens(asReference, Math.max(0, usage.outputTokens ?? 0), rates);
}

/** Reference minus actual; negative when the request cost more than the reference would have. */
export function savingsUsd(referenceCostUsd: number | undefined, costUsd: number | undefined): number | undefined {
  return referenceCostUsd === undefined || costUsd === undefined ? undefined : referenceCostUsd - costUsd;
}

/**
 * The reference model's prices: those of its first deployment that has any (the primary
 * deployment, normally). Undefined when none of them is priced.
 */
export function resolveReferencePricing(
  model: { deployments: readonly DeploymentCostInput[] } | undefined,
  options: PricingOptions = {},
): ResolvedPricing | undefined {
  for (const deployment of model?.deployments ?? []) {
    const pricing = resolveDeploymentPricing(deployment, options);
    if (pricing) return pricing;
  }
  return undefined;
}

/** One request's cost as logged; a `RequestLogRecord` fits. */
export interface CostedRequest {
  workload?: string;
  costUsd?: number;
  referenceCostUsd?: number;
}

export interface WorkloadCostSummary {
  /** The workload's name, or `(none)` for requests that named a model directly. */
  workload: string;
  requests: number;
  /** Sum over every request with a known cost. */
  costUsd: number;
  /** Requests whose cost is unknown (an unpriced deployment). */
  uncostedRequests: number;
  /** Sum of reference costs over the requests that have both costs. */
  referenceCostUsd: number;
  /** Sum of reference − actual over the same requests, so both sides cover the same traffic. */
  savingsUsd: number;
  /** Requests with both costs known: the ones the savings cover. */
  comparedRequests: number;
}

export const NO_WORKLOAD = '(none)';

/** Sums costs, reference costs and savings per workload, in order of first appearance. */
export function summariseCostsByWorkload(requests: Iterable<CostedRequest>): WorkloadCostSummary[] {
  const byWorkload = new Map<string, WorkloadCostSummary>();
  for (const request of requests) {
    const name = request.workload ?? NO_WORKLOAD;
    let summary = byWorkload.get(name);
    if (!summary) {
      summary = { workload: name, requests: 0, costUsd: 0, uncostedRequests: 0, referenceCostUsd: 0, savingsUsd: 0, comparedRequests: 0 };
      byWorkload.set(name, summary);
    }
    summary.requests += 1;
    if (request.costUsd === undefined) summary.uncostedRequests += 1;
    else summary.costUsd += request.costUsd;
    const saved = savingsUsd(request.referenceCostUsd, request.costUsd);
    if (saved !== undefined) {
      summary.referenceCostUsd += request.referenceCostUsd!;
      summary.savingsUsd += saved;
      summary.comparedRequests += 1;
    }
  }
  return [...byWorkload.values()];
}
