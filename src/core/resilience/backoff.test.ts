import { describe, expect, it } from 'vitest';
import {
  ContentFilterError,
  InvalidProviderResponseError,
  InvalidRequestError,
  ProviderApiError,
  ProviderRateLimitError,
  ProviderTimeoutError,
} from '../../spec/errors.js';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, readRetryAfterMs, retryDelayMs, type RetryPolicy } from './backoff.js';

const POLICY: RetryPolicy = { maxAttempts: 4, baseMs: 100, maxMs: 1_000, maxRetryAfterMs: 3_000 };
const fixed = (value: number) => () => value;

describe('backoffDelayMs', () => {
  it('doubles the ceiling with every attempt and caps it at maxMs', () => {
    const almostOne = fixed(0.999_999);
    expect(backoffDelayMs(0, POLICY, almostOne)).toBeCloseTo(100, 2);
    expect(backoffDelayMs(1, POLICY, almostOne)).toBeCloseTo(200, 2);
    expect(backoffDelayMs(3, POLICY, almostOne)).toBeCloseTo(800, 2);
    expect(backoffDelayMs(4, POLICY, almostOne)).toBeCloseTo(1_000, 2);
    expect(backoffDelayMs(80, POLICY, almostOne)).toBeCloseTo(1_000, 2);
  });

  it('applies full jitter: the delay is random × ceiling, from 0 up', () => {
    expect(backoffDelayMs(2, POLICY, fixed(0))).toBe(0);
    expect(backoffDelayMs(2, POLICY, fixed(0.5))).toBe(200);
    expect(backoffDelayMs(2, POLICY, fixed(0.25))).toBe(100);
  });

  it('stays within [0, ceiling] even when the random source misbehaves', () => {
    expect(backoffDelayMs(0, POLICY, fixed(7))).toBe(100);
    expect(backoffDelayMs(0, POLICY, fixed(-3))).toBe(0);
    expect(backoffDelayMs(0, POLICY, fixed(Number.NaN))).toBe(0);
    expect(backoffDelayMs(-2, POLICY, fixed(0.5))).toBe(50);
  });
});

describe('retryDelayMs', () => {
  const serverError = new ProviderApiError('boom', { provider: 'openai', upstreamStatus: 503 });

  it('backs off for a retryable error while attempts remain', () => {
    expect(retryDelayMs(serverError, 0, POLICY, fixed(0.5))).toBe(50);
    expect(retryDelayMs(new ProviderTimeoutError('slow', { provider: 'openai', phase: 'first-token' }), 1, POLICY, fixed(0.5))).toBe(100);
  });

  it('gives up once the attempt that failed was the last one', () => {
    expect(retryDelayMs(serverError, 2, POLICY, fixed(0.5))).toBe(200);
    expect(retryDelayMs(serverError, 3, POLICY, fixed(0.5))).toBeUndefined();
    expect(retryDelayMs(serverError, 0, { ...POLICY, maxAttempts: 1 }, fixed(0.5))).toBeUndefined();
  });

  it('does not retry errors that would fail the same way again', () => {
    expect(retryDelayMs(new InvalidRequestError('bad'), 0, POLICY, fixed(0.5))).toBeUndefined();
    expect(retryDelayMs(new ContentFilterError('no', { provider: 'openai', upstreamStatus: 400 }), 0, POLICY, fixed(0.5))).toBeUndefined();
    expect(retryDelayMs(new InvalidProviderResponseError('garbled', { provider: 'openai' }), 0, POLICY, fixed(0.5))).toBeUndefined();
    expect(retryDelayMs(new ProviderApiError('unauthorized', { provider: 'openai', upstreamStatus: 401 }), 0, POLICY, fixed(0.5))).toBeUndefined();
    expect(retryDelayMs(new Error('untyped'), 0, POLICY, fixed(0.5))).toBeUndefined();
  });

  it('waits at least the Retry-After, or longer when the jittered backoff is longer', () => {
    const rateLimited = (retryAfterMs: number) => new ProviderRateLimitError('slow down', { provider: 'openai', upstreamStatus: 429, retryAfterMs });
    expect(retryDelayMs(rateLimited(2_000), 0, POLICY, fixed(0.5))).toBe(2_000);
    expect(retryDelayMs(rateLimited(10), 3 - 1, POLICY, fixed(0.5))).toBe(200);
    expect(retryDelayMs(rateLimited(3_000), 0, POLICY, fixed(0.99))).toBe(3_000);
  });

  it('falls back instead of waiting when Retry-After exceeds the cap', () => {
    const rateLimited = new ProviderRateLimitError('slow down', { provider: 'openai', upstreamStatus: 429, retryAfterMs: 3_001 });
    expect(retryDelayMs(rateLimited, 0, POLICY, fixed(0.5))).toBeUndefined();
    expect(retryDelayMs(rateLimited, 0, { ...POLICY, maxRetryAfterMs: 60_000 }, fixed(0.5))).toBe(3_001);
  });

  it('uses plain backoff for a rate limit without a hint', () => {
    const rateLimited = new ProviderRateLimitError('slow down', { provider: 'anthropic', upstreamStatus: 529 });
    expect(retryDelayMs(rateLimited, 1, POLICY, fixed(0.25))).toBe(50);
  });

  it('has defaults that allow one retry per target', () => {
    expect(retryDelayMs(serverError, 0, DEFAULT_RETRY_POLICY, fixed(0.5))).toBe(100);
    expect(retryDelayMs(serverError, 1, DEFAULT_RETRY_POLICY, fixed(0.5))).toBeUndefined();
  });
});

describe('readRetryAfterMs', () => {
  it('reads only finite, non-negative hints', () => {
    expect(readRetryAfterMs(new ProviderRateLimitError('x', { provider: 'p', retryAfterMs: 1500 }))).toBe(1500);
    expect(readRetryAfterMs(new ProviderRateLimitError('x', { provider: 'p' }))).toBeUndefined();
    expect(readRetryAfterMs({ retryAfterMs: -1 })).toBeUndefined();
    expect(readRetryAfterMs({ retryAfterMs: '5' })).toBeUndefined();
    expect(readRetryAfterMs(null)).toBeUndefined();
  });
});
