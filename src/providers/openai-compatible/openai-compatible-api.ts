import { z } from 'zod';
import { isJsonRecord, isNullish, isNullishNumber, isNullishString, isNumberArray } from '../../provider-utils/json-shape-checks.js';

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
  /** Loose, like chat usage: `Usage.raw` keeps everything reported (total_tokens, ...). */
  usage: z.looseObject({ prompt_tokens: z.number().nullish() }).nullish(),
});

export type OpenAIEmbeddingResponse = z.infer<typeof openAIEmbeddingResponseSchema>;

/** A message or delta with only the text fields (no tool calls); the caller has checked it is a record. */
function hasOnlyTextFields(text: Record<string, unknown>): boolean {
  return (
    isNullishString(text.content) &&
    isNullishString(text.reasoning_content) &&
    isNullishString(text.reasoning) &&
    isNullishString(text.refusal) &&
    isNullish(text.tool_calls)
  );
}

/** The identity fields every response and chunk carries. */
function hasPlainIdentity(value: Record<string, unknown>): boolean {
  return isNullishString(value.id) && isNullishString(value.model) && isNullishString(value.system_fingerprint) && isNullishNumber(value.created);
}

/**
 * The shape almost every streamed chunk has: at most one choice whose delta carries only text
 * (or a role), no tool calls, usage or logprobs. Checking it by hand is several times cheaper than
 * the schema, which still validates every other chunk. It accepts nothing the schema would reject.
 */
export function isPlainTextChunk(value: unknown): value is OpenAIChatChunk {
  if (!isJsonRecord(value) || !hasPlainIdentity(value) || !isNullish(value.usage)) return false;
  const choices = value.choices;
  if (!Array.isArray(choices) || choices.length > 1) return false;
  const choice: unknown = choices[0];
  if (choice === undefined) return true;
  if (!isJsonRecord(choice) || !isNullishString(choice.finish_reason) || !isNullish(choice.logprobs)) return false;
  const delta = choice.delta;
  return isNullish(delta) || (isJsonRecord(delta) && hasOnlyTextFields(delta));
}

/**
 * The shape almost every non-streamed answer has: choices whose message carries only text (no
 * tool calls, no logprobs) and plain usage. Checked by hand, the parsed JSON is used as it is;
 * the schema would walk it and build a copy of every object in it, on every request (a twentieth
 * of the bytes the gateway allocates per request). It accepts nothing the schema would reject;
 * anything else still goes to the schema, which also words the error.
 */
export function isPlainChatResponse(value: unknown): value is OpenAIChatResponse {
  if (!isJsonRecord(value) || !hasPlainIdentity(value) || !isPlainUsage(value.usage)) return false;
  const choices = value.choices;
  if (!Array.isArray(choices) || choices.length === 0) return false;
  for (const choice of choices as unknown[]) {
    if (!isJsonRecord(choice) || !isNullishString(choice.finish_reason) || !isNullish(choice.logprobs)) return false;
    if (!isJsonRecord(choice.message) || !hasOnlyTextFields(choice.message)) return false;
  }
  return true;
}

function isPlainUsage(value: unknown): boolean {
  if (isNullish(value)) return true;
  if (!isJsonRecord(value)) return false;
  const { prompt_tokens_details: promptDetails, completion_tokens_details: completionDetails } = value;
  return (
    isNullishNumber(value.prompt_tokens) &&
    isNullishNumber(value.completion_tokens) &&
    isNullishNumber(value.prompt_cache_hit_tokens) &&
    (isNullish(promptDetails) || (isJsonRecord(promptDetails) && isNullishNumber(promptDetails.cached_tokens))) &&
    (isNullish(completionDetails) || (isJsonRecord(completionDetails) && isNullishNumber(completionDetails.reasoning_tokens)))
  );
}

/**
 * An embeddings answer of float vectors. The schema would copy every vector number by number (a
 * batch of 100 inputs at 1,536 dimensions is 153,600 numbers); this loop only reads them.
 */
export function isPlainEmbeddingResponse(value: unknown): value is OpenAIEmbeddingResponse {
  if (!isJsonRecord(value) || !isNullishString(value.model) || !Array.isArray(value.data)) return false;
  const usage = value.usage;
  if (!isNullish(usage) && !(isJsonRecord(usage) && isNullishNumber(usage.prompt_tokens))) return false;
  for (const entry of value.data as unknown[]) {
    if (!isJsonRecord(entry) || !isNullishNumber(entry.index) || !isNumberArray(entry.embedding)) return false;
  }
  return true;
}
