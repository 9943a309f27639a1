import { z } from 'zod';
import type { ProviderOptions } from '../../spec/chat-call.js';
import { InvalidRequestError } from '../../spec/errors.js';

/**
 * `providerOptions.gemini` on a call: Gemini settings with no counterpart in ChatCall.
 * @see https://ai.google.dev/gemini-api/docs/thinking#set-budget
 * @see https://ai.google.dev/api/generate-content#v1beta.SafetySetting
 * @see https://ai.google.dev/gemini-api/docs/caching
 */
const geminiCallOptionsSchema = z.object({
  thinkingConfig: z
    .object({
      thinkingBudget: z.number().int().optional(),
      includeThoughts: z.boolean().optional(),
      thinkingLevel: z.string().optional(),
    })
    .optional(),
  safetySettings: z.array(z.object({ category: z.string(), threshold: z.string() })).optional(),
  /** Name of a cached content (`cachedContents/…`) to use as the prompt prefix. */
  cachedContent: z.string().optional(),
});

export type GeminiCallOptions = z.infer<typeof geminiCallOptionsSchema>;

export function readGeminiCallOptions(providerOptions: ProviderOptions | undefined): GeminiCallOptions {
  const value = providerOptions?.gemini;
  if (value === undefined) return {};
  const result = geminiCallOptionsSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = ['providerOptions.gemini', ...(issue?.path ?? [])].join('.');
  throw new InvalidRequestError(`Invalid ${param}: ${issue?.message ?? 'invalid value'}`, { param });
}
