import { Redis, type RedisOptions } from 'ioredis';
import { decodeCachedEntry, encodeCachedEntry, type CacheBackend, type CachedEntry } from '../../core/cache/cache-backend.js';
import { DEFAULT_CACHE_KEY_PREFIX } from '../../core/cache/cache-config.js';

export interface RedisResponseCacheOptions {
  redis: Redis;
  /** Prefix of every key this cache writes; default `switchyard:cache:`. */
  keyPrefix?: string;
  /** Whether `close()` quits the connection (true when the cache opened it). */
  ownsConnection?: boolean;
}

/**
 * Cached answers shared by every replica: one string per key, written with `SET … PX` so Redis
 * expires it, read with `GET`. Eviction under memory pressure is Redis's own (`maxmemory-policy`).
 * @see https://redis.io/docs/latest/commands/set/
 */
export class RedisResponseCache implements CacheBackend {
  private readonly redis: Redis;
  private readonly keyPrefix: string;
  private readonly ownsConnection: boolean;

  constructor(options: RedisResponseCacheOptions) {
    this.redis = options.redis;
    this.keyPrefix = options.keyPrefix ?? DEFAULT_CACHE_KEY_PREFIX;
    this.ownsConnection = options.ownsConnection ?? false;
  }

  /**
   * Opens its own connection. A lookup sits on the request path, so a slow or absent Redis must
   * cost little: one retry, and a command timeout after which the caller treats it as a miss.
   */
  static connect(url: string, options: { keyPrefix?: string; redisOptions?: RedisOptions } = {}): RedisResponseCache {
    const redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 500, ...options.redisOptions });
    // Connection errors also fail the commands, which is where they are reported; without a
    // listener ioredis would print every reconnect failure to stderr.
    redis.on('error', () => undefined);
    return new RedisResponseCache({ redis, ownsConnection: true, ...(options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix }) });
  }

  async get(key: string): Promise<CachedEntry | undefined> {
    const text = await this.redis.get(this.keyPrefix + key);
    return text === null ? undefined : decodeCachedEntry(text);
  }

  async set(key: string, entry: CachedEntry, ttlMs: number): Promise<void> {
    const ttl = Math.floor(ttlMs);
    if (ttl <= 0) return;
    await this.redis.set(this.keyPrefix + key, encodeCachedEntry(entry), 'PX', ttl);
  }

  async close(): Promise<void> {
    if (this.ownsConnection && this.redis.status !== 'end') await this.redis.quit();
  }
}
