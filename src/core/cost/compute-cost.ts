import { z } from 'zod';
import type { Usage } from '../../spec/usage.js';
import type { PriceRates, ResolvedPricing } from './resolved-pricing.js';
import type { ProviderType } from './resolve-pricing.js';

/** What one generation cost, in US dollars, by kind of token. */
export interface CostBreakdown {
  /** Prompt tokens billed at the base input price. */
  inputUsd: number;
  /** Prompt tokens read from the provider's cache. */
  cachedInputUsd: number;
  /** Prompt tokens written to the provider's cache (Anthropic). */
  cacheWriteUsd: number;
  outputUsd: number;
  totalUsd: number;
}

/** The prompt split into what each part is billed as. */
export interface PromptTokenSplit {
  uncached: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
}

/**
 * Costs one generation. Our `Usage` is normalised the same for every provider
 * (`inputTokens = uncached + cacheRead + cacheWrite`), so one formula serves them all:
 *
 * - OpenAI and OpenAI-compatible: `prompt_tokens_details.cached_tokens` (DeepSeek:
 *   `prompt_cache_hit_tokens`) is a subset of the prompt, billed at the cached price; the rest at
 *   the input price. No cache writes are reported or charged.
 * - Anthropic: `cache_read_input_tokens` at the read price (0.1×), `cache_creation_input_tokens`
 *   at the write price (1.25× for a 5-minute cache, 2× for 1-hour when the raw usage splits them
 *   by TTL), `input_tokens` (the rest) at the base price.
 * - Gemini: `cachedContentTokenCount`, a subset of `promptTokenCount`, at the cached price.
 *   Explicit context caches also bill storage per token-hour; that is not per request and is not
 *   modelled here.
 *
 * When the prompt exceeds the pricing's long-context threshold, the whole request is billed at
 * the long-context prices, as Anthropic and Google do.
 * @see https://platform.openai.com/docs/guides/prompt-caching
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance
 * @see https://ai.google.dev/gemini-api/docs/caching
 */
export function computeCost(usage: Usage, pricing: ResolvedPricing, providerType: ProviderType): CostBreakdown {
  const split = splitPromptTokens(usage, providerType);
  const promptTokens = split.uncached + split.cacheRead + split.cacheWrite5m + split.cacheWrite1h;
  const rates: PriceRates =
    pricing.longContext && promptTokens > pricing.longContext.aboveInputTokens ? pricing.longContext : pricing;
  return priceTokens(split, count(usage.outputTokens), rates);
}

/** Dollars for an already split prompt and an output count. */
export function priceTokens(split: PromptTokenSplit, outputTokens: number, rates: PriceRates): CostBreakdown {
  const perToken = (tokens: number, perMtok: number) => (tokens * perMtok) / 1e6;
  const inputUsd = perToken(split.uncached, rates.inputPerMtok);
  const cachedInputUsd = perToken(split.cacheRead, rates.cachedInputPerMtok);
  const cacheWriteUsd = perToken(split.cacheWrite5m, rates.cacheWritePerMtok) + perToken(split.cacheWrite1h, rates.cacheWrite1hPerMtok);
  const outputUsd = perToken(outputTokens, rates.outputPerMtok);
  return { inputUsd, cachedInputUsd, cacheWriteUsd, outputUsd, totalUsd: inputUsd + cachedInputUsd + cacheWriteUsd + outputUsd };
}

/**
 * Splits the normalised prompt count. Counts a provider left out are zero; a cached count larger
 * than the reported prompt (a provider quirk) is trusted over the total rather than going negative.
 */
export function splitPromptTokens(usage: Usage, providerType: ProviderType): PromptTokenSplit {
  const cacheRead = count(usage.cacheReadInputTokens);
  const cacheWrite = count(usage.cacheWriteInputTokens);
  const total = usage.inputTokens === undefined ? cacheRead + cacheWrite : count(usage.inputTokens);
  const cacheWrite1h = providerType === 'anthropic' ? Math.min(anthropicOneHourWrites(usage.raw), cacheWrite) : 0;
  return {
    uncached: Math.max(0, total - cacheRead - cacheWrite),
    cacheRead,
    cacheWrite5m: cacheWrite - cacheWrite1h,
    cacheWrite1h,
  };
}

/** Whether the usage reports any billed token. */
export function usageHasTokens(usage: Usage | undefined): usage is Usage {
  if (!usage) return false;
  return count(usage.inputTokens) + count(usage.outputTokens) + count(usage.cacheReadInputTokens) + count(usage.cacheWriteInputTokens) > 0;
}

function count(tokens: number | undefined): number {
  return tokens !== undefined && Number.isFinite(tokens) && tokens > 0 ? tokens : 0;
}

let anthropicCacheCreationSchema: z.ZodType<{ cache_creation?: { ephemeral_1h_input_tokens?: number | null } | null }> | undefined;

/**
 * Anthropic splits cache writes by lifetime in `usage.cache_creation`; our normalised Usage keeps
 * only their sum, so the split is read from the raw usage when present.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#1-hour-cache-duration
 */
function anthropicOneHourWrites(raw: unknown): number {
  anthropicCacheCreationSchema ??= z.object({
    cache_creation: z.object({ ephemeral_1h_input_tokens: z.number().nonnegative().nullish() }).nullish(),
  });
  const parsed = anthropicCacheCreationSchema.safeParse(raw);
  return parsed.success ? count(parsed.data.cache_creation?.ephemeral_1h_input_tokens ?? undefined) : 0;
}
