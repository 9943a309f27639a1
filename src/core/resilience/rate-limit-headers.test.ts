import { describe, expect, it } from 'vitest';
import { parseRateLimitHeaders } from './rate-limit-headers.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');

describe('parseRateLimitHeaders', () => {
  it('reads OpenAI headers with Go-duration resets', () => {
    expect(
      parseRateLimitHeaders(
        {
          'x-ratelimit-limit-requests': '5000',
          'x-ratelimit-remaining-requests': '4999',
          'x-ratelimit-reset-requests': '12ms',
          'x-ratelimit-limit-tokens': '160000',
          'x-ratelimit-remaining-tokens': '159976',
          'x-ratelimit-reset-tokens': '6m0s',
        },
        NOW,
      ),
    ).toEqual({
      requests: { limit: 5000, remaining: 4999, resetAt: NOW + 12 },
      tokens: { limit: 160000, remaining: 159976, resetAt: NOW + 360_000 },
    });
  });

  it('reads Anthropic headers with RFC 3339 resets, never in the past', () => {
    expect(
      parseRateLimitHeaders(
        {
          'anthropic-ratelimit-requests-limit': '50',
          'anthropic-ratelimit-requests-remaining': '49',
          'anthropic-ratelimit-requests-reset': '2025-06-01T12:00:01.500Z',
          'anthropic-ratelimit-tokens-remaining': '7000',
          'anthropic-ratelimit-tokens-reset': '2025-06-01T11:59:00Z',
          'anthropic-ratelimit-output-tokens-remaining': '8000',
        },
        NOW,
      ),
    ).toEqual({
      requests: { limit: 50, remaining: 49, resetAt: NOW + 1_500 },
      tokens: { limit: undefined, remaining: 7000, resetAt: NOW },
      'output-tokens': { limit: undefined, remaining: 8000, resetAt: undefined },
    });
  });

  it('accepts any header case, repeated headers and a web Headers object', () => {
    expect(parseRateLimitHeaders({ 'X-RateLimit-Remaining-Requests': ['3', '9'] }, NOW)).toEqual({
      requests: { limit: undefined, remaining: 3, resetAt: undefined },
    });
    const headers = new Headers({ 'x-ratelimit-remaining-tokens': '10', 'x-ratelimit-reset-tokens': '1s' });
    expect(parseRateLimitHeaders(headers, NOW)).toEqual({ tokens: { limit: undefined, remaining: 10, resetAt: NOW + 1_000 } });
  });

  it("treats Azure's -1 and unparseable values as unknown", () => {
    expect(parseRateLimitHeaders({ 'x-ratelimit-limit-tokens': '-1', 'x-ratelimit-remaining-tokens': '-1', 'x-ratelimit-reset-tokens': '0' }, NOW)).toEqual({});
    expect(
      parseRateLimitHeaders({ 'x-ratelimit-remaining-requests': '7', 'x-ratelimit-reset-requests': 'soon', 'anthropic-ratelimit-requests-remaining': 'many' }, NOW),
    ).toEqual({ requests: { limit: undefined, remaining: 7, resetAt: undefined } });
    expect(parseRateLimitHeaders({ 'anthropic-ratelimit-requests-remaining': '1', 'anthropic-ratelimit-requests-reset': '2030' }, NOW)).toEqual({
      requests: { limit: undefined, remaining: 1, resetAt: undefined },
    });
  });

  it('reads reset given as bare seconds, as Azure sends it', () => {
    expect(parseRateLimitHeaders({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '7' }, NOW).requests?.resetAt).toBe(NOW + 7_000);
  });
});
