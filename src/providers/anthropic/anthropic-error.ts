import {
  classifyUpstreamError,
  tryParseJson,
  type UpstreamErrorInfo,
  type UpstreamFailure,
} from '../../provider-utils/index.js';
import type { GatewayError } from '../../spec/errors.js';
import { anthropicErrorBodySchema, type AnthropicErrorBody } from './anthropic-api.js';

/**
 * Reads Anthropic's error body (`{"type":"error","error":{"type":…,"message":…}}`) and classifies
 * it; `error.type` becomes the upstream code (`rate_limit_error`, `overloaded_error`, …).
 * @see https://docs.anthropic.com/en/api/errors
 */
export function mapAnthropicError(failure: UpstreamFailure): GatewayError {
  return classifyUpstreamError(failure, readAnthropicErrorInfo(tryParseJson(failure.bodyText)));
}

export function readAnthropicErrorInfo(body: unknown): UpstreamErrorInfo {
  const parsed = anthropicErrorBodySchema.safeParse(body);
  if (!parsed.success) return {};
  const { type, message } = parsed.data.error;
  const info: UpstreamErrorInfo = {};
  if (type) info.code = type;
  if (message) info.message = message;
  return info;
}

/**
 * The HTTP status each error type is documented with. An `error` event arrives mid-stream on a
 * 200 response, so the status is inferred from its type to classify it like an HTTP failure.
 * @see https://docs.anthropic.com/en/api/errors#http-errors
 */
const STATUS_BY_ERROR_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** Classifies an SSE `error` event; unknown types count as a server fault (500). */
export function mapAnthropicStreamError(provider: string, error: AnthropicErrorBody['error'], rawData: string): GatewayError {
  const status = (error.type ? STATUS_BY_ERROR_TYPE[error.type] : undefined) ?? 500;
  return classifyUpstreamError(
    { provider, status, headers: {}, bodyText: rawData },
    readAnthropicErrorInfo({ error }),
  );
}
