import { GatewayError, InvalidRequestError } from '../../spec/errors.js';
import { OPENAI_PARAMETER_NAMES, toWireParameter } from '../wire-parameter-names.js';

export interface ErrorResponse {
  status: number;
  body: { error: { message: string; type: string; param: string | null; code: string | null } };
  headers: Record<string, string>;
}

/**
 * The one mapping from errors to the OpenAI error body. Unknown errors become a generic 500
 * whose message carries no internals.
 * @see https://platform.openai.com/docs/guides/error-codes
 */
export function toOpenAIErrorResponse(error: unknown): ErrorResponse {
  if (!GatewayError.isInstance(error)) {
    return {
      status: 500,
      body: { error: { message: 'Internal gateway error', type: 'api_error', param: null, code: 'internal_error' } },
      headers: {},
    };
  }
  const headers: Record<string, string> = {};
  const retryAfterMs = findRetryAfterMs(error);
  if (retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
  const { message, param } = toWireParameter(OPENAI_PARAMETER_NAMES, error.message, error.param);
  return {
    status: error.httpStatus,
    body: { error: { message, type: error.type, param: param ?? null, code: error.code } },
    headers,
  };
}

function findRetryAfterMs(error: GatewayError): number | undefined {
  if ('retryAfterMs' in error && typeof error.retryAfterMs === 'number') return error.retryAfterMs;
  if ('lastError' in error && GatewayError.isInstance(error.lastError)) return findRetryAfterMs(error.lastError);
  return undefined;
}

/** A JSON body that could not be parsed: name where it broke. */
export function invalidJsonError(cause: unknown): InvalidRequestError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new InvalidRequestError(`Request body is not valid JSON: ${detail}`, { code: 'invalid_json' });
}
