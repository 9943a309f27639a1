/**
 * Reads how long an upstream asks us to wait, from the standard and the provider-specific headers.
 * @see https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
 * @see https://platform.openai.com/docs/guides/rate-limits (x-ratelimit-reset-*: "1s", "6m0s", "20ms")
 * @see https://docs.anthropic.com/en/api/rate-limits (anthropic-ratelimit-*-reset: RFC 3339)
 */
export type HeaderBag = Record<string, string | string[] | undefined>;

export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Milliseconds to wait, or undefined when the upstream gave no hint. */
export function parseRetryAfterMs(headers: HeaderBag, now: number = Date.now()): number | undefined {
  const retryAfterMs = headerValue(headers, 'retry-after-ms');
  if (retryAfterMs !== undefined && retryAfterMs.trim() !== '') {
    const value = Number(retryAfterMs);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = headerValue(headers, 'retry-after');
  if (retryAfter !== undefined && retryAfter.trim() !== '') {
    if (/^\s*\d+(\.\d+)?\s*$/.test(retryAfter)) return Number(retryAfter) * 1000;
    // Only an HTTP-date counts; Date.parse alone reads '-1' as the year 2001.
    if (/[a-z]/i.test(retryAfter)) {
      const date = Date.parse(retryAfter);
      if (!Number.isNaN(date)) return Math.max(0, date - now);
    }
  }
  const resets = [
    parseDurationMs(headerValue(headers, 'x-ratelimit-reset-requests')),
    parseDurationMs(headerValue(headers, 'x-ratelimit-reset-tokens')),
    parseTimestampDelayMs(headerValue(headers, 'anthropic-ratelimit-requests-reset'), now),
    parseTimestampDelayMs(headerValue(headers, 'anthropic-ratelimit-tokens-reset'), now),
  ].filter((value): value is number => value !== undefined);
  return resets.length > 0 ? Math.max(...resets) : undefined;
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** Parses Go-style durations as OpenAI sends them: `1s`, `6m0s`, `20ms`, `1h2m3.5s`. */
export function parseDurationMs(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  let total = 0;
  let matched = '';
  for (const match of value.matchAll(DURATION_PART)) {
    total += Number(match[1]) * (UNIT_MS[match[2] ?? 's'] ?? 1000);
    matched += match[0];
  }
  if (matched !== value) {
    const seconds = Number(value);
    return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
  }
  return total;
}

function parseTimestampDelayMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
