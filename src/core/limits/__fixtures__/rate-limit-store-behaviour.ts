import { describe, expect, it } from 'vitest';
import type { RateLimitStore } from '../rate-limit-store.js';

/** A clock tests move by hand. */
export interface FakeClock {
  now: number;
  advance(ms: number): void;
  read: () => number;
}

export function createFakeClock(start = Date.now()): FakeClock {
  const clock: FakeClock = {
    now: start,
    advance(ms) {
      clock.now += ms;
    },
    read: () => clock.now,
  };
  return clock;
}

/**
 * The behaviour every RateLimitStore must have, written once and run against each store.
 * `createStore` gets a fake clock the store must use for all time decisions.
 */
export function describeRateLimitStore(name: string, createStore: (clock: () => number) => Promise<RateLimitStore>): void {
  describe(`${name}: rate limits`, () => {
    const perMinute = (limit: number) => ({ limit, windowMs: 60_000 });

    async function setup() {
      const clock = createFakeClock();
      const store = await createStore(clock.read);
      return { clock, store };
    }

    it('admits exactly `limit` at once, counting down `remaining`, then refuses', async () => {
      const { store } = await setup();
      const decisions = [];
      for (let index = 0; index < 6; index += 1) decisions.push(await store.consume('burst', perMinute(5), 1));
      expect(decisions.map((decision) => [decision.allowed, decision.remaining])).toEqual([
        [true, 4],
        [true, 3],
        [true, 2],
        [true, 1],
        [true, 0],
        [false, 0],
      ]);
      // One unit refills every 60 s / 5 = 12 s; the bucket is full again a window later.
      expect(decisions[5]).toMatchObject({ retryAfterMs: 12_000, resetMs: 60_000 });
      expect(decisions[0]).toMatchObject({ retryAfterMs: 0, resetMs: 12_000 });
    });

    it('refills smoothly over time', async () => {
      const { store, clock } = await setup();
      for (let index = 0; index < 5; index += 1) await store.consume('refill', perMinute(5), 1);
      clock.advance(11_999);
      expect(await store.consume('refill', perMinute(5), 1)).toMatchObject({ allowed: false, retryAfterMs: 1 });
      clock.advance(1);
      expect(await store.consume('refill', perMinute(5), 1)).toMatchObject({ allowed: true, remaining: 0 });
      expect((await store.consume('refill', perMinute(5), 1)).allowed).toBe(false);
      clock.advance(60_000);
      const afterWindow = [];
      for (let index = 0; index < 6; index += 1) afterWindow.push((await store.consume('refill', perMinute(5), 1)).allowed);
      expect(afterWindow).toEqual([true, true, true, true, true, false]);
    });

    it('charges a cost above 1 and consumes nothing when refusing', async () => {
      const { store } = await setup();
      expect(await store.consume('tokens', perMinute(100), 60)).toMatchObject({ allowed: true, remaining: 40 });
      // 50 > 40 left: 10 units short, 600 ms each.
      expect(await store.consume('tokens', perMinute(100), 50)).toMatchObject({ allowed: false, remaining: 40, retryAfterMs: 6000 });
      expect(await store.consume('tokens', perMinute(100), 40)).toMatchObject({ allowed: true, remaining: 0 });
      expect((await store.consume('tokens', perMinute(100), 1)).allowed).toBe(false);
    });

    it('admits a cost above the limit only on a full bucket, leaving it in debt', async () => {
      const { store, clock } = await setup();
      await store.consume('big', perMinute(100), 1);
      expect((await store.consume('big', perMinute(100), 150)).allowed).toBe(false);
      clock.advance(600);
      expect(await store.consume('big', perMinute(100), 150)).toMatchObject({ allowed: true, remaining: 0, resetMs: 90_000 });
      // 150 units = 90 s of refill; one more unit is admitted once the debt is back under a window.
      expect(await store.consume('big', perMinute(100), 1)).toMatchObject({ allowed: false, retryAfterMs: 30_600 });
      // A cost of 0 still refuses while in debt.
      expect((await store.consume('big', perMinute(100), 0)).allowed).toBe(false);
    });

    it('adjust refunds an over-estimate and charges an under-estimate into debt', async () => {
      const { store } = await setup();
      expect((await store.consume('adjust', perMinute(100), 100)).allowed).toBe(true);
      expect((await store.consume('adjust', perMinute(100), 50)).allowed).toBe(false);
      await store.adjust('adjust', perMinute(100), -50);
      expect(await store.consume('adjust', perMinute(100), 50)).toMatchObject({ allowed: true, remaining: 0 });

      await store.consume('debt', perMinute(100), 10);
      await store.adjust('debt', perMinute(100), 150);
      // 160 units used of 100: 96 s until full, so 36.6 s until one unit fits.
      expect(await store.consume('debt', perMinute(100), 1)).toMatchObject({ allowed: false, retryAfterMs: 36_600, resetMs: 96_000 });
    });

    it('never refunds beyond a full bucket', async () => {
      const { store } = await setup();
      await store.adjust('full', perMinute(100), -1000);
      expect((await store.consume('full', perMinute(100), 100)).allowed).toBe(true);
      expect((await store.consume('full', perMinute(100), 1)).allowed).toBe(false);
    });

    it('keeps keys independent and honours an explicit `now`', async () => {
      const { store, clock } = await setup();
      expect((await store.consume('a', perMinute(1), 1)).allowed).toBe(true);
      expect((await store.consume('a', perMinute(1), 1)).allowed).toBe(false);
      expect((await store.consume('b', perMinute(1), 1)).allowed).toBe(true);
      expect((await store.consume('a', perMinute(1), 1, clock.now + 60_000)).allowed).toBe(true);
    });

    it('rejects an invalid rule or cost', async () => {
      const { store } = await setup();
      await expect(store.consume('bad', { limit: 0, windowMs: 60_000 }, 1)).rejects.toThrow(RangeError);
      await expect(store.consume('bad', perMinute(5), -1)).rejects.toThrow(RangeError);
    });
  });

  describe(`${name}: concurrency`, () => {
    it('holds at most `max` leases; release frees a slot and is idempotent', async () => {
      const clock = createFakeClock();
      const store = await createStore(clock.read);
      const first = await store.acquireConcurrency('slots', 2, 30_000);
      const second = await store.acquireConcurrency('slots', 2, 30_000);
      expect(first).toBeDefined();
      expect(second).toBeDefined();
      expect(first!.id).not.toBe(second!.id);
      expect(await store.acquireConcurrency('slots', 2, 30_000)).toBeUndefined();
      expect(await store.acquireConcurrency('other', 2, 30_000)).toBeDefined();
      await first!.release();
      await first!.release();
      expect(await store.acquireConcurrency('slots', 2, 30_000)).toBeDefined();
      expect(await store.acquireConcurrency('slots', 2, 30_000)).toBeUndefined();
    });

    it('lets leases expire after leaseMs, so a crashed holder cannot leak slots', async () => {
      const clock = createFakeClock();
      const store = await createStore(clock.read);
      const leaked = await store.acquireConcurrency('expiry', 1, 5000);
      expect(leaked).toBeDefined();
      clock.advance(4999);
      expect(await store.acquireConcurrency('expiry', 1, 5000)).toBeUndefined();
      clock.advance(1);
      const next = await store.acquireConcurrency('expiry', 1, 5000);
      expect(next).toBeDefined();
      // Releasing the expired lease must not free the slot its successor holds.
      await leaked!.release();
      expect(await store.acquireConcurrency('expiry', 1, 5000)).toBeUndefined();
    });
  });
}
