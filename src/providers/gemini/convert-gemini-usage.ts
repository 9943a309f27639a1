import type { Usage } from '../../spec/usage.js';
import type { GeminiUsageMetadata } from './gemini-api.js';

/**
 * Gemini reports the whole prompt in `promptTokenCount` (cached part included, as
 * `cachedContentTokenCount`) and thinking tokens apart from `candidatesTokenCount`; our
 * `outputTokens` includes reasoning, so the two are added.
 * @see https://ai.google.dev/api/generate-content#UsageMetadata
 */
export function convertGeminiUsage(usage: GeminiUsageMetadata | null | undefined): Usage {
  if (usage === null || usage === undefined) return { inputTokens: undefined, outputTokens: undefined };
  const candidates = usage.candidatesTokenCount ?? undefined;
  const thoughts = usage.thoughtsTokenCount ?? undefined;
  const outputTokens = candidates === undefined && thoughts === undefined ? undefined : (candidates ?? 0) + (thoughts ?? 0);
  return {
    inputTokens: usage.promptTokenCount ?? undefined,
    outputTokens,
    ...(usage.cachedContentTokenCount != null ? { cacheReadInputTokens: usage.cachedContentTokenCount } : {}),
    ...(thoughts !== undefined ? { reasoningTokens: thoughts } : {}),
    raw: usage,
  };
}
