import { describe, expect, it } from 'vitest';
import { AllTargetsFailedError, ProviderApiError, ProviderRateLimitError, type AttemptRecord } from '../../spec/errors.js';
import { toOpenAIErrorResponse } from './openai-error-body.js';

const limitedAttempt = (deployment: string, retryAfterMs?: number): AttemptRecord => ({
  deployment,
  provider: deployment.split('/')[0]!,
  code: 'provider_rate_limited',
  upstreamStatus: 429,
  latencyMs: 1,
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});

describe('toOpenAIErrorResponse', () => {
  it("passes a rate-limited provider's Retry-After on, in whole seconds", () => {
    const response = toOpenAIErrorResponse(new ProviderRateLimitError('slow down', { provider: 'a', upstreamStatus: 429, retryAfterMs: 1500 }));
    expect(response).toMatchObject({ status: 429, headers: { 'retry-after': '2' }, body: { error: { code: 'provider_rate_limited' } } });
  });

  it('when every deployment was rate limited, tells the client the soonest any of them will accept', () => {
    const attempts = [limitedAttempt('a/m', 10_000), limitedAttempt('b/m', 20_000), limitedAttempt('c/m')];
    const error = new AllTargetsFailedError(attempts, new ProviderRateLimitError('slow down', { provider: 'b', upstreamStatus: 429, retryAfterMs: 20_000 }));
    expect(toOpenAIErrorResponse(error)).toMatchObject({ status: 429, headers: { 'retry-after': '10' } });
  });

  it("keeps the last error's Retry-After when the request did not end on a rate limit", () => {
    const attempts = [limitedAttempt('a/m', 10_000), { deployment: 'b/m', provider: 'b', code: 'provider_http_error', upstreamStatus: 503, latencyMs: 1, retryAfterMs: 30_000 }];
    const error = new AllTargetsFailedError(attempts, new ProviderApiError('unavailable', { provider: 'b', upstreamStatus: 503, retryAfterMs: 30_000 }));
    expect(toOpenAIErrorResponse(error).headers).toEqual({ 'retry-after': '30' });
  });
});
