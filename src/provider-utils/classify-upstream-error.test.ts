import { describe, expect, it } from 'vitest';
import {
  ContentFilterError,
  ContextLengthExceededError,
  ProviderApiError,
  ProviderQuotaExceededError,
  ProviderRateLimitError,
} from '../spec/errors.js';
import { classifyUpstreamError } from './classify-upstream-error.js';

const failure = (status: number, headers: Record<string, string> = {}) => ({ provider: 'p', status, headers, bodyText: '{}' });

describe('classifyUpstreamError', () => {
  it('treats 429 as a retryable rate limit carrying the wait', () => {
    const error = classifyUpstreamError(failure(429, { 'retry-after': '3' }), { message: 'slow down' });
    expect(error).toBeInstanceOf(ProviderRateLimitError);
    expect(error).toMatchObject({ isRetryable: true, httpStatus: 429, retryAfterMs: 3000 });
  });

  it('does not retry exhausted quota, but lets another deployment try', () => {
    const error = classifyUpstreamError(failure(429), { code: 'insufficient_quota', message: 'You exceeded your current quota' });
    expect(error).toBeInstanceOf(ProviderQuotaExceededError);
    expect(error).toMatchObject({ isRetryable: false, httpStatus: 502, code: 'provider_quota_exceeded' });
  });

  it('recognises context-length and content-filter 400s', () => {
    expect(classifyUpstreamError(failure(400), { message: "This model's maximum context length is 8192 tokens" })).toBeInstanceOf(ContextLengthExceededError);
    expect(classifyUpstreamError(failure(422), { message: '`inputs` tokens + `max_new_tokens` must be <= 4096' })).toBeInstanceOf(ContextLengthExceededError);
    expect(classifyUpstreamError(failure(400), { code: 'content_filter' })).toBeInstanceOf(ContentFilterError);
  });

  it('passes other 4xx through as client errors and 5xx/credential faults as 502', () => {
    const badRequest = classifyUpstreamError(failure(400), { message: 'bad' });
    expect(badRequest).toMatchObject({ httpStatus: 400, isRetryable: false });
    expect(classifyUpstreamError(failure(401), {})).toMatchObject({ httpStatus: 502, isRetryable: false });
    const serverError = classifyUpstreamError(failure(503), {});
    expect(serverError).toBeInstanceOf(ProviderApiError);
    expect(serverError).toMatchObject({ httpStatus: 502, isRetryable: true });
  });
});
