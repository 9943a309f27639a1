import { ConcurrencyLimitExceededError, RateLimitExceededError } from './limit-errors.js';
import type { LimitsConfig } from './limit-config.js';
import type { ConcurrencyLease, RateLimitRule, RateLimitStore } from './rate-limit-store.js';

/** One set of limits a request counts against, e.g. `{ scope: 'key', id: 'team-a', limits }`. */
export interface LimitScope {
  scope: string;
  id: string;
  limits: LimitsConfig | undefined;
}

/** What a request holds while it runs. */
export interface LimitPermit {
  /**
   * Frees the concurrency slots and, given the tokens actually used, refunds or charges the
   * difference from the estimate against every tokens-per-minute limit. Idempotent; never throws.
   */
  release(actualTokens?: number): Promise<void>;
}

export interface RequestLimiterOptions {
  /**
   * How long a concurrency slot is held at most if never released (a crashed replica). Set it
   * above the longest request the gateway allows, streaming included.
   */
  leaseMs?: number;
  /** Retry-After suggested when every concurrency slot is taken. */
  concurrencyRetryAfterMs?: number;
  /** Called with store errors during release (which must not fail the response). */
  onReleaseError?: (error: unknown) => void;
}

const MINUTE_MS = 60_000;
const NO_PERMIT: LimitPermit = { release: async () => {} };

/** A unit consumed from a bucket, kept so it can be refunded or reconciled. */
interface Charge {
  key: string;
  rule: RateLimitRule;
  cost: number;
  isTokens: boolean;
}

/**
 * Checks requests/min, tokens/min and concurrency for every scope of a request.
 *
 * All-or-nothing as far as practical: concurrency slots are taken first (for every scope), then
 * each bucket is consumed in scope order; when anything refuses, the slots are released and the
 * buckets already charged are refunded. Across scopes this is NOT atomic: each step is atomic on
 * its own key, so in the short window between a charge and its refund a concurrent request can
 * see the lower balance and be refused, and a refund made after time has passed cannot restore a
 * bucket beyond full. Both err on the strict side and never admit more than a limit allows.
 */
export class RequestLimiter {
  private readonly leaseMs: number;
  private readonly concurrencyRetryAfterMs: number;
  private readonly onReleaseError: (error: unknown) => void;

  constructor(
    private readonly store: RateLimitStore,
    options: RequestLimiterOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? 10 * MINUTE_MS;
    this.concurrencyRetryAfterMs = options.concurrencyRetryAfterMs ?? 1000;
    this.onReleaseError = options.onReleaseError ?? (() => {});
  }

  /**
   * Admits a request estimated at `estimatedTokens` (prompt plus expected completion) or throws
   * RateLimitExceededError / ConcurrencyLimitExceededError. Store failures (e.g. Redis down)
   * propagate as they are; whether to fail open is the caller's decision.
   */
  async acquire(scopes: readonly LimitScope[], estimatedTokens: number): Promise<LimitPermit> {
    const limited = scopes.filter((scope) => scope.limits && Object.values(scope.limits).some((value) => value !== undefined));
    if (limited.length === 0) return NO_PERMIT;
    const tokens = Math.max(0, Math.ceil(estimatedTokens));
    const leases: ConcurrencyLease[] = [];
    const charges: Charge[] = [];
    try {
      for (const scope of limited) {
        const max = scope.limits?.max_concurrent;
        if (max === undefined) continue;
        const lease = await this.store.acquireConcurrency(scopeKey(scope, 'concurrency'), max, this.leaseMs);
        if (!lease) {
          throw new ConcurrencyLimitExceededError({ scope: scope.scope, scopeId: scope.id, limit: max, retryAfterMs: this.concurrencyRetryAfterMs });
        }
        leases.push(lease);
      }
      for (const scope of limited) {
        const requestsPerMinute = scope.limits?.requests_per_minute;
        if (requestsPerMinute !== undefined) {
          await this.charge(charges, scope, 'requests_per_minute', { key: scopeKey(scope, 'rpm'), rule: perMinute(requestsPerMinute), cost: 1, isTokens: false });
        }
        const tokensPerMinute = scope.limits?.tokens_per_minute;
        if (tokensPerMinute !== undefined) {
          await this.charge(charges, scope, 'tokens_per_minute', { key: scopeKey(scope, 'tpm'), rule: perMinute(tokensPerMinute), cost: tokens, isTokens: true });
        }
      }
    } catch (error) {
      await this.undo(leases, charges);
      throw error;
    }
    return this.permit(leases, charges, tokens);
  }

  private async charge(charges: Charge[], scope: LimitScope, limitKind: 'requests_per_minute' | 'tokens_per_minute', charge: Charge): Promise<void> {
    const decision = await this.store.consume(charge.key, charge.rule, charge.cost);
    if (!decision.allowed) {
      throw new RateLimitExceededError({ scope: scope.scope, scopeId: scope.id, limitKind, limit: charge.rule.limit, retryAfterMs: decision.retryAfterMs });
    }
    charges.push(charge);
  }

  private async undo(leases: ConcurrencyLease[], charges: Charge[]): Promise<void> {
    await this.settle([
      ...leases.map((lease) => lease.release()),
      ...charges.map((charge) => this.store.adjust(charge.key, charge.rule, -charge.cost)),
    ]);
  }

  private permit(leases: ConcurrencyLease[], charges: Charge[], estimatedTokens: number): LimitPermit {
    let released = false;
    return {
      release: async (actualTokens?: number) => {
        if (released) return;
        released = true;
        const reconcile =
          actualTokens === undefined || !Number.isFinite(actualTokens)
            ? []
            : charges
                .filter((charge) => charge.isTokens && Math.ceil(actualTokens) !== estimatedTokens)
                .map((charge) => this.store.adjust(charge.key, charge.rule, Math.max(0, Math.ceil(actualTokens)) - estimatedTokens));
        await this.settle([...leases.map((lease) => lease.release()), ...reconcile]);
      },
    };
  }

  /** Runs cleanup in parallel; a failing one is reported, never thrown, so the others still run. */
  private async settle(operations: Array<Promise<void>>): Promise<void> {
    for (const result of await Promise.allSettled(operations)) {
      if (result.status === 'rejected') this.onReleaseError(result.reason);
    }
  }
}

function perMinute(limit: number): RateLimitRule {
  return { limit, windowMs: MINUTE_MS };
}

/** Scope kind and id are both in the key, so a key and a workload with the same name never share state. */
function scopeKey(scope: LimitScope, kind: 'rpm' | 'tpm' | 'concurrency'): string {
  return `${scope.scope}:${encodeURIComponent(scope.id)}:${kind}`;
}
