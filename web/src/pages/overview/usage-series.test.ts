import { describe, expect, it } from 'vitest';
import type { UsageRow } from '../../api/admin-types.js';
import { bucketStarts, stackBy, timeSeries, totalsOf } from './usage-series.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 2, 14, 9);

function row(keys: UsageRow['keys'], requests: number, costUsd: number, errors = 0): UsageRow {
  return {
    keys,
    requests,
    errors,
    errorRate: errors / requests,
    escalations: 1,
    escalationRate: 1 / requests,
    fallbacks: 0,
    fallbackRate: 0,
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    costUsd,
    referenceCostUsd: costUsd * 10,
    savingsUsd: costUsd * 9,
    p50LatencyMs: 10,
    p95LatencyMs: 20,
    p99LatencyMs: 30,
  };
}

describe('usage series', () => {
  it('counts a request without a reference model at its own cost in the baseline, so baseline − cost = savings', () => {
    const referenced = row({ workload: 'a' }, 4, 0.5);
    const unreferenced = { ...row({ workload: 'b' }, 6, 0.25), referenceCostUsd: 0, savingsUsd: 0 };
    const totals = totalsOf([referenced, unreferenced]);
    expect(totals.referenceCostUsd).toBeCloseTo(5 + 0.25, 12);
    expect(totals.referenceCostUsd - totals.costUsd).toBeCloseTo(totals.savingsUsd, 12);
  });

  it('sums the additive columns', () => {
    expect(totalsOf([row({ workload: 'a' }, 4, 0.5, 1), row({ workload: 'b' }, 6, 0.25)])).toEqual({
      requests: 10,
      errors: 1,
      escalations: 2,
      fallbacks: 0,
      costUsd: 0.75,
      referenceCostUsd: 7.5,
      savingsUsd: 6.75,
    });
  });

  it('fills every UTC bucket of the range, quiet ones with zero counts and no latency', () => {
    expect(bucketStarts(T0 + 30 * 60_000, T0 + 3 * HOUR, 'hour')).toEqual([T0, T0 + HOUR, T0 + 2 * HOUR]);
    const points = timeSeries([row({ hour: new Date(T0 + HOUR).toISOString() }, 3, 0.3, 1)], 'hour', T0, T0 + 3 * HOUR);
    expect(points.map((point) => [point.requests, point.ok, point.errors, point.p95LatencyMs])).toEqual([
      [0, 0, 0, null],
      [3, 2, 1, 20],
      [0, 0, 0, null],
    ]);
  });

  it('pivots a second grouping into one series per value, largest first', () => {
    const hour = (offset: number) => new Date(T0 + offset * HOUR).toISOString();
    const stacked = stackBy(
      [row({ hour: hour(0), workload: 'small' }, 1, 0.1), row({ hour: hour(0), workload: 'big' }, 1, 0.5), row({ hour: hour(1), workload: null }, 1, 0.2)],
      'hour',
      'workload',
      (entry) => entry.costUsd,
      T0,
      T0 + 2 * HOUR,
    );
    expect(stacked.keys).toEqual(['big', '(none)', 'small']);
    expect(stacked.points).toEqual([
      { bucketStart: T0, big: 0.5, '(none)': 0, small: 0.1 },
      { bucketStart: T0 + HOUR, big: 0, '(none)': 0.2, small: 0 },
    ]);
  });
});
