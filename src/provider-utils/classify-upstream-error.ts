import {
  ContentFilterError,
  ContextLengthExceededError,
  ProviderApiError,
  ProviderQuotaExceededError,
  ProviderRateLimitError,
  type GatewayError,
} from '../spec/errors.js';
import { truncate, type UpstreamFailure } from './http-client.js';
import { parseRetryAfterMs } from './retry-after.js';

/** The parts of an upstream error body an adapter extracts for classification. */
export interface UpstreamErrorInfo {
  message?: string;
  /** Provider's code or type, e.g. `rate_limit_exceeded`, `overloaded_error`, `RESOURCE_EXHAUSTED`. */
  code?: string;
}

const CONTEXT_LENGTH_CODES = new Set(['context_length_exceeded', 'string_above_max_length']);
const CONTEXT_LENGTH_MESSAGE =
  /context length|context window|maximum context|prompt is too long|too many tokens|input is too long|exceeds the maximum number of tokens|`inputs` tokens \+ `max_new_tokens` must be <=|`inputs` must have less than \d+ tokens/i;
const CONTENT_FILTER_CODES = new Set(['content_filter', 'content_policy_violation', 'SAFETY']);
/** @see https://platform.openai.com/docs/guides/error-codes (429 insufficient_quota: "retrying will not help") */
const QUOTA_CODES = new Set(['insufficient_quota', 'billing_hard_limit_reached']);
const RATE_LIMIT_CODES = new Set(['rate_limit_exceeded', 'rate_limit_error', 'RESOURCE_EXHAUSTED', 'overloaded_error', 'insufficient_quota_retryable']);

/**
 * Classifies an upstream HTTP failure into a typed error. Adapters call it with what they read
 * from their provider's error body, so the classification rules live in one place.
 */
export function classifyUpstreamError(failure: UpstreamFailure, info: UpstreamErrorInfo): GatewayError {
  const upstreamMessage = info.message ?? (truncate(failure.bodyText, 300) || `HTTP ${failure.status}`);
  const details = {
    provider: failure.provider,
    upstreamStatus: failure.status,
    upstreamBody: truncate(failure.bodyText, 2000),
    upstreamCode: info.code,
    retryAfterMs: parseRetryAfterMs(failure.headers),
  };
  const message = `Upstream ${failure.provider} answered ${failure.status}: ${upstreamMessage}`;
  if (info.code !== undefined && QUOTA_CODES.has(info.code)) return new ProviderQuotaExceededError(message, details);
  if (failure.status === 429 || (info.code !== undefined && RATE_LIMIT_CODES.has(info.code) && failure.status !== 400)) {
    return new ProviderRateLimitError(message, details);
  }
  if (failure.status === 400 || failure.status === 413 || failure.status === 422) {
    if ((info.code !== undefined && CONTEXT_LENGTH_CODES.has(info.code)) || CONTEXT_LENGTH_MESSAGE.test(upstreamMessage)) {
      return new ContextLengthExceededError(message, details);
    }
    if (info.code !== undefined && CONTENT_FILTER_CODES.has(info.code)) {
      return new ContentFilterError(message, details);
    }
  }
  return new ProviderApiError(message, details);
}

/** Reads a JSON body without throwing; undefined when it is not JSON. */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
