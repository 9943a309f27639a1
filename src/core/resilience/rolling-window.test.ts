import { describe, expect, it } from 'vitest';
import { RollingWindow } from './rolling-window.js';

describe('RollingWindow', () => {
  it('sums what falls in the window and reuses expired buckets', () => {
    const window = new RollingWindow(['hits'] as const, { windowMs: 3_000, bucketMs: 1_000 });
    window.add('hits', 0);
    window.add('hits', 999, 2);
    window.add('hits', 1_000);
    expect(window.sum('hits', 2_999)).toBe(4);
    expect(window.sum('hits', 3_000)).toBe(1);
    window.add('hits', 3_500, 5); // lands in the slot t=0 used
    expect(window.sum('hits', 3_500)).toBe(6);
    expect(window.sum('hits', 100_000)).toBe(0);
  });

  it('does not count a bucket from the future (clock went backwards)', () => {
    const window = new RollingWindow(['hits'] as const, { windowMs: 2_000, bucketMs: 1_000 });
    window.add('hits', 5_000);
    expect(window.sum('hits', 4_000)).toBe(0);
  });

  it('resets', () => {
    const window = new RollingWindow(['a', 'b'] as const, { windowMs: 1_000, bucketMs: 500 });
    window.add('a', 1);
    window.add('b', 1, 3);
    window.reset();
    expect([window.sum('a', 1), window.sum('b', 1)]).toEqual([0, 0]);
  });
});
