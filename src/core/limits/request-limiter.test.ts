import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../spec/errors.js';
import { createFakeClock } from './__fixtures__/rate-limit-store-behaviour.js';
import { ConcurrencyLimitExceededError, RateLimitExceededError } from './limit-errors.js';
import { MemoryRateLimitStore } from './memory-rate-limit-store.js';
import { RequestLimiter, type LimitScope } from './request-limiter.js';
import type { RateLimitStore } from './rate-limit-store.js';

function setup() {
  const clock = createFakeClock();
  const store = new MemoryRateLimitStore({ clock: clock.read });
  return { clock, store, limiter: new RequestLimiter(store, { leaseMs: 60_000 }) };
}

async function refusal(promise: Promise<unknown>): Promise<RateLimitExceededError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(RateLimitExceededError);
  return error as RateLimitExceededError;
}

const key = (limits: LimitScope['limits']): LimitScope => ({ scope: 'key', id: 'team-a', limits });
const workload = (limits: LimitScope['limits']): LimitScope => ({ scope: 'workload', id: 'support-triage', limits });

describe('RequestLimiter', () => {
  it('refuses past requests_per_minute with a typed, mapped 429', async () => {
    const { limiter } = setup();
    for (let index = 0; index < 60; index += 1) await (await limiter.acquire([key({ requests_per_minute: 60 })], 0)).release();
    const error = await refusal(limiter.acquire([key({ requests_per_minute: 60 })], 0));
    expect(error).toMatchObject({
      code: 'rate_limit_exceeded',
      httpStatus: 429,
      isRetryable: false,
      type: 'rate_limit_error',
      param: undefined,
      scope: 'key',
      scopeId: 'team-a',
      limitKind: 'requests_per_minute',
      limit: 60,
      retryAfterMs: 1000,
    });
    expect(error.message).toBe("Rate limit for key 'team-a' exceeded: 60 requests per minute. Retry after 1 s.");
    expect(GatewayError.isInstance(error)).toBe(true);
    // The server's error mapper turns a numeric `retryAfterMs` into Retry-After (core may not import server to show it).
    expect(typeof Reflect.get(error, 'retryAfterMs')).toBe('number');
  });

  it('charges the token estimate and reconciles it with actual usage on release', async () => {
    const { limiter } = setup();
    const scopes = [key({ tokens_per_minute: 1000 })];
    const first = await limiter.acquire(scopes, 800);
    const refused = await refusal(limiter.acquire(scopes, 300));
    expect(refused.message).toBe("Rate limit for key 'team-a' exceeded: 1000 tokens per minute. Retry after 6 s.");
    expect(refused.retryAfterMs).toBe(6000);
    // The answer used 200 tokens, not 800: 600 are refunded.
    await first.release(200);
    await first.release(5000); // idempotent: the second release changes nothing
    const second = await limiter.acquire(scopes, 800);
    await second.release(2000); // under-estimate: 1200 more are charged, so the bucket is in debt
    const afterDebt = await refusal(limiter.acquire(scopes, 0));
    expect(afterDebt.retryAfterMs).toBe(72_000);
  });

  it('checks every scope and refunds earlier scopes when a later one refuses', async () => {
    const { store, limiter } = setup();
    const scopes = [key({ requests_per_minute: 10, tokens_per_minute: 10_000, max_concurrent: 5 }), workload({ requests_per_minute: 1 })];
    const held = await limiter.acquire(scopes, 500);
    const error = await refusal(limiter.acquire(scopes, 500));
    expect(error).toMatchObject({ scope: 'workload', scopeId: 'support-triage', limitKind: 'requests_per_minute' });
    // The refused request left the key's buckets and slots as they were: 9 requests, 9500 tokens, 4 slots.
    expect(await store.consume('key:team-a:rpm', { limit: 10, windowMs: 60_000 }, 9)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await store.consume('key:team-a:tpm', { limit: 10_000, windowMs: 60_000 }, 9500)).toMatchObject({ allowed: true, remaining: 0 });
    const leases = await Promise.all(Array.from({ length: 5 }, () => store.acquireConcurrency('key:team-a:concurrency', 5, 1000)));
    expect(leases.filter((lease) => lease !== undefined)).toHaveLength(4);
    await held.release();
  });

  it('limits concurrency per scope and frees slots on release', async () => {
    const { limiter } = setup();
    const scopes = [key({ max_concurrent: 2 }), workload({ max_concurrent: 3 })];
    const first = await limiter.acquire(scopes, 0);
    const second = await limiter.acquire(scopes, 0);
    const error = await refusal(limiter.acquire(scopes, 0));
    expect(error).toBeInstanceOf(ConcurrencyLimitExceededError);
    expect(error).toMatchObject({ code: 'concurrency_limit_exceeded', httpStatus: 429, limitKind: 'max_concurrent', retryAfterMs: 1000 });
    expect(error.message).toBe("Concurrency limit for key 'team-a' exceeded: 2 requests in flight. Retry after 1 s.");
    // The workload slot taken before the key refused was given back: the workload alone still has 1 free.
    const workloadOnly = await limiter.acquire([workload({ max_concurrent: 3 })], 0);
    await refusal(limiter.acquire([workload({ max_concurrent: 3 })], 0));
    await first.release();
    await workloadOnly.release();
    const third = await limiter.acquire(scopes, 0);
    await Promise.all([second.release(), third.release()]);
  });

  it('lets a leaked permit expire with its lease', async () => {
    const { clock, limiter } = setup();
    await limiter.acquire([key({ max_concurrent: 1 })], 0);
    await refusal(limiter.acquire([key({ max_concurrent: 1 })], 0));
    clock.advance(60_000);
    expect(await limiter.acquire([key({ max_concurrent: 1 })], 0)).toBeDefined();
  });

  it('does not touch the store for scopes without limits', async () => {
    const calls: string[] = [];
    const store = new Proxy(new MemoryRateLimitStore(), {
      get(target, property, receiver) {
        calls.push(String(property));
        return Reflect.get(target, property, receiver) as unknown;
      },
    }) satisfies RateLimitStore;
    const permit = await new RequestLimiter(store).acquire([key(undefined), workload({})], 100);
    await permit.release(50);
    expect(calls).toEqual([]);
  });

  it('reports store failures during release instead of throwing', async () => {
    const reported: unknown[] = [];
    const store = new MemoryRateLimitStore();
    const failing: RateLimitStore = {
      consume: (...args) => store.consume(...args),
      adjust: () => Promise.reject(new Error('redis down')),
      acquireConcurrency: (...args) => store.acquireConcurrency(...args),
      close: () => store.close(),
    };
    const permit = await new RequestLimiter(failing, { onReleaseError: (error) => reported.push(error) }).acquire([key({ tokens_per_minute: 100 })], 10);
    await expect(permit.release(20)).resolves.toBeUndefined();
    expect(reported).toEqual([new Error('redis down')]);
  });
});
