import { z } from 'zod';

/**
 * Loose wire schemas for OpenAI-compatible responses: only the fields we read, everything else
 * passes through unchecked, because compatible servers add and omit fields freely.
 * @see https://platform.openai.com/docs/api-reference/chat/object
 */
const toolCallSchema = z.object({
  id: z.string().nullish(),
  type: z.string().nullish(),
  function: z.object({ name: z.string(), arguments: z.string().nullish() }),
});

const topLogprobSchema = z.object({ token: z.string(), logprob: z.number(), bytes: z.array(z.number()).nullish() });
const logprobsSchema = z
  .object({ content: z.array(topLogprobSchema.extend({ top_logprobs: z.array(topLogprobSchema).nullish() })).nullish() })
  .nullish();

/** Kept loose (`looseObject`) so `Usage.raw` holds everything the server reported (total_tokens, audio_tokens, ...). */
export const openAIUsageSchema = z
  .looseObject({
    prompt_tokens: z.number().nullish(),
    completion_tokens: z.number().nullish(),
    prompt_tokens_details: z.looseObject({ cached_tokens: z.number().nullish() }).nullish(),
    completion_tokens_details: z.looseObject({ reasoning_tokens: z.number().nullish() }).nullish(),
    /** DeepSeek reports cache hits this way. */
    prompt_cache_hit_tokens: z.number().nullish(),
  })
  .nullish();

export type OpenAIUsage = z.infer<typeof openAIUsageSchema>;

export const openAIChatResponseSchema = z.object({
  id: z.string().nullish(),
  model: z.string().nullish(),
  created: z.number().nullish(),
  system_fingerprint: z.string().nullish(),
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          /** DeepSeek and vLLM reasoning parsers. */
          reasoning_content: z.string().nullish(),
          /** Ollama and OpenRouter (and vLLM releases that renamed the field). */
          reasoning: z.string().nullish(),
          tool_calls: z.array(toolCallSchema).nullish(),
          refusal: z.string().nullish(),
        }),
        finish_reason: z.string().nullish(),
        logprobs: logprobsSchema,
      }),
    )
    .min(1),
  usage: openAIUsageSchema,
});

export const openAIChatChunkSchema = z.object({
  id: z.string().nullish(),
  model: z.string().nullish(),
  created: z.number().nullish(),
  system_fingerprint: z.string().nullish(),
  choices: z
    .array(
      z.object({
        delta: z
          .object({
            content: z.string().nullish(),
            reasoning_content: z.string().nullish(),
            reasoning: z.string().nullish(),
            refusal: z.string().nullish(),
            tool_calls: z
              .array(
                z.object({
                  index: z.number().nullish(),
                  id: z.string().nullish(),
                  function: z.object({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
                }),
              )
              .nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
        logprobs: logprobsSchema,
      }),
    )
    .nullish(),
  usage: openAIUsageSchema,
});

export type OpenAIChatChunk = z.infer<typeof openAIChatChunkSchema>;

/** Error bodies: OpenAI's `{error:{...}}`, vLLM's flat `{object:"error", message}`, TGI/Ollama's `{error:"..."}`. */
export const openAIErrorBodySchema = z.union([
  z.object({
    error: z.object({
      message: z.string().nullish(),
      type: z.string().nullish(),
      code: z.union([z.string(), z.number()]).nullish(),
    }),
  }),
  z.object({ error: z.string(), error_type: z.string().nullish() }),
  z.object({ message: z.string(), type: z.string().nullish(), code: z.union([z.string(), z.number()]).nullish() }),
]);

export const openAIEmbeddingResponseSchema = z.object({
  model: z.string().nullish(),
  data: z.array(z.object({ embedding: z.array(z.number()), index: z.number().nullish() })),
  usage: z.object({ prompt_tokens: z.number().nullish() }).nullish(),
});
