import { describe, expect, it } from 'vitest';
import { DEFAULT_HEDGE_POLICY, hedgeDelayMs, type HedgePolicy } from './hedge-policy.js';

const history = (samples: number, p95: number) => ({ samples, quantile: (q: number) => (q === 0.95 ? p95 : undefined) });

describe('hedgeDelayMs', () => {
  const enabled: HedgePolicy = { ...DEFAULT_HEDGE_POLICY, enabled: true };

  it('does not hedge unless enabled', () => {
    expect(hedgeDelayMs(DEFAULT_HEDGE_POLICY, history(100, 800))).toBeUndefined();
    expect(hedgeDelayMs({ ...enabled, maxExtra: 0 }, history(100, 800))).toBeUndefined();
  });

  it('waits for the quantile once there is enough history', () => {
    expect(hedgeDelayMs(enabled, history(19, 800))).toBeUndefined();
    expect(hedgeDelayMs(enabled, history(20, 800))).toBe(800);
  });

  it('uses a fixed delay without needing history', () => {
    expect(hedgeDelayMs({ ...enabled, after: { fixedMs: 1_500 } }, history(0, 0))).toBe(1_500);
  });
});
