import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Lua scripts for the Redis rate limit store. Each runs atomically on the server and touches a
 * single key, so they also work on Redis Cluster. Time comes from the server's `TIME` so replicas
 * with skewed clocks agree; a non-empty `now` argument overrides it (tests with a fake clock).
 * Numbers leave Lua as integers (Redis truncates floats), so every returned value is rounded here.
 */

const NOW = `
local now
if ARGV[1] ~= '' then
  now = tonumber(ARGV[1])
else
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
end
`;

/**
 * GCRA consume, mirroring `gcra()` in core/limits/rate-limit-store.ts.
 * KEYS[1] holds the theoretical arrival time (ms, as text); it expires when the bucket is full again.
 * ARGV: now, limit, window ms, cost. Returns {allowed 0/1, remaining, retryAfterMs, resetMs}.
 */
export const CONSUME_SCRIPT = `${NOW}
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local interval = window / limit
local base = now
local stored = redis.call('GET', KEYS[1])
if stored then
  local tat = tonumber(stored)
  if tat > now then base = tat end
end
local increment = interval * cost
local candidate = base + increment
local allow_at = candidate - math.max(window, increment)
if allow_at > now then
  local remaining = math.max(0, math.floor((window - (base - now)) / interval + 1e-9))
  return {0, remaining, math.ceil(allow_at - now), math.ceil(base - now)}
end
local reset = math.ceil(candidate - now)
if reset > 0 then
  redis.call('SET', KEYS[1], string.format('%.3f', candidate), 'PX', reset)
end
local remaining = math.max(0, math.floor((window - (candidate - now)) / interval + 1e-9))
return {1, remaining, 0, reset}
`;

/**
 * Moves the TAT by `delta` units: charges push it forward (debt), refunds stop at a full bucket.
 * ARGV: now, limit, window ms, delta.
 */
export const ADJUST_SCRIPT = `${NOW}
local interval = tonumber(ARGV[3]) / tonumber(ARGV[2])
local base = now
local stored = redis.call('GET', KEYS[1])
if stored then
  local tat = tonumber(stored)
  if tat > now then base = tat end
end
local tat = base + interval * tonumber(ARGV[4])
if tat <= now then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], string.format('%.3f', tat), 'PX', math.ceil(tat - now))
end
return 1
`;

/**
 * Semaphore on a sorted set: member = lease id, score = expiry time. Expired leases are dropped
 * before counting, so a replica that crashed holding slots frees them after `leaseMs`.
 * ARGV: now, max, lease ms, lease id. Returns 1 when acquired, 0 when full.
 */
export const ACQUIRE_SCRIPT = `${NOW}
local max = tonumber(ARGV[2])
local lease = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.3f', now))
if redis.call('ZCARD', KEYS[1]) >= max then return 0 end
redis.call('ZADD', KEYS[1], string.format('%.3f', now + lease), ARGV[4])
-- The set itself must outlive its longest lease, and no more, so idle keys vanish.
if redis.call('PTTL', KEYS[1]) < lease then redis.call('PEXPIRE', KEYS[1], math.ceil(lease)) end
return 1
`;

export interface LuaScript {
  source: string;
  sha1: string;
}

export function luaScript(source: string): LuaScript {
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

/** EVALSHA, loading the script with EVAL on the first NOSCRIPT (after a restart or SCRIPT FLUSH). */
export async function runLuaScript(redis: Redis, script: LuaScript, keys: string[], args: Array<string | number>): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha1, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return redis.eval(script.source, keys.length, ...keys, ...args);
  }
}
