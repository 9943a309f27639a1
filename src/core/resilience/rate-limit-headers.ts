import { parseDurationMs, type HeaderBag } from '../../provider-utils/retry-after.js';

/**
 * Reads an upstream's rate-limit state from the headers it sends on every response, so traffic
 * can steer away from a deployment before it starts answering 429.
 * @see https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers
 *   (`x-ratelimit-{limit,remaining,reset}-{requests,tokens}`, resets as Go durations "6m0s", "20ms")
 * @see https://docs.anthropic.com/en/api/rate-limits#response-headers
 *   (`anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}`, resets in RFC 3339)
 */
export type RateLimitDimension = 'requests' | 'tokens' | 'input-tokens' | 'output-tokens';

export interface RateLimitWindow {
  /** The limit for the window, when the upstream reports it. */
  limit: number | undefined;
  remaining: number;
  /** When the upstream says the limit resets (epoch ms), when it reports it. */
  resetAt: number | undefined;
}

export type RateLimitSnapshot = Partial<Record<RateLimitDimension, RateLimitWindow>>;

/** Plain header records (any key case) or a web `Headers` object. */
export type HeaderSource = HeaderBag | { get(name: string): string | null };

/** Each dimension's header names, built once (this runs on every upstream response). */
const OPENAI_WINDOWS = (['requests', 'tokens'] as const).map((dimension) => ({
  dimension,
  limit: `x-ratelimit-limit-${dimension}`,
  remaining: `x-ratelimit-remaining-${dimension}`,
  reset: `x-ratelimit-reset-${dimension}`,
}));
const ANTHROPIC_WINDOWS = (['requests', 'tokens', 'input-tokens', 'output-tokens'] as const).map((dimension) => ({
  dimension,
  limit: `anthropic-ratelimit-${dimension}-limit`,
  remaining: `anthropic-ratelimit-${dimension}-remaining`,
  reset: `anthropic-ratelimit-${dimension}-reset`,
}));

/** Rate-limit windows found in the headers; an empty object when there are none. */
export function parseRateLimitHeaders(headers: HeaderSource, now: number): RateLimitSnapshot {
  const read = headerReader(headers);
  const snapshot: RateLimitSnapshot = {};
  for (const names of OPENAI_WINDOWS) {
    const remaining = read(names.remaining);
    if (remaining === undefined) continue;
    const window = readWindow(read(names.limit), remaining, resetFromDuration(read(names.reset), now));
    if (window) snapshot[names.dimension] = window;
  }
  for (const names of ANTHROPIC_WINDOWS) {
    const remaining = read(names.remaining);
    if (remaining === undefined) continue;
    const window = readWindow(read(names.limit), remaining, resetFromTimestamp(read(names.reset), now));
    if (window) snapshot[names.dimension] = window;
  }
  return snapshot;
}

function readWindow(limit: string | undefined, remaining: string | undefined, resetAt: number | undefined): RateLimitWindow | undefined {
  const remainingCount = parseCount(remaining);
  if (remainingCount === undefined) return undefined;
  return { limit: parseCount(limit), remaining: remainingCount, resetAt };
}

/** A non-negative count; Azure OpenAI sends -1 when it does not know, which we treat as absent. */
function parseCount(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const count = Number(value);
  return Number.isFinite(count) && count >= 0 ? count : undefined;
}

function resetFromDuration(value: string | undefined, now: number): number | undefined {
  const delay = parseDurationMs(value?.trim());
  return delay === undefined ? undefined : now + delay;
}

function resetFromTimestamp(value: string | undefined, now: number): number | undefined {
  // Only a date counts; Date.parse alone would read a bare number as a year.
  if (value === undefined || !/^\d{4}-\d{2}-\d{2}T/.test(value.trim())) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(now, at);
}

function headerReader(headers: HeaderSource): (name: string) => string | undefined {
  if (typeof headers.get === 'function') {
    const source = headers as { get(name: string): string | null };
    return (name) => source.get(name) ?? undefined;
  }
  const bag = headers as HeaderBag;
  // Upstream responses (undici) already have lower-case names: read them as they are, and build a
  // lower-cased copy only for a record that has an upper-case name.
  if (!hasUpperCaseName(bag)) return (name) => firstValue(bag[name]);
  const lowerCased = new Map<string, string>();
  for (const [key, value] of Object.entries(bag)) {
    const first = firstValue(value);
    if (first !== undefined) lowerCased.set(key.toLowerCase(), first);
  }
  return (name) => lowerCased.get(name);
}

function hasUpperCaseName(bag: HeaderBag): boolean {
  for (const key in bag) if (/[A-Z]/.test(key)) return true;
  return false;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
