import { describe, expect, it } from 'vitest';
import { formatStalls, probeCoreStalls, summariseStalls } from '../../bench/core-stall-probe.js';

describe('core stall probe', () => {
  it('counts only jumps over 1 ms as stalls, with their share of the probe and the worst', () => {
    const stalls = summariseStalls(0, 2, [0.2, 1.5, 0.9, 4.5, 0.15]);
    expect(stalls.over1Ms).toEqual({ count: 2, totalMs: 6, sharePercent: 0.3 });
    expect(stalls.over100UsTotalMs).toBe(7.25);
    expect(stalls.worstMs).toBe(4.5);
    expect(formatStalls(stalls)).toBe('core 0 stalls (a busy loop pinned there for 2 s): 2 over 1 ms, 6.0 ms in all (0.30% of the time), worst 4.50 ms');
  });

  it('reads an empty probe as no stalls', () => {
    expect(summariseStalls(1, 1, [])).toMatchObject({ over1Ms: { count: 0, totalMs: 0, sharePercent: 0 }, worstMs: 0 });
  });

  it.runIf(process.platform === 'linux')('spins pinned to a core and reports what it saw', async () => {
    const stalls = await probeCoreStalls(0, 1);
    expect(stalls.core).toBe(0);
    expect(stalls.seconds).toBe(1);
    // A busy loop cannot lose more than the time it ran.
    expect(stalls.over1Ms.totalMs).toBeLessThan(1000);
    expect(stalls.over1Ms.totalMs).toBeGreaterThanOrEqual(0);
  });

  it('names the core when the probe cannot run there', async () => {
    await expect(probeCoreStalls(4096, 1)).rejects.toThrow(/stall probe on core 4096 failed/);
  });
});
