import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../../../test/support/start-redis-server.js';
import { describeRateLimitStore } from '../../core/limits/__fixtures__/rate-limit-store-behaviour.js';
import { createRateLimitStore } from '../../core/limits/create-rate-limit-store.js';
import { limitsStoreSchema } from '../../core/limits/limit-config.js';
import { MemoryRateLimitStore } from '../../core/limits/memory-rate-limit-store.js';
import { RedisRateLimitStore } from './redis-rate-limit-store.js';

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

// Each store gets its own key prefix, so tests share one server without sharing state.
describeRateLimitStore('RedisRateLimitStore', async (clock) => new RedisRateLimitStore({ redis: connect(), keyPrefix: `test:${randomUUID()}:`, clock }));

describe('RedisRateLimitStore on server time', () => {
  it('limits with the server clock and writes only prefixed keys that expire', async () => {
    const redis = connect();
    const prefix = `time:${randomUUID()}:`;
    const store = new RedisRateLimitStore({ redis, keyPrefix: prefix });
    expect(await store.consume('team-a', { limit: 2, windowMs: 60_000 }, 1)).toMatchObject({ allowed: true, remaining: 1 });
    expect(await store.consume('team-a', { limit: 2, windowMs: 60_000 }, 1)).toMatchObject({ allowed: true, remaining: 0 });
    const refused = await store.consume('team-a', { limit: 2, windowMs: 60_000 }, 1);
    expect(refused.allowed).toBe(false);
    // Real time passes between calls; the wait is a little under the 30 s refill interval.
    expect(refused.retryAfterMs).toBeGreaterThan(29_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(30_000);
    const lease = await store.acquireConcurrency('team-a', 1, 10_000);
    expect(lease).toBeDefined();

    const keys = (await redis.keys(`${prefix}*`)).sort();
    expect(keys).toEqual([`${prefix}gcra:team-a`, `${prefix}sem:team-a`]);
    for (const key of keys) {
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
    await lease!.release();
    expect(await redis.zcard(`${prefix}sem:team-a`)).toBe(0);
  });

  it('reloads its scripts after SCRIPT FLUSH', async () => {
    const redis = connect();
    const store = new RedisRateLimitStore({ redis, keyPrefix: `flush:${randomUUID()}:` });
    await store.consume('k', { limit: 5, windowMs: 1000 }, 1);
    await redis.script('FLUSH');
    expect(await store.consume('k', { limit: 5, windowMs: 1000 }, 1)).toMatchObject({ allowed: true, remaining: 3 });
  });

  it('connect() owns its connection and close() quits it', async () => {
    const store = RedisRateLimitStore.connect(server.url, { keyPrefix: `own:${randomUUID()}:` });
    expect((await store.consume('k', { limit: 1, windowMs: 1000 }, 1)).allowed).toBe(true);
    await store.close();
    await expect(store.consume('k', { limit: 1, windowMs: 1000 }, 1)).rejects.toThrow();
  });
});

describe('RedisRateLimitStore atomicity under concurrent load', () => {
  // Four connections stand in for four gateway replicas racing for the same keys.
  function replicas(prefix: string): RedisRateLimitStore[] {
    return Array.from({ length: 4 }, () => new RedisRateLimitStore({ redis: connect(), keyPrefix: prefix }));
  }

  it('admits exactly 50 of 200 concurrent requests against a limit of 50', async () => {
    const stores = replicas(`load:${randomUUID()}:`);
    const decisions = await Promise.all(
      Array.from({ length: 200 }, (_, index) => stores[index % stores.length]!.consume('shared', { limit: 50, windowMs: 60_000 }, 1)),
    );
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(50);
  });

  it('admits exactly 10 of 100 concurrent token charges of 7 against 70 tokens', async () => {
    const stores = replicas(`load:${randomUUID()}:`);
    const decisions = await Promise.all(
      Array.from({ length: 100 }, (_, index) => stores[index % stores.length]!.consume('tokens', { limit: 70, windowMs: 60_000 }, 7)),
    );
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(10);
  });

  it('holds at most 10 of 100 concurrent leases with max 10', async () => {
    const prefix = `load:${randomUUID()}:`;
    const stores = replicas(prefix);
    const leases = await Promise.all(
      Array.from({ length: 100 }, (_, index) => stores[index % stores.length]!.acquireConcurrency('slots', 10, 30_000)),
    );
    const held = leases.filter((lease) => lease !== undefined);
    expect(held).toHaveLength(10);
    expect(await connections[0]!.zcard(`${prefix}sem:slots`)).toBe(10);
    await Promise.all(held.map((lease) => lease!.release()));
    expect(await connections[0]!.zcard(`${prefix}sem:slots`)).toBe(0);
  });
});

describe('createRateLimitStore', () => {
  it('builds the store a limits_store section names', async () => {
    expect(await createRateLimitStore()).toBeInstanceOf(MemoryRateLimitStore);
    const prefix = `factory:${randomUUID()}:`;
    const store = await createRateLimitStore(limitsStoreSchema.parse({ type: 'redis', url: server.url, key_prefix: prefix }));
    expect(store).toBeInstanceOf(RedisRateLimitStore);
    await store.consume('k', { limit: 1, windowMs: 1000 }, 1);
    expect(await connect().keys(`${prefix}*`)).toEqual([`${prefix}gcra:k`]);
    await store.close();
  });
});

describe('startRedisServer', () => {
  it('names the package to install when the binary is missing', async () => {
    await expect(startRedisServer({ binary: '/nonexistent/redis-server' })).rejects.toThrow(/apt-get install redis-server/);
  });
});
