/** US$ per 1M tokens for each kind of token a provider bills. */
export interface PriceRates {
  /** Prompt tokens neither read from nor written to a cache. */
  inputPerMtok: number;
  /** Generated tokens, reasoning included. */
  outputPerMtok: number;
  /** Prompt tokens read from the provider's cache. */
  cachedInputPerMtok: number;
  /** Prompt tokens written to the cache (Anthropic: 5-minute lifetime). */
  cacheWritePerMtok: number;
  /** Prompt tokens written to the cache with a 1-hour lifetime (Anthropic). */
  cacheWrite1hPerMtok: number;
}

/** The prices one deployment is charged at, every rate filled in. */
export interface ResolvedPricing extends PriceRates {
  /** Prices for the whole request once its prompt exceeds `aboveInputTokens` (Gemini 2.5 Pro, Claude 1M context). */
  longContext?: PriceRates & { aboveInputTokens: number };
  /** Where the prices came from: the deployment's `pricing`, its `self_hosted` GPUs, or the catalogue. */
  source: 'config' | 'catalogue' | 'self-hosted';
  /** The catalogue entry used, its provider and date. */
  catalogueId?: string;
  pricedAt?: string;
  asOf?: string;
}
