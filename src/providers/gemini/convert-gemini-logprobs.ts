import type { TokenLogprob } from '../../spec/chat-result.js';
import type { GeminiLogprobsResult } from './gemini-api.js';

/**
 * Converts a candidate's `logprobsResult` to OpenAI-shaped token logprobs: `chosenCandidates[i]`
 * is the token generated at step i, `topCandidates[i].candidates` its alternatives.
 * @see https://ai.google.dev/api/generate-content#LogprobsResult
 */
export function convertGeminiLogprobs(result: GeminiLogprobsResult | null | undefined): TokenLogprob[] | undefined {
  const chosen = result?.chosenCandidates;
  if (chosen === null || chosen === undefined) return undefined;
  return chosen.map((candidate, index) => {
    const top = result?.topCandidates?.[index]?.candidates;
    return {
      token: candidate.token ?? '',
      logprob: candidate.logProbability ?? 0,
      ...(top !== null && top !== undefined
        ? { topLogprobs: top.map((alternative) => ({ token: alternative.token ?? '', logprob: alternative.logProbability ?? 0 })) }
        : {}),
    };
  });
}
