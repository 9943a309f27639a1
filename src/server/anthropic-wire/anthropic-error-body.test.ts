import { describe, expect, it } from 'vitest';
import {
  AllTargetsFailedError,
  AuthenticationError,
  InvalidRequestError,
  NoSuchModelError,
  PayloadTooLargeError,
  PermissionDeniedError,
  ProviderApiError,
  ProviderRateLimitError,
  ProviderTimeoutError,
  StreamInterruptedError,
  type GatewayError,
} from '../../spec/errors.js';
import { toAnthropicErrorResponse } from './anthropic-error-body.js';

const provider = 'openai-prod';

describe('toAnthropicErrorResponse', () => {
  it.each<[string, GatewayError, number, string]>([
    ['invalid request', new InvalidRequestError('bad'), 400, 'invalid_request_error'],
    ['missing key', new AuthenticationError('no key'), 401, 'authentication_error'],
    ['permission', new PermissionDeniedError('no'), 403, 'permission_error'],
    ['unknown model', new NoSuchModelError("Model 'x' is not configured."), 404, 'not_found_error'],
    ['body too large', new PayloadTooLargeError(10), 413, 'request_too_large'],
    ['upstream 429', new ProviderRateLimitError('slow down', { provider, upstreamStatus: 429, retryAfterMs: 20_000 }), 429, 'rate_limit_error'],
    ['upstream 400', new ProviderApiError('bad upstream request', { provider, upstreamStatus: 400 }), 400, 'invalid_request_error'],
    ['upstream 500', new ProviderApiError('boom', { provider, upstreamStatus: 500 }), 502, 'api_error'],
    ['upstream 529', new ProviderApiError('Overloaded', { provider, upstreamStatus: 529 }), 529, 'overloaded_error'],
    ['upstream 503', new ProviderApiError('unavailable', { provider, upstreamStatus: 503 }), 529, 'overloaded_error'],
    ['overloaded code', new ProviderApiError('Overloaded', { provider, upstreamCode: 'overloaded_error' }), 529, 'overloaded_error'],
    // How the Anthropic adapter classifies its upstream's overload: a rate limit, still shown as overloaded.
    ['anthropic 529 (rate-limit class)', new ProviderRateLimitError('Overloaded', { provider, upstreamStatus: 529, upstreamCode: 'overloaded_error' }), 529, 'overloaded_error'],
    ['mid-stream overloaded event', new ProviderRateLimitError('Overloaded', { provider, upstreamCode: 'overloaded_error' }), 529, 'overloaded_error'],
    ['timeout', new ProviderTimeoutError('too slow', { provider, phase: 'total' }), 504, 'api_error'],
    ['stream cut', new StreamInterruptedError('cut'), 502, 'api_error'],
  ])('%s → %i %s', (_name, error, status, type) => {
    const response = toAnthropicErrorResponse(error);
    expect(response.status).toBe(status);
    expect(response.body).toEqual({ type: 'error', error: { type, message: error.message } });
  });

  it('keeps retry-after and adds the request id', () => {
    const error = new ProviderRateLimitError('slow down', { provider, upstreamStatus: 429, retryAfterMs: 1500 });
    expect(toAnthropicErrorResponse(error, 'req-1')).toEqual({
      status: 429,
      body: { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' }, request_id: 'req-1' },
      headers: { 'retry-after': '2' },
    });
  });

  it('answers for the last attempt when every target failed', () => {
    const attempt = { deployment: 'a', provider, code: 'provider_http_error', message: 'x', latencyMs: 1 };
    const overloaded = new AllTargetsFailedError([attempt, attempt], new ProviderApiError('Overloaded', { provider, upstreamStatus: 529 }));
    expect(toAnthropicErrorResponse(overloaded).status).toBe(529);
    const limited = new AllTargetsFailedError([attempt, attempt], new ProviderRateLimitError('slow', { provider, upstreamStatus: 429, retryAfterMs: 3000 }));
    expect(toAnthropicErrorResponse(limited)).toMatchObject({ status: 429, headers: { 'retry-after': '3' }, body: { error: { type: 'rate_limit_error' } } });
  });

  it('hides internals of untyped errors', () => {
    expect(toAnthropicErrorResponse(new Error('secret stack detail'))).toEqual({
      status: 500,
      body: { type: 'error', error: { type: 'api_error', message: 'Internal gateway error' } },
      headers: {},
    });
  });
});
