import { MemoryRateLimitStore } from './memory-rate-limit-store.js';
import type { LimitsStoreConfig } from './limit-config.js';
import type { RateLimitStore } from './rate-limit-store.js';

/**
 * Builds the store a `limits_store` section describes. The Redis store is imported lazily so a
 * gateway without Redis never loads ioredis.
 */
export async function createRateLimitStore(config: LimitsStoreConfig = { type: 'memory' }): Promise<RateLimitStore> {
  switch (config.type) {
    case 'memory':
      return new MemoryRateLimitStore();
    case 'redis': {
      const { RedisRateLimitStore } = await import('../../store/redis/redis-rate-limit-store.js');
      return RedisRateLimitStore.connect(config.url, { keyPrefix: config.key_prefix });
    }
    default: {
      const unknownType: never = config;
      throw new Error(`Unknown limits store: ${JSON.stringify(unknownType)}`);
    }
  }
}
