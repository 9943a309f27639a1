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

/** Fields every response and chunk carries about itself. */
const responseIdentityFields = {
  id: z.string().nullish(),
  model: z.string().nullish(),
  created: z.number().nullish(),
  system_fingerprint: z.string().nullish(),
};

/** The text a message or a delta may carry. */
const textFields = {
  content: z.string().nullish(),
  /** DeepSeek and vLLM reasoning parsers. */
  reasoning_content: z.string().nullish(),
  /** Ollama and OpenRouter (and vLLM releases that renamed the field). */
  reasoning: z.string().nullish(),
  refusal: z.string().nullish(),
};

export const openAIChatResponseSchema = z.object({
  ...responseIdentityFields,
  choices: z
    .array(
      z.object({
        message: z.object({
          ...textFields,
          tool_calls: z.array(toolCallSchema).nullish(),
        }),
        finish_reason: z.string().nullish(),
        logprobs: logprobsSchema,
      }),
    )
    .min(1),
  usage: openAIUsageSchema,
});

export const openAIChatChunkSchema = z.object({
  ...responseIdentityFields,
  choices: z
    .array(
      z.object({
        delta: z
          .object({
            ...textFields,
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
export type OpenAIChatResponse = z.infer<typeof openAIChatResponseSchema>;

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

const isNullishString = (value: unknown) => value === undefined || value === null || typeof value === 'string';

/**
 * The shape almost every streamed chunk has: at most one choice whose delta carries only text
 * (or a role), no tool calls, usage or logprobs. Checking it by hand is several times cheaper than
 * the schema, which still validates every other chunk. It accepts nothing the schema would reject.
 */
export function isPlainTextChunk(value: unknown): value is OpenAIChatChunk {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const chunk = value as Record<string, unknown>;
  if (!isNullishString(chunk.id) || !isNullishString(chunk.model) || !isNullishString(chunk.system_fingerprint)) return false;
  if (chunk.created !== undefined && chunk.created !== null && typeof chunk.created !== 'number') return false;
  if (chunk.usage !== undefined && chunk.usage !== null) return false;
  const choices = chunk.choices;
  if (!Array.isArray(choices) || choices.length > 1) return false;
  const choice = choices[0] as Record<string, unknown> | undefined;
  if (choice === undefined) return true;
  if (typeof choice !== 'object' || choice === null || Array.isArray(choice)) return false;
  if (!isNullishString(choice.finish_reason) || (choice.logprobs !== undefined && choice.logprobs !== null)) return false;
  const delta = choice.delta as Record<string, unknown> | null | undefined;
  if (delta === undefined || delta === null) return true;
  if (typeof delta !== 'object' || Array.isArray(delta)) return false;
  return (
    isNullishString(delta.content) &&
    isNullishString(delta.reasoning_content) &&
    isNullishString(delta.reasoning) &&
    isNullishString(delta.refusal) &&
    (delta.tool_calls === undefined || delta.tool_calls === null)
  );
}

const isNullishNumber = (value: unknown) => value === undefined || value === null || typeof value === 'number';
const isNullishObject = (value: unknown): value is Record<string, unknown> | null | undefined =>
  value === undefined || value === null || (typeof value === 'object' && !Array.isArray(value));

/**
 * The shape almost every non-streamed answer has: choices whose message carries only text (no
 * tool calls, no logprobs) and plain usage. Checked by hand, the parsed JSON is used as it is;
 * the schema would walk it and build a copy of every object in it, on every request (a twentieth
 * of the bytes the gateway allocates per request). It accepts nothing the schema would reject;
 * anything else still goes to the schema, which also words the error.
 */
export function isPlainChatResponse(value: unknown): value is OpenAIChatResponse {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const response = value as Record<string, unknown>;
  if (!isNullishString(response.id) || !isNullishString(response.model) || !isNullishString(response.system_fingerprint)) return false;
  if (!isNullishNumber(response.created) || !isPlainUsage(response.usage)) return false;
  const choices = response.choices;
  if (!Array.isArray(choices) || choices.length === 0) return false;
  for (const choice of choices as unknown[]) {
    if (typeof choice !== 'object' || choice === null || Array.isArray(choice)) return false;
    const { message, finish_reason: finishReason, logprobs } = choice as Record<string, unknown>;
    if (!isNullishString(finishReason) || (logprobs !== undefined && logprobs !== null)) return false;
    if (typeof message !== 'object' || message === null || Array.isArray(message)) return false;
    const text = message as Record<string, unknown>;
    const plain =
      isNullishString(text.content) &&
      isNullishString(text.reasoning_content) &&
      isNullishString(text.reasoning) &&
      isNullishString(text.refusal) &&
      (text.tool_calls === undefined || text.tool_calls === null);
    if (!plain) return false;
  }
  return true;
}

function isPlainUsage(value: unknown): boolean {
  if (!isNullishObject(value)) return false;
  if (value === undefined || value === null) return true;
  const { prompt_tokens_details: promptDetails, completion_tokens_details: completionDetails } = value;
  return (
    isNullishNumber(value.prompt_tokens) &&
    isNullishNumber(value.completion_tokens) &&
    isNullishNumber(value.prompt_cache_hit_tokens) &&
    isNullishObject(promptDetails) &&
    isNullishNumber(promptDetails?.cached_tokens) &&
    isNullishObject(completionDetails) &&
    isNullishNumber(completionDetails?.reasoning_tokens)
  );
}
