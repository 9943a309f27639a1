import type { CacheBackend } from './cache-backend.js';
import type { CacheStoreConfig } from './cache-config.js';
import { MemoryCacheBackend } from './memory-cache-backend.js';

export interface CreateCacheBackendOptions {
  /** Where failures of the store are reported; the cache itself answers them as misses. */
  onError?: (error: unknown) => void;
}

/**
 * Builds the backend a `cache_store` section describes. The Redis backend is imported lazily so a
 * gateway without Redis never loads ioredis.
 */
export async function createCacheBackend(
  config: CacheStoreConfig,
  options: CreateCacheBackendOptions = {},
): Promise<CacheBackend> {
  let backend: CacheBackend;
  switch (config.type) {
    case 'memory':
      return new MemoryCacheBackend({ maxEntries: config.max_entries, maxBytes: config.max_bytes });
    case 'redis': {
      const { RedisResponseCache } = await import('../../store/redis/redis-response-cache.js');
      backend = RedisResponseCache.connect(config.url, { keyPrefix: config.key_prefix });
      break;
    }
    default: {
      const unknownType: never = config;
      throw new Error(`Unknown cache store: ${JSON.stringify(unknownType)}`);
    }
  }
  return options.onError ? reportingErrors(backend, options.onError) : backend;
}

/**
 * A backend whose failures are reported and then answered as a miss (reads) or dropped (writes):
 * a cache that is down makes requests slower, never failed.
 */
export function reportingErrors(backend: CacheBackend, onError: (error: unknown) => void): CacheBackend {
  return {
    get: (key) =>
      backend.get(key).catch((error: unknown) => {
        onError(error);
        return undefined;
      }),
    set: (key, entry, ttlMs) => backend.set(key, entry, ttlMs).catch((error: unknown) => onError(error)),
    close: () => backend.close(),
  };
}
