import { GatewayError } from '../../spec/errors.js';
import type { RandomSource } from './clock.js';

/** How often, and how patiently, one target (deployment) is retried before falling back. */
export interface RetryPolicy {
  /** Attempts at the same target, the first one included (1 = never retry, fall back at once). */
  maxAttempts: number;
  /** Backoff ceiling before the first retry; doubles with every further retry. */
  baseMs: number;
  /** Largest backoff ceiling. */
  maxMs: number;
  /**
   * Longest Retry-After we are willing to honour on this target. When the upstream asks for
   * more, waiting would stall the client, so we fall back to another target instead.
   */
  maxRetryAfterMs: number;
}

/**
 * One retry per target: a gateway has other deployments and fallback models to try, which is
 * usually faster than insisting on a sick one. The backoff ceiling starts at 200 ms because LLM
 * calls take seconds anyway, and a Retry-After above 5 s is better spent on a fallback.
 */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 2,
  baseMs: 200,
  maxMs: 5_000,
  maxRetryAfterMs: 5_000,
});

/**
 * Exponential backoff with full jitter: a uniform draw in [0, min(maxMs, baseMs × 2^attempt)).
 * Of the jitter variants, full jitter spreads simultaneous retries out the most.
 * @param attempt zero-based index of the attempt that just failed (0 after the first failure)
 * @see https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export function backoffDelayMs(attempt: number, policy: Pick<RetryPolicy, 'baseMs' | 'maxMs'>, random: RandomSource): number {
  const exponent = Math.max(0, Math.floor(attempt));
  // 2^exponent overflows to Infinity long before it matters; Math.min caps it.
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.max(0, ceiling) * clampUnit(random());
}

/**
 * How long to wait before retrying the same target after `error`, or `undefined` when it should
 * not be retried (fall back to the next target instead) because:
 * - the error is not retryable (anything that is not a GatewayError counts as not retryable:
 *   pass errors through `toGatewayError` first),
 * - the attempts at this target are used up (`attempt + 1 >= maxAttempts`), or
 * - the upstream asked us to wait longer than `maxRetryAfterMs`.
 * With a Retry-After hint the delay is at least the hint, never less than the jittered backoff,
 * so many clients told "retry in 1 s" do not all come back on the same millisecond.
 * @param attempt zero-based index of the attempt that just failed
 */
export function retryDelayMs(error: unknown, attempt: number, policy: RetryPolicy, random: RandomSource): number | undefined {
  if (!GatewayError.isInstance(error) || !error.isRetryable) return undefined;
  if (attempt + 1 >= policy.maxAttempts) return undefined;
  const jittered = backoffDelayMs(attempt, policy, random);
  const retryAfterMs = readRetryAfterMs(error);
  if (retryAfterMs === undefined) return jittered;
  if (retryAfterMs > policy.maxRetryAfterMs) return undefined;
  return Math.max(retryAfterMs, jittered);
}

/** The upstream's Retry-After hint carried by ProviderApiError and its subclasses, if any. */
export function readRetryAfterMs(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('retryAfterMs' in error)) return undefined;
  const value = error.retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** Guards against a random source that returns 1 or strays outside [0, 1). */
function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 0;
  return value >= 1 ? 1 : value;
}
