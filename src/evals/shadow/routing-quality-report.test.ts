import { describe, expect, it } from 'vitest';
import type { ShadowSummaryRow } from '../../core/evaluation/evaluation-records.js';
import { routingQualityRows } from './routing-quality-report.js';
import { wilsonInterval } from './wilson-interval.js';

const row = (workload: string, served: ShadowSummaryRow['served'], outcome: ShadowSummaryRow['outcome'], pairs: number, costUsd = 0): ShadowSummaryRow => ({
  workload,
  served,
  outcome,
  pairs,
  costUsd,
});

describe('wilsonInterval', () => {
  it('matches the textbook values', () => {
    // 8 of 10: Wilson 95% is [0.4902, 0.9433].
    const interval = wilsonInterval(8, 10)!;
    expect(interval.rate).toBe(0.8);
    expect(interval.lower).toBeCloseTo(0.4902, 4);
    expect(interval.upper).toBeCloseTo(0.9433, 4);
  });

  it('stays informative at 0 and n, and is absent with no trials', () => {
    const none = wilsonInterval(0, 20)!;
    expect(none.lower).toBe(0);
    expect(none.upper).toBeCloseTo(0.1611, 4);
    const all = wilsonInterval(20, 20)!;
    expect(all.upper).toBe(1);
    expect(all.lower).toBeCloseTo(0.8389, 4);
    expect(wilsonInterval(0, 0)).toBeUndefined();
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
  });
});

describe('routingQualityRows', () => {
  it('computes under- and over-escalation over judged pairs of each side, unjudged left out', () => {
    const rows = routingQualityRows([
      row('support', 'cheap', 'strong_better', 2, 0.02),
      row('support', 'cheap', 'tie', 5, 0.05),
      row('support', 'cheap', 'cheap_better', 1, 0.01),
      row('support', 'cheap', 'unjudged', 4, 0.004),
      row('support', 'strong', 'strong_better', 3, 0.03),
      row('support', 'strong', 'tie', 6, 0.06),
      row('support', 'strong', 'cheap_better', 1, 0.01),
      row('support', 'strong', 'unjudged', 1, 0),
    ]);
    expect(rows).toHaveLength(1);
    const [support] = rows;
    expect(support).toMatchObject({ workload: 'support', pairs: 23, unjudged: 5, servedCheap: 12, servedStrong: 11 });
    expect(support!.costUsd).toBeCloseTo(0.184, 10);
    // Served cheap: 2 of 8 judged pairs had a clearly better strong answer.
    expect(support!.underEscalation).toMatchObject({ count: 2, of: 8, rate: 0.25 });
    expect(support!.underEscalation).toEqual({ count: 2, of: 8, ...wilsonInterval(2, 8) });
    // Served strong: 7 of 10 judged pairs had a cheap answer as good or better.
    expect(support!.overEscalation).toEqual({ count: 7, of: 10, ...wilsonInterval(7, 10) });
  });

  it('reports a side with no judged pairs as a count without a rate, and sorts workloads by name', () => {
    const rows = routingQualityRows([row('zeta', 'strong', 'unjudged', 2), row('alpha', 'cheap', 'tie', 1)]);
    expect(rows.map((entry) => entry.workload)).toEqual(['alpha', 'zeta']);
    expect(rows[1]).toMatchObject({ pairs: 2, unjudged: 2, overEscalation: { count: 0, of: 0 }, underEscalation: { count: 0, of: 0 } });
    expect(rows[1]!.overEscalation).not.toHaveProperty('rate');
    expect(rows[0]!.underEscalation).toMatchObject({ count: 0, of: 1, rate: 0 });
  });

  it('is empty without pairs', () => {
    expect(routingQualityRows([])).toEqual([]);
  });
});
