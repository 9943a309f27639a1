import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import {
  assertValidRule,
  type ConcurrencyLease,
  type RateLimitDecision,
  type RateLimitRule,
  type RateLimitStore,
} from '../../core/limits/rate-limit-store.js';
import { DEFAULT_LIMITS_KEY_PREFIX } from '../../core/limits/limit-config.js';
import { ACQUIRE_SCRIPT, ADJUST_SCRIPT, CONSUME_SCRIPT, luaScript, runLuaScript } from './redis-rate-limit-scripts.js';

export interface RedisRateLimitStoreOptions {
  redis: Redis;
  /** Prefix of every key this store writes; default `switchyard:rl:`. */
  keyPrefix?: string;
  /**
   * Overrides Redis server time (milliseconds since the epoch). For tests only: replicas must
   * share one clock, which is why production uses the server's `TIME`.
   */
  clock?: () => number;
  /** Whether `close()` quits the connection (true when the store opened it). */
  ownsConnection?: boolean;
}

const consumeScript = luaScript(CONSUME_SCRIPT);
const adjustScript = luaScript(ADJUST_SCRIPT);
const acquireScript = luaScript(ACQUIRE_SCRIPT);

/**
 * Limits shared by every replica. Each operation is one atomic Lua script on one key, so
 * concurrent requests on any number of replicas never over-admit.
 */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly redis: Redis;
  private readonly keyPrefix: string;
  private readonly clock: (() => number) | undefined;
  private readonly ownsConnection: boolean;

  constructor(options: RedisRateLimitStoreOptions) {
    this.redis = options.redis;
    this.keyPrefix = options.keyPrefix ?? DEFAULT_LIMITS_KEY_PREFIX;
    this.clock = options.clock;
    this.ownsConnection = options.ownsConnection ?? false;
  }

  /**
   * Opens its own connection. One retry per command: when Redis is down a request should fail
   * fast rather than wait behind reconnects.
   */
  static connect(url: string, options: Omit<RedisRateLimitStoreOptions, 'redis' | 'ownsConnection'> & { redisOptions?: RedisOptions } = {}): RedisRateLimitStore {
    const redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2000, ...options.redisOptions });
    // Connection errors also fail the commands, where the limiter reports them; without a listener
    // ioredis prints a stack trace to stderr for every failed reconnect.
    redis.on('error', () => undefined);
    return new RedisRateLimitStore({ ...options, redis, ownsConnection: true });
  }

  async consume(key: string, rule: RateLimitRule, cost: number, now?: number): Promise<RateLimitDecision> {
    assertValidRule(rule, cost);
    const reply = await runLuaScript(this.redis, consumeScript, [this.rateKey(key)], [this.nowArgument(now), rule.limit, rule.windowMs, cost]);
    const [allowed, remaining, retryAfterMs, resetMs] = parseDecisionReply(reply);
    return { allowed: allowed === 1, remaining, retryAfterMs, resetMs };
  }

  async adjust(key: string, rule: RateLimitRule, delta: number): Promise<void> {
    assertValidRule(rule, Math.abs(delta));
    if (delta === 0) return;
    await runLuaScript(this.redis, adjustScript, [this.rateKey(key)], [this.nowArgument(), rule.limit, rule.windowMs, delta]);
  }

  async acquireConcurrency(key: string, max: number, leaseMs: number): Promise<ConcurrencyLease | undefined> {
    const setKey = this.concurrencyKey(key);
    const id = randomUUID();
    const reply = await runLuaScript(this.redis, acquireScript, [setKey], [this.nowArgument(), max, leaseMs, id]);
    if (reply !== 1) return undefined;
    const redis = this.redis;
    let released = false;
    return {
      key,
      id,
      async release() {
        if (released) return;
        released = true;
        await redis.zrem(setKey, id);
      },
    };
  }

  async close(): Promise<void> {
    if (this.ownsConnection && this.redis.status !== 'end') await this.redis.quit();
  }

  private rateKey(key: string): string {
    return `${this.keyPrefix}gcra:${key}`;
  }

  /** A separate namespace, so a caller using one name for both kinds never hits WRONGTYPE. */
  private concurrencyKey(key: string): string {
    return `${this.keyPrefix}sem:${key}`;
  }

  private nowArgument(now?: number): string {
    const value = now ?? this.clock?.();
    return value === undefined ? '' : String(value);
  }
}

function parseDecisionReply(reply: unknown): [number, number, number, number] {
  if (!Array.isArray(reply) || reply.length !== 4 || !reply.every((value) => typeof value === 'number')) {
    throw new Error(`Unexpected reply from the rate limit script: ${JSON.stringify(reply)}`);
  }
  return reply as [number, number, number, number];
}
