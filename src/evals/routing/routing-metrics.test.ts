import { describe, expect, it } from 'vitest';
import type { RoutingRow } from './routing-dataset.js';
import {
  averageCurves,
  averagePerformanceGapRecovered,
  callPerformanceThreshold,
  chooseOperatingPoint,
  costShareForQuality,
  pairTotals,
  paretoFrontier,
  routeByThreshold,
  scoreCurve,
  summarise,
} from './routing-metrics.js';
import type { PairedPrompt } from './routing-pair.js';
import { RANDOM_SEEDS, SIMPLE_ROUTERS } from './simple-routers.js';

function prompt(id: string, weakQuality: number, strongQuality: number, margin = 0): PairedPrompt {
  const row: RoutingRow = { id, line: 1, prompt: id, split: 'test', promptTokens: 1, previousTurns: [], models: new Map() };
  return { row, weakQuality, strongQuality, weakCost: 1, strongCost: 10, goodEnough: weakQuality >= strongQuality - margin };
}

/**
 * Four prompts, weak/strong correctness: A 0/1, B 0/1, C 1/1, D 1/0. All-weak quality 0.5,
 * all-strong 0.75 (gap 0.25); weak calls cost 1, strong calls 10 (all-strong: 40).
 */
const PROMPTS = [prompt('A', 0, 1), prompt('B', 0, 1), prompt('C', 1, 1), prompt('D', 1, 0)];
const ORACLE = SIMPLE_ROUTERS.oracle.scores(PROMPTS, 0);

describe('summarise', () => {
  it('quality, cost, shares, PGR and the escalation rates of one routing', () => {
    // Scores 4,1,3,2 with threshold 2.5 send A and C to the strong model.
    const summary = summarise(PROMPTS, routeByThreshold(PROMPTS, [4, 1, 3, 2], 2.5));
    expect(summary).toMatchObject({ prompts: 4, quality: 0.75, cost: 22, costShare: 0.55, strongShare: 0.5, pgr: 1 });
    // Needed the strong model: A, B; B was missed. Good enough: C, D; C was escalated anyway.
    expect(summary.counts).toEqual({ needed: 2, missed: 1, notNeeded: 2, wasted: 1 });
    expect(summary.underEscalation).toBe(0.5);
    expect(summary.overEscalation).toBe(0.5);
  });

  it('all-weak misses every needed escalation; all-strong wastes every unneeded one', () => {
    const weak = summarise(PROMPTS, routeByThreshold(PROMPTS, [0, 0, 0, 0], 0.5));
    const strong = summarise(PROMPTS, routeByThreshold(PROMPTS, [1, 1, 1, 1], 0.5));
    expect([weak.pgr, weak.underEscalation, weak.overEscalation, weak.costShare]).toEqual([0, 1, 0, 0.1]);
    expect([strong.pgr, strong.underEscalation, strong.overEscalation, strong.costShare]).toEqual([1, 0, 1, 1]);
  });

  it('PGR is NaN when the strong model is no better', () => {
    const flat = [prompt('x', 1, 1), prompt('y', 0, 0)];
    expect(summarise(flat, routeByThreshold(flat, [1, 0], 0.5)).pgr).toBeNaN();
  });
});

describe('scoreCurve, APGR and CPT', () => {
  it('the oracle sweep: hand-computed points, APGR 1.375 and CPT(50/80/95%)', () => {
    const curve = scoreCurve(PROMPTS, ORACLE);
    // k = 0..4: A and B tie (gain 1 each), then C (gain 0), then D (gain −1).
    expect(curve.map((point) => [point.strongShare, point.quality, point.pgr, point.costShare])).toEqual([
      [0, 0.5, 0, 0.1],
      [0.25, 0.75, 1, 0.325],
      [0.5, 1, 2, 0.55],
      [0.75, 1, 2, 0.775],
      [1, 0.75, 1, 1],
    ]);
    // Trapezoids of width 0.25: (0+1)/2 + (1+2)/2 + (2+2)/2 + (2+1)/2, times 0.25.
    expect(averagePerformanceGapRecovered(curve)).toBeCloseTo(1.375, 12);
    expect(callPerformanceThreshold(curve, 0.5)).toBeCloseTo(0.125, 12);
    expect(callPerformanceThreshold(curve, 0.8)).toBeCloseTo(0.2, 12);
    expect(callPerformanceThreshold(curve, 0.95)).toBeCloseTo(0.2375, 12);
  });

  it('a constant score (all-strong) cannot be split: the sweep is the random line, APGR 0.5', () => {
    const curve = scoreCurve(PROMPTS, [1, 1, 1, 1]);
    expect(curve.map((point) => point.pgr)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(averagePerformanceGapRecovered(curve)).toBeCloseTo(0.5, 12);
    expect(callPerformanceThreshold(curve, 0.8)).toBeCloseTo(0.8, 12);
  });

  it('the random router averages to APGR ≈ 0.5 over seeds; the oracle is far above', () => {
    const many = Array.from({ length: 400 }, (_unused, index) => prompt(`p${index}`, index % 3 === 0 ? 0 : 1, index % 5 === 0 ? 0 : 1));
    const curves = RANDOM_SEEDS.map((seed) => scoreCurve(many, SIMPLE_ROUTERS.random.scores(many, seed)));
    const random = averagePerformanceGapRecovered(averageCurves(curves));
    expect(random).toBeGreaterThan(0.45);
    expect(random).toBeLessThan(0.55);
    expect(averagePerformanceGapRecovered(scoreCurve(many, SIMPLE_ROUTERS.oracle.scores(many, 0)))).toBeGreaterThan(1);
  });

  it('CPT is undefined when the curve never reaches the level', () => {
    const worst = scoreCurve(PROMPTS, ORACLE.map((score) => -score));
    expect(callPerformanceThreshold(worst, 1.5)).toBeUndefined();
  });
});

describe('choosing an operating point', () => {
  const totals = pairTotals(PROMPTS);
  const candidates = [-Infinity, -1, 0, 1].map((threshold) => ({ setting: threshold, summary: summarise(PROMPTS, routeByThreshold(PROMPTS, ORACLE, threshold)) }));

  it('target quality: the cheapest setting reaching share × strong quality', () => {
    // 0.95 × 0.75 = 0.7125: threshold 0 (A, B strong: quality 1, cost 22) is the cheapest reaching it.
    expect(chooseOperatingPoint(candidates, { kind: 'target-quality', share: 0.95 }, totals)).toMatchObject({ chosen: { setting: 0 }, reached: true });
  });

  it('max cost: the best quality within the budget; the nearest miss when nothing fits', () => {
    expect(chooseOperatingPoint(candidates, { kind: 'max-cost-share', share: 0.6 }, totals).chosen.setting).toBe(0);
    expect(chooseOperatingPoint(candidates, { kind: 'max-cost-share', share: 0.2 }, totals).chosen.setting).toBe(1);
    expect(chooseOperatingPoint(candidates, { kind: 'max-cost-usd', usdPerPrompt: 0.1 }, totals)).toMatchObject({ chosen: { setting: 1 }, reached: false });
  });

  it('reads the cost share for a quality off a curve, interpolating', () => {
    const curve = scoreCurve(PROMPTS, ORACLE);
    // 0.95 × 0.75 = 0.7125 lies between (0.1, 0.5) and (0.325, 0.75): 0.1 + 0.85 × 0.225.
    expect(costShareForQuality(curve, 0.95, totals)).toBeCloseTo(0.29125, 12);
    expect(costShareForQuality(curve, 2, totals)).toBeUndefined();
  });

  it('keeps only the points no other point beats', () => {
    const frontier = paretoFrontier([
      { strongShare: 0, costShare: 0.5, quality: 0.6, pgr: 0 },
      { strongShare: 0, costShare: 0.2, quality: 0.7, pgr: 0 },
      { strongShare: 0, costShare: 0.9, quality: 0.9, pgr: 0 },
    ]);
    expect(frontier.map((point) => point.costShare)).toEqual([0.2, 0.9]);
  });
});
