import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../../../test/support/start-redis-server.js';
import type { CachedEntry } from '../../core/cache/cache-backend.js';
import { cacheStoreSchema } from '../../core/cache/cache-config.js';
import { createCacheBackend } from '../../core/cache/create-cache-backend.js';
import { RedisResponseCache } from './redis-response-cache.js';

let server: RedisServerHandle;
const connections: Redis[] = [];

function connect(): Redis {
  const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
  connections.push(redis);
  return redis;
}

beforeAll(async () => {
  server = await startRedisServer();
});

afterAll(async () => {
  await Promise.all(connections.map((redis) => redis.quit()));
  await server?.stop();
});

const entry: CachedEntry = {
  result: {
    content: [{ type: 'text', text: 'Paris.' }],
    finishReason: { unified: 'stop', raw: 'stop' },
    usage: { inputTokens: 12, outputTokens: 2, cacheReadInputTokens: 0 },
    response: { id: 'chatcmpl-1', modelId: 'gpt-4o-2024-08-06' },
    warnings: [],
  },
  deploymentId: 'openai/gpt-4o',
  modelVersion: 'gpt-4o-2024-08-06',
  storedAt: 1_700_000_000_000,
};

describe('RedisResponseCache', () => {
  it('stores under its prefix with SET PX and reads the entry back', async () => {
    const redis = connect();
    const prefix = `cache-test:${randomUUID()}:`;
    const cache = new RedisResponseCache({ redis, keyPrefix: prefix });
    expect(await cache.get('abc')).toBeUndefined();
    await cache.set('abc', entry, 60_000);
    expect(await cache.get('abc')).toEqual(entry);
    expect(await redis.keys(`${prefix}*`)).toEqual([`${prefix}abc`]);
    const ttl = await redis.pttl(`${prefix}abc`);
    expect(ttl).toBeGreaterThan(59_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('lets Redis expire entries', async () => {
    const cache = new RedisResponseCache({ redis: connect(), keyPrefix: `expiry:${randomUUID()}:` });
    await cache.set('short', entry, 50);
    expect(await cache.get('short')).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await cache.get('short')).toBeUndefined();
  });

  it('answers a value that is not an entry as a miss', async () => {
    const redis = connect();
    const prefix = `corrupt:${randomUUID()}:`;
    await redis.set(`${prefix}bad`, '{"not":"an entry"}');
    await redis.set(`${prefix}worse`, 'not json');
    const cache = new RedisResponseCache({ redis, keyPrefix: prefix });
    expect(await cache.get('bad')).toBeUndefined();
    expect(await cache.get('worse')).toBeUndefined();
  });

  it('is built from a cache_store section, owns its connection and closes it', async () => {
    const prefix = `config:${randomUUID()}:`;
    const config = cacheStoreSchema.parse({ type: 'redis', url: server.url, key_prefix: prefix });
    const cache = await createCacheBackend(config);
    await cache.set('k', entry, 10_000);
    expect(await connect().exists(`${prefix}k`)).toBe(1);
    expect(await cache.get('k')).toEqual(entry);
    await cache.close();
    await expect(cache.get('k')).rejects.toThrow();
  });

  it('reports a store that is down and answers it as a miss', async () => {
    const errors: unknown[] = [];
    const cache = await createCacheBackend(cacheStoreSchema.parse({ type: 'redis', url: 'redis://127.0.0.1:1' }), { onError: (error) => errors.push(error) });
    expect(await cache.get('k')).toBeUndefined();
    await cache.set('k', entry, 1000);
    expect(errors).toHaveLength(2);
    await cache.close();
  });
});
