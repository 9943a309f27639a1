/**
 * Token usage of one generation. Every count is normalised so that
 * `inputTokens` is the whole prompt, including any cached part:
 * `inputTokens = uncached + cacheReadInputTokens + cacheWriteInputTokens`.
 * (Anthropic reports these three separately; OpenAI and Gemini report a total with a cached subset.)
 */
export interface Usage {
  /** All prompt tokens, cached or not. */
  inputTokens: number | undefined;
  /** Generated tokens, including reasoning tokens. */
  outputTokens: number | undefined;
  /** Prompt tokens served from the provider's prompt cache. */
  cacheReadInputTokens?: number;
  /** Prompt tokens written to the provider's prompt cache (Anthropic bills these at a premium). */
  cacheWriteInputTokens?: number;
  /** Reasoning tokens, a subset of `outputTokens`. */
  reasoningTokens?: number;
  /** The provider's own usage object, untouched. */
  raw?: unknown;
}

/** Usage with nothing reported yet. */
export function emptyUsage(): Usage {
  return { inputTokens: undefined, outputTokens: undefined };
}
