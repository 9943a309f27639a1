import { randomUUID } from 'node:crypto';
import {
  adjustedTat,
  assertValidRule,
  gcra,
  type ConcurrencyLease,
  type RateLimitDecision,
  type RateLimitRule,
  type RateLimitStore,
} from './rate-limit-store.js';

export interface MemoryRateLimitStoreOptions {
  /** Milliseconds since the epoch; injectable so tests control time. */
  clock?: () => number;
  /** Sweep idle entries every this many operations (no timers: the store never keeps the process alive). */
  sweepEvery?: number;
}

/** Limits for one replica. State is lost on restart, which only makes limits briefly looser. */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly clock: () => number;
  private readonly sweepEvery: number;
  /** Theoretical arrival time per key; a TAT at or before now means a full bucket, the same as no entry. */
  private readonly arrivals = new Map<string, number>();
  /** Lease id → expiry time, per key. */
  private readonly leases = new Map<string, Map<string, number>>();
  private operations = 0;

  constructor(options: MemoryRateLimitStoreOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.sweepEvery = options.sweepEvery ?? 1000;
  }

  async consume(key: string, rule: RateLimitRule, cost: number, now = this.clock()): Promise<RateLimitDecision> {
    assertValidRule(rule, cost);
    this.maybeSweep(now);
    const outcome = gcra(this.arrivals.get(key), now, rule, cost);
    if (outcome.decision.allowed) this.arrivals.set(key, outcome.nextTat);
    return outcome.decision;
  }

  async adjust(key: string, rule: RateLimitRule, delta: number): Promise<void> {
    assertValidRule(rule, Math.abs(delta));
    const now = this.clock();
    const tat = adjustedTat(this.arrivals.get(key), now, rule, delta);
    if (tat <= now) this.arrivals.delete(key);
    else this.arrivals.set(key, tat);
  }

  async acquireConcurrency(key: string, max: number, leaseMs: number): Promise<ConcurrencyLease | undefined> {
    const now = this.clock();
    this.maybeSweep(now);
    let held = this.leases.get(key);
    if (held) removeExpired(held, now);
    if ((held?.size ?? 0) >= max) return undefined;
    if (!held) {
      held = new Map();
      this.leases.set(key, held);
    }
    const id = randomUUID();
    held.set(id, now + leaseMs);
    const leases = this.leases;
    return {
      key,
      id,
      async release() {
        const current = leases.get(key);
        current?.delete(id);
        if (current?.size === 0) leases.delete(key);
      },
    };
  }

  async close(): Promise<void> {
    this.arrivals.clear();
    this.leases.clear();
  }

  /** Drops full buckets and expired leases now and then, so idle keys do not accumulate. */
  private maybeSweep(now: number): void {
    this.operations += 1;
    if (this.operations % this.sweepEvery !== 0) return;
    for (const [key, tat] of this.arrivals) if (tat <= now) this.arrivals.delete(key);
    for (const [key, held] of this.leases) {
      removeExpired(held, now);
      if (held.size === 0) this.leases.delete(key);
    }
  }

  /** Number of keys with state, for tests of the sweep. */
  get trackedKeys(): number {
    return this.arrivals.size + this.leases.size;
  }
}

function removeExpired(held: Map<string, number>, now: number): void {
  for (const [id, expiresAt] of held) if (expiresAt <= now) held.delete(id);
}
