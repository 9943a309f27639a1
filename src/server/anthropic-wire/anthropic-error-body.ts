import { GatewayError } from '../../spec/errors.js';
import { toOpenAIErrorResponse } from '../openai-wire/openai-error-body.js';
import { ANTHROPIC_PARAMETER_NAMES, toWireParameter } from '../wire-parameter-names.js';

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: AnthropicErrorType; message: string };
  request_id?: string;
}

export interface AnthropicErrorResponse {
  status: number;
  body: AnthropicErrorBody;
  headers: Record<string, string>;
}

/** Anthropic's own status for an overloaded API; its SDKs raise `OverloadedError` for it and retry. */
const OVERLOADED_STATUS = 529;

/**
 * Errors → Anthropic error body. The status and `retry-after` come from the gateway's one error
 * mapping (the OpenAI body's), so both APIs answer a failure with the same status; only an
 * overloaded upstream differs, answered with Anthropic's 529 so Anthropic clients see
 * `overloaded_error` as they would from Anthropic itself.
 * @see https://docs.anthropic.com/en/api/errors
 */
export function toAnthropicErrorResponse(error: unknown, requestId?: string): AnthropicErrorResponse {
  const { status, body, headers } = toOpenAIErrorResponse(error);
  const overloaded = isOverloaded(error);
  return {
    status: overloaded ? OVERLOADED_STATUS : status,
    body: {
      type: 'error',
      error: { type: overloaded ? 'overloaded_error' : anthropicErrorType(status), message: anthropicMessage(error, body.error.message) },
      ...(requestId === undefined ? {} : { request_id: requestId }),
    },
    headers,
  };
}

/** The message with parameters named as the Anthropic API names them. */
function anthropicMessage(error: unknown, fallback: string): string {
  return GatewayError.isInstance(error) ? toWireParameter(ANTHROPIC_PARAMETER_NAMES, error.message, error.param).message : fallback;
}

/**
 * Anthropic uses `invalid_request_error` for any 4xx it has no own type for; timeouts and other
 * server faults are `api_error`.
 */
export function anthropicErrorType(status: number): AnthropicErrorType {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case OVERLOADED_STATUS:
      return 'overloaded_error';
    default:
      return status >= 400 && status < 500 ? 'invalid_request_error' : 'api_error';
  }
}

/** An upstream that said it is overloaded (529, 503, or Anthropic's `overloaded_error` code), possibly as the last of several attempts. */
function isOverloaded(error: unknown): boolean {
  if (!GatewayError.isInstance(error)) return false;
  if ('lastError' in error && GatewayError.isInstance(error.lastError)) return isOverloaded(error.lastError);
  // Duck-typed like `isInstance`, so a duplicate copy of the spec package still matches.
  if (!('upstreamStatus' in error)) return false;
  const upstreamCode = 'upstreamCode' in error ? error.upstreamCode : undefined;
  // Anthropic's own overload is classified as a rate limit (retried, never trips a breaker), but
  // an Anthropic client must still see it as `overloaded_error`.
  if (error.upstreamStatus === 529 || upstreamCode === 'overloaded_error') return true;
  return error.httpStatus !== 429 && error.upstreamStatus === 503;
}
