import { z } from 'zod';
import type { ResolvedPricing } from './resolved-pricing.js';

/**
 * Cost of a self-hosted deployment: GPUs are paid by the hour whether busy or not, so the price
 * of a token is the hourly bill spread over the tokens the GPUs really produce.
 *
 * Simplification: one price per token, from a throughput that counts input and output tokens
 * alike. Prefill (input) is in truth much cheaper per token than decode (output), since it runs
 * batched and compute-bound; `prefill_factor` < 1 prices an input token at that fraction of an
 * output token, and then the throughput should be the decode throughput (output tokens/s).
 */
export const selfHostedSchema = z
  .object({
    /** What one GPU costs per hour (cloud list price, reserved rate, or amortised purchase). */
    gpu_hour_usd: z.number().positive(),
    /** GPUs behind this deployment (one replica: e.g. 8 for tensor-parallel 70B). */
    gpus: z.number().int().positive().default(1),
    /** Measured tokens per second the replica sustains at its usual batch size. */
    throughput_tokens_per_second: z.number().positive(),
    /** Share of paid GPU time that serves traffic (0–1]: idle night hours, headroom for peaks. */
    utilisation: z.number().gt(0).max(1).default(0.6),
    /** Input tokens cost this fraction of an output token (default 1: no distinction). */
    prefill_factor: z.number().gt(0).max(1).optional(),
  })
  .strict();

/** Mount in the deployment schema: `...deploymentCostFields`. */
export const deploymentCostFields = { self_hosted: selfHostedSchema.optional() };

export type SelfHostedConfig = z.output<typeof selfHostedSchema>;

export interface SelfHostedCapacity {
  gpuHourUsd: number;
  gpus: number;
  throughputTokensPerSecond: number;
  utilisation: number;
}

/**
 * Effective US$ per 1M tokens: `gpu_hour_usd × gpus / (throughput × 3600 × utilisation) × 1e6`.
 * At 60% utilisation a replica is paid for 1/0.6 ≈ 1.67 times the seconds it works.
 */
export function selfHostedCostPerMtok(capacity: SelfHostedCapacity): number {
  const tokensPerPaidHour = capacity.throughputTokensPerSecond * 3600 * capacity.utilisation;
  return ((capacity.gpuHourUsd * capacity.gpus) / tokensPerPaidHour) * 1e6;
}

/**
 * Pricing for a self-hosted deployment. `measuredThroughput` (tokens/s, e.g. from telemetry)
 * replaces the configured throughput when given and positive.
 */
export function selfHostedPricing(config: SelfHostedConfig, measuredThroughput?: number): ResolvedPricing {
  const throughput =
    measuredThroughput !== undefined && Number.isFinite(measuredThroughput) && measuredThroughput > 0
      ? measuredThroughput
      : config.throughput_tokens_per_second;
  const perToken = selfHostedCostPerMtok({
    gpuHourUsd: config.gpu_hour_usd,
    gpus: config.gpus,
    throughputTokensPerSecond: throughput,
    utilisation: config.utilisation,
  });
  const input = perToken * (config.prefill_factor ?? 1);
  // A prefix-cache hit on vLLM/SGLang saves GPU time, but how much is not measured per request:
  // cached and written prompt tokens are priced as input.
  return {
    inputPerMtok: input,
    outputPerMtok: perToken,
    cachedInputPerMtok: input,
    cacheWritePerMtok: input,
    cacheWrite1hPerMtok: input,
    source: 'self-hosted',
  };
}
