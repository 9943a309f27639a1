import { describe, expect, it } from 'vitest';
import { parseDurationMs, parseRetryAfterMs } from './retry-after.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');

describe('parseRetryAfterMs', () => {
  it('reads retry-after in seconds', () => {
    expect(parseRetryAfterMs({ 'retry-after': '7' }, NOW)).toBe(7000);
    expect(parseRetryAfterMs({ 'retry-after': '0' }, NOW)).toBe(0);
  });

  it('reads retry-after as an HTTP date, relative to now, never negative', () => {
    expect(parseRetryAfterMs({ 'retry-after': 'Sun, 01 Jun 2025 12:00:30 GMT' }, NOW)).toBe(30_000);
    expect(parseRetryAfterMs({ 'retry-after': 'Sun, 01 Jun 2025 11:59:00 GMT' }, NOW)).toBe(0);
  });

  it('prefers retry-after-ms, as OpenAI and Azure send it', () => {
    expect(parseRetryAfterMs({ 'retry-after-ms': '1500', 'retry-after': '2' }, NOW)).toBe(1500);
  });

  it('skips an invalid retry-after-ms and falls back to retry-after', () => {
    expect(parseRetryAfterMs({ 'retry-after-ms': 'soon', 'retry-after': '2' }, NOW)).toBe(2000);
  });

  it('reads the first value of a repeated header', () => {
    expect(parseRetryAfterMs({ 'retry-after': ['3', '9'] }, NOW)).toBe(3000);
  });

  it("falls back to the longest of OpenAI's x-ratelimit-reset-* durations", () => {
    expect(parseRetryAfterMs({ 'x-ratelimit-reset-requests': '6m0s', 'x-ratelimit-reset-tokens': '20ms' }, NOW)).toBe(360_000);
    expect(parseRetryAfterMs({ 'x-ratelimit-reset-tokens': '1s' }, NOW)).toBe(1000);
  });

  it("falls back to Anthropic's RFC 3339 reset timestamps", () => {
    expect(parseRetryAfterMs({ 'anthropic-ratelimit-requests-reset': '2025-06-01T12:00:05Z' }, NOW)).toBe(5000);
    expect(
      parseRetryAfterMs(
        { 'anthropic-ratelimit-requests-reset': '2025-06-01T12:00:05Z', 'anthropic-ratelimit-tokens-reset': '2025-06-01T12:00:42.5Z' },
        NOW,
      ),
    ).toBe(42_500);
    expect(parseRetryAfterMs({ 'anthropic-ratelimit-tokens-reset': '2025-06-01T11:00:00Z' }, NOW)).toBe(0);
  });

  it('returns undefined without a hint, or with unparseable ones', () => {
    expect(parseRetryAfterMs({}, NOW)).toBeUndefined();
    expect(parseRetryAfterMs({ 'retry-after': 'later' }, NOW)).toBeUndefined();
    expect(parseRetryAfterMs({ 'x-ratelimit-reset-requests': 'soon', 'anthropic-ratelimit-requests-reset': 'never' }, NOW)).toBeUndefined();
  });
});

describe('parseDurationMs', () => {
  it.each([
    ['1s', 1000],
    ['6m0s', 360_000],
    ['20ms', 20],
    ['1h2m3.5s', 3_723_500],
    ['0.5s', 500],
    ['59m59.999s', 3_599_999],
    ['2', 2000],
    ['1.25', 1250],
  ])('parses %s as %i ms', (value, expected) => {
    expect(parseDurationMs(value)).toBe(expected);
  });

  it.each([[undefined], [''], ['soon'], ['5x'], ['-1s'], ['1s garbage']])('returns undefined for %s', (value) => {
    expect(parseDurationMs(value)).toBeUndefined();
  });
});

/** Headers that give no usable hint must not read as "retry now". */
describe('parseRetryAfterMs with unusable values', () => {
  it('ignores an empty retry-after', () => {
    expect(parseRetryAfterMs({ 'retry-after': '' }, NOW)).toBeUndefined();
  });

  it('ignores a negative retry-after and falls back to the reset headers', () => {
    expect(parseRetryAfterMs({ 'retry-after': '-1', 'x-ratelimit-reset-requests': '2s' }, NOW)).toBe(2000);
  });
});
