import { classifyUpstreamError, tryParseJson, type UpstreamErrorInfo, type UpstreamFailure } from '../../provider-utils/index.js';
import type { GatewayError } from '../../spec/errors.js';
import { openAIErrorBodySchema } from './openai-compatible-api.js';

/**
 * Reads an OpenAI-style error body (and the variants compatible servers use) and classifies it.
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export function mapOpenAICompatibleError(failure: UpstreamFailure): GatewayError {
  return classifyUpstreamError(failure, readOpenAIErrorInfo(tryParseJson(failure.bodyText)));
}

/**
 * TGI's token-limit validation errors, which the shared context-length patterns do not cover.
 * @see https://github.com/huggingface/text-generation-inference/blob/main/router/src/validation.rs
 */
const TGI_CONTEXT_LENGTH_MESSAGE = /`inputs` tokens \+ `max_new_tokens` must be <=|`inputs` must have less than \d+ tokens/;

export function readOpenAIErrorInfo(body: unknown): UpstreamErrorInfo {
  const parsed = openAIErrorBodySchema.safeParse(body);
  if (!parsed.success) return {};
  const value = parsed.data;
  if ('error' in value && typeof value.error === 'string') {
    // TGI (and Ollama) send `{error: "...", error_type?: "validation"}`.
    if (TGI_CONTEXT_LENGTH_MESSAGE.test(value.error)) return { message: value.error, code: 'context_length_exceeded' };
    return { message: value.error, code: 'error_type' in value ? (value.error_type ?? undefined) : undefined };
  }
  if ('error' in value && typeof value.error === 'object') {
    const code = value.error.code ?? value.error.type ?? undefined;
    return { message: value.error.message ?? undefined, code: code === undefined ? undefined : String(code) };
  }
  if ('message' in value) {
    const code = value.code ?? value.type ?? undefined;
    return { message: value.message, code: code === undefined ? undefined : String(code) };
  }
  return {};
}

/**
 * Recognises an error sent as a stream frame after a 200: OpenRouter and newer vLLM send
 * `{"error": {...}}` (OpenRouter beside `choices`), older vLLM its flat `{"object": "error", ...}`,
 * which would otherwise pass as an empty chunk and end the stream as if it had succeeded. The HTTP
 * status is long sent, so the numeric code these servers put in the body stands in for it.
 * @see https://openrouter.ai/docs/api-reference/errors (errors during streaming)
 * @see https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html
 */
export function readOpenAIStreamError(provider: string, frame: unknown, frameText: string): GatewayError | undefined {
  if (typeof frame !== 'object' || frame === null) return undefined;
  const record = frame as Record<string, unknown>;
  const nested = record.error;
  const isErrorFrame = (nested !== undefined && nested !== null) || record.object === 'error';
  if (!isErrorFrame) return undefined;
  const bodyCode = typeof nested === 'object' && nested !== null ? (nested as Record<string, unknown>).code : record.code;
  const status = typeof bodyCode === 'number' && bodyCode >= 400 && bodyCode <= 599 ? bodyCode : 500;
  return classifyUpstreamError({ provider, status, headers: {}, bodyText: frameText }, readOpenAIErrorInfo(frame));
}
