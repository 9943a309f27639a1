import type { RateWithInterval, RoutingQualityRow } from '../../core/evaluation/evaluation-api.js';
import type { ShadowSummaryRow } from '../../core/evaluation/evaluation-records.js';
import { wilsonInterval } from './wilson-interval.js';

interface Tally {
  pairs: number;
  unjudged: number;
  servedCheap: number;
  servedStrong: number;
  judgedCheap: number;
  judgedStrong: number;
  under: number;
  over: number;
  costUsd: number;
}

/**
 * Router quality per workload from shadow outcome counts (95% Wilson intervals):
 * - under-escalation = served cheap and the strong answer was better (both judge orders agreed;
 *   an inconsistent verdict is a tie), over judged served-cheap pairs;
 * - over-escalation = served strong though the cheap answer was as good (tie) or better, over
 *   judged served-strong pairs.
 * Unjudged pairs count in `pairs` and `unjudged` but in neither rate. Workloads sorted by name.
 */
export function routingQualityRows(rows: readonly ShadowSummaryRow[]): RoutingQualityRow[] {
  const tallies = new Map<string, Tally>();
  for (const row of rows) {
    let tally = tallies.get(row.workload);
    if (!tally) {
      tally = { pairs: 0, unjudged: 0, servedCheap: 0, servedStrong: 0, judgedCheap: 0, judgedStrong: 0, under: 0, over: 0, costUsd: 0 };
      tallies.set(row.workload, tally);
    }
    tally.pairs += row.pairs;
    tally.costUsd += row.costUsd;
    if (row.served === 'cheap') tally.servedCheap += row.pairs;
    else tally.servedStrong += row.pairs;
    if (row.outcome === 'unjudged') {
      tally.unjudged += row.pairs;
      continue;
    }
    if (row.served === 'cheap') {
      tally.judgedCheap += row.pairs;
      if (row.outcome === 'strong_better') tally.under += row.pairs;
    } else {
      tally.judgedStrong += row.pairs;
      if (row.outcome === 'tie' || row.outcome === 'cheap_better') tally.over += row.pairs;
    }
  }
  return [...tallies.entries()]
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
    .map(([workload, tally]) => ({
      workload,
      pairs: tally.pairs,
      unjudged: tally.unjudged,
      servedCheap: tally.servedCheap,
      servedStrong: tally.servedStrong,
      underEscalation: rateWithInterval(tally.under, tally.judgedCheap),
      overEscalation: rateWithInterval(tally.over, tally.judgedStrong),
      costUsd: tally.costUsd,
    }));
}

function rateWithInterval(count: number, of: number): RateWithInterval {
  const interval = wilsonInterval(count, of);
  return interval ? { count, of, ...interval } : { count, of };
}
