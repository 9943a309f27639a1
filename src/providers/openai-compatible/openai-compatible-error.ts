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

export function readOpenAIErrorInfo(body: unknown): UpstreamErrorInfo {
  const parsed = openAIErrorBodySchema.safeParse(body);
  if (!parsed.success) return {};
  const value = parsed.data;
  if ('error' in value && typeof value.error === 'string') {
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
