import type { Usage } from '../../spec/usage.js';
import type { AnthropicUsage } from './anthropic-api.js';

/**
 * Normalises Anthropic usage. Anthropic reports uncached, cache-read and cache-write prompt tokens
 * as three separate counts; our `inputTokens` is their sum (see src/spec/usage.ts).
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance
 */
export function convertAnthropicUsage(usage: AnthropicUsage | null | undefined): Usage {
  if (usage === null || usage === undefined) return { inputTokens: undefined, outputTokens: undefined };
  const uncached = usage.input_tokens ?? undefined;
  const cacheRead = usage.cache_read_input_tokens ?? undefined;
  const cacheWrite = usage.cache_creation_input_tokens ?? undefined;
  const inputTokens =
    uncached === undefined && cacheRead === undefined && cacheWrite === undefined
      ? undefined
      : (uncached ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0);
  return {
    inputTokens,
    outputTokens: usage.output_tokens ?? undefined,
    ...(cacheRead === undefined ? {} : { cacheReadInputTokens: cacheRead }),
    ...(cacheWrite === undefined ? {} : { cacheWriteInputTokens: cacheWrite }),
    raw: usage,
  };
}
