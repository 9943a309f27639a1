/**
 * Where rate and concurrency limit state lives. The in-memory store serves one replica; the
 * Redis store (src/store/redis) shares limits across replicas with atomic Lua scripts.
 */

/** `limit` units per `windowMs`, with bursts of up to `limit` at once. */
export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  /** Units that could still be consumed right now after this decision. */
  remaining: number;
  /** When refused: how long until the same cost would be admitted. 0 when allowed. */
  retryAfterMs: number;
  /** How long until the bucket is full again (no debt, `limit` units available). */
  resetMs: number;
}

/** One held concurrency slot. It expires on its own after `leaseMs` if never released. */
export interface ConcurrencyLease {
  readonly key: string;
  readonly id: string;
  /** Frees the slot. Idempotent. */
  release(): Promise<void>;
}

export interface RateLimitStore {
  /**
   * Consumes `cost` units under `rule` (GCRA: smooth refill, bursts up to `limit`). When refused,
   * nothing is consumed. A cost above `limit` is admitted only when the bucket is full and leaves it
   * in debt, so an oversized request is slow rather than impossible.
   * `now` overrides the store's clock (tests, replays); production callers leave it out.
   */
  consume(key: string, rule: RateLimitRule, cost: number, now?: number): Promise<RateLimitDecision>;
  /**
   * Reconciles an earlier estimate: a positive `delta` charges more (and may put the bucket in debt,
   * so later requests wait), a negative one refunds (never beyond a full bucket).
   */
  adjust(key: string, rule: RateLimitRule, delta: number): Promise<void>;
  /** Takes one of `max` slots for `leaseMs`, or returns undefined when all are held. */
  acquireConcurrency(key: string, max: number, leaseMs: number): Promise<ConcurrencyLease | undefined>;
  /** Releases what the store owns (connections it opened). */
  close(): Promise<void>;
}

/** Pure GCRA state transition, shared by the in-memory store and mirrored by the Redis Lua script. */
export interface GcraOutcome {
  decision: RateLimitDecision;
  /** The theoretical arrival time to store; unchanged when refused. */
  nextTat: number;
}

/**
 * Generic cell rate algorithm. `tat` (theoretical arrival time) is when the bucket would be full
 * again; each unit moves it `windowMs / limit` forward. A request is admitted when the new TAT is at
 * most one window (or its own size, when larger than the window) ahead of now.
 * @see https://en.wikipedia.org/wiki/Generic_cell_rate_algorithm
 */
export function gcra(tat: number | undefined, now: number, rule: RateLimitRule, cost: number): GcraOutcome {
  const interval = rule.windowMs / rule.limit;
  const base = Math.max(tat ?? now, now);
  const increment = interval * cost;
  const candidateTat = base + increment;
  const allowAt = candidateTat - Math.max(rule.windowMs, increment);
  if (allowAt > now) {
    return {
      nextTat: base,
      decision: {
        allowed: false,
        remaining: remainingUnits(base, now, rule, interval),
        retryAfterMs: Math.ceil(allowAt - now),
        resetMs: Math.ceil(base - now),
      },
    };
  }
  return {
    nextTat: candidateTat,
    decision: {
      allowed: true,
      remaining: remainingUnits(candidateTat, now, rule, interval),
      retryAfterMs: 0,
      resetMs: Math.ceil(candidateTat - now),
    },
  };
}

/** The TAT after an `adjust`: refunds stop at a full bucket (TAT = now). */
export function adjustedTat(tat: number | undefined, now: number, rule: RateLimitRule, delta: number): number {
  return Math.max(Math.max(tat ?? now, now) + (rule.windowMs / rule.limit) * delta, now);
}

function remainingUnits(tat: number, now: number, rule: RateLimitRule, interval: number): number {
  // A small epsilon keeps 60000/7-style intervals from flooring 3 units to 2.999… → 2.
  return Math.max(0, Math.floor((rule.windowMs - (tat - now)) / interval + 1e-9));
}

export function assertValidRule(rule: RateLimitRule, cost: number): void {
  if (!(rule.limit > 0) || !(rule.windowMs > 0)) throw new RangeError(`Invalid rate limit rule: limit ${rule.limit} per ${rule.windowMs} ms`);
  if (!(cost >= 0) || !Number.isFinite(cost)) throw new RangeError(`Invalid rate limit cost: ${cost}`);
}
