import { describe, expect, it } from 'vitest';
import { createFakeClock, describeRateLimitStore } from './__fixtures__/rate-limit-store-behaviour.js';
import { MemoryRateLimitStore } from './memory-rate-limit-store.js';

describeRateLimitStore('MemoryRateLimitStore', async (clock) => new MemoryRateLimitStore({ clock }));

describe('MemoryRateLimitStore housekeeping', () => {
  it('sweeps full buckets and expired leases without timers', async () => {
    const clock = createFakeClock();
    const store = new MemoryRateLimitStore({ clock: clock.read, sweepEvery: 10 });
    for (let index = 0; index < 5; index += 1) await store.consume(`idle-${index}`, { limit: 10, windowMs: 1000 }, 1);
    await store.acquireConcurrency('held', 1, 1000);
    expect(store.trackedKeys).toBe(6);
    clock.advance(1000);
    for (let index = 0; index < 4; index += 1) await store.consume('busy', { limit: 100, windowMs: 1000 }, 1);
    expect(store.trackedKeys).toBe(1);
  });

  it('drops a bucket refunded back to full', async () => {
    const store = new MemoryRateLimitStore({ clock: createFakeClock().read });
    await store.consume('refund', { limit: 10, windowMs: 1000 }, 3);
    await store.adjust('refund', { limit: 10, windowMs: 1000 }, -3);
    expect(store.trackedKeys).toBe(0);
  });
});
