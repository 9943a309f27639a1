import { describe, expect, it } from 'vitest';
import { bootstrapMeanInterval, quantileOfSorted } from './bootstrap.js';
import { gate } from './gate.js';
import { comparePaired, signFlipPValue, type ScoreSample } from './paired-comparison.js';
import { createSeededRandom } from '../../provider-utils/seeded-random.js';
import { breakdownByTag } from './tag-breakdown.js';

const samples = (scores: readonly number[], prefix = 'case'): ScoreSample[] => scores.map((score, index) => ({ id: `${prefix}-${index}`, score }));

describe('seeded random and quantiles', () => {
  it('repeats for a seed and differs across seeds, staying in [0, 1)', () => {
    const first = createSeededRandom(42);
    const second = createSeededRandom(42);
    const other = createSeededRandom(43);
    const a = Array.from({ length: 1000 }, () => first());
    expect(Array.from({ length: 1000 }, () => second())).toEqual(a);
    expect(Array.from({ length: 1000 }, () => other())).not.toEqual(a);
    expect(a.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(Math.abs(a.reduce((sum, value) => sum + value, 0) / a.length - 0.5)).toBeLessThan(0.05);
  });
  it('interpolates quantiles', () => {
    expect(quantileOfSorted([0, 10], 0.25)).toBe(2.5);
    expect(quantileOfSorted([1, 2, 3, 4, 5], 0.5)).toBe(3);
  });
});

describe('bootstrapMeanInterval', () => {
  it('is deterministic for a seed and changes with the seed', () => {
    // Continuous scores: with 0/1 scores the percentiles land on the same grid point for most seeds.
    const values = [0.1, 0.9, 0.8, 0.2, 0.95, 0.7, 0.85, 0.3, 0.75, 0.45];
    const first = bootstrapMeanInterval(values, { seed: 7 });
    expect(bootstrapMeanInterval(values, { seed: 7 })).toEqual(first);
    expect(bootstrapMeanInterval(values, { seed: 8 })).not.toEqual(first);
    expect(first.mean).toBeCloseTo(0.6, 12);
    expect(first).toMatchObject({ n: 10, resamples: 2000, confidence: 0.95 });
    expect(first.lower).toBeLessThan(0.6);
    expect(first.upper).toBeGreaterThan(0.6);
  });
  it('collapses to the value for constant data', () => {
    expect(bootstrapMeanInterval([0.5, 0.5, 0.5])).toMatchObject({ mean: 0.5, lower: 0.5, upper: 0.5 });
  });
  it('matches the normal-theory interval on a large sample', () => {
    const random = createSeededRandom(3);
    const values = Array.from({ length: 2000 }, () => (random() < 0.7 ? 1 : 0));
    const interval = bootstrapMeanInterval(values, { seed: 5 });
    const halfWidth = 1.96 * Math.sqrt((interval.mean * (1 - interval.mean)) / values.length);
    expect(interval.upper - interval.mean).toBeCloseTo(halfWidth, 2);
    expect(interval.mean - interval.lower).toBeCloseTo(halfWidth, 2);
  });
  it('covers the true mean about 95% of the time', () => {
    // 300 data sets of 100 Bernoulli(0.7) draws; a correct 95% interval contains 0.7 in ~285 of them.
    const random = createSeededRandom(11);
    let covered = 0;
    const trials = 300;
    for (let trial = 0; trial < trials; trial += 1) {
      const values = Array.from({ length: 100 }, () => (random() < 0.7 ? 1 : 0));
      const interval = bootstrapMeanInterval(values, { resamples: 500, seed: trial + 1 });
      if (interval.lower <= 0.7 && 0.7 <= interval.upper) covered += 1;
    }
    expect(covered / trials).toBeGreaterThan(0.9);
    expect(covered / trials).toBeLessThan(0.99);
  });
  it('rejects empty data and bad options', () => {
    expect(() => bootstrapMeanInterval([])).toThrow('no values');
    expect(() => bootstrapMeanInterval([1], { confidence: 1 })).toThrow('confidence');
    expect(() => bootstrapMeanInterval([1], { resamples: 0 })).toThrow('resamples');
  });
});

describe('comparePaired', () => {
  it('computes exact sign-flip p-values on small cases', () => {
    expect(signFlipPValue([1, 1, 1, 1, 1], 0, 1)).toEqual({ pValue: 2 / 32, method: 'exact' });
    expect(signFlipPValue([1, -1], 0, 1)).toEqual({ pValue: 1, method: 'exact' });
    expect(signFlipPValue([0, 0], 0, 1)).toEqual({ pValue: 1, method: 'exact' });
    // Zero differences are dropped: same as five ones.
    expect(signFlipPValue([1, 1, 1, 1, 1, 0, 0], 0, 1).pValue).toBe(2 / 32);
  });
  it('detects a small consistent improvement that an unpaired view would miss', () => {
    // Case difficulty varies widely; the candidate is better by 0.05 on every case.
    const random = createSeededRandom(9);
    const difficulty = Array.from({ length: 60 }, () => random());
    const baseline = samples(difficulty.map((value) => value * 0.9));
    const candidate = samples(difficulty.map((value) => value * 0.9 + 0.05));
    const comparison = comparePaired(candidate, baseline);
    expect(comparison.meanDifference).toBeCloseTo(0.05, 10);
    expect(comparison.lower).toBeCloseTo(0.05, 10);
    expect(comparison.pValueMethod).toBe('monte-carlo');
    expect(comparison.pValue).toBeLessThan(0.001);
    const unpaired = bootstrapMeanInterval(baseline.map((sample) => sample.score));
    expect(unpaired.upper - unpaired.lower).toBeGreaterThan(0.1);
  });
  it('does not call noise significant and reports unpaired ids', () => {
    const random = createSeededRandom(21);
    const baseline = samples(Array.from({ length: 80 }, () => (random() < 0.6 ? 1 : 0)));
    const candidate = samples(Array.from({ length: 80 }, () => (random() < 0.6 ? 1 : 0)));
    candidate.push({ id: 'extra', score: 1 });
    const comparison = comparePaired(candidate, baseline, { seed: 4 });
    expect(comparison.pValue).toBeGreaterThan(0.05);
    expect(comparison.lower).toBeLessThan(0);
    expect(comparison.upper).toBeGreaterThan(0);
    expect(comparison.onlyCandidate).toEqual(['extra']);
    expect(comparison.pairedCases).toBe(80);
    expect(comparePaired(candidate, baseline, { seed: 4 })).toEqual(comparison);
  });
  it('refuses data with nothing paired or duplicate ids', () => {
    expect(() => comparePaired(samples([1], 'x'), samples([1], 'y'))).toThrow('no case was scored for both');
    expect(() => comparePaired([{ id: 'a', score: 1 }, { id: 'a', score: 0 }], samples([1]))).toThrow('duplicate candidate');
  });
});

describe('gate', () => {
  const baselineScores = Array.from({ length: 200 }, (_, index) => (index % 10 < 8 ? 1 : 0));
  const baseline = samples(baselineScores);

  it('passes an identical candidate and one that drops less than allowed', () => {
    expect(gate({ candidate: samples(baselineScores), baseline, maxDrop: 0.01 }).passed).toBe(true);
    // Loses 2 of 200 cases: a 0.01 drop, within maxDrop 0.02.
    const slightlyWorse = samples(baselineScores.map((score, index) => (index < 2 ? 0 : score)));
    const decision = gate({ candidate: slightlyWorse, baseline, maxDrop: 0.02 });
    expect(decision.passed).toBe(true);
    expect(decision.comparison.meanDifference).toBeCloseTo(-0.01, 10);
  });
  it('fails a candidate that is clearly worse beyond the allowed drop', () => {
    // Loses 30 of 200 cases: a 0.15 drop.
    const worse = samples(baselineScores.map((score, index) => (index < 40 && score === 1 ? 0 : score)));
    const decision = gate({ candidate: worse, baseline, maxDrop: 0.01 });
    expect(decision.passed).toBe(false);
    expect(decision.bound).toBeLessThan(-0.01);
    expect(decision.reason).toMatch(/^fail: mean difference -0\.1600/);
  });
  it('passes in regression mode but fails in non-inferiority mode when evidence is thin', () => {
    // Four cases, one lost: the drop may be real but the data cannot show it either way.
    const input = { candidate: samples([1, 1, 1, 0]), baseline: samples([1, 1, 1, 1]), maxDrop: 0.01 };
    expect(gate(input).passed).toBe(true);
    expect(gate({ ...input, mode: 'non-inferiority' }).passed).toBe(false);
  });
  it('uses the one-sided bound at the given confidence', () => {
    const random = createSeededRandom(2);
    const candidate = samples(baselineScores.map((score) => (score === 1 && random() < 0.06 ? 0 : score)));
    const lenient = gate({ candidate, baseline, maxDrop: 0.01, confidence: 0.6 });
    const strict = gate({ candidate, baseline, maxDrop: 0.01, confidence: 0.999 });
    expect(strict.bound).toBeGreaterThan(lenient.bound);
    expect(lenient.bound).toBeCloseTo(quantileOfSorted(lenient.comparison.bootstrapDifferences, 0.6), 12);
  });
  it('validates its parameters', () => {
    expect(() => gate({ candidate: baseline, baseline, maxDrop: -1 })).toThrow('maxDrop');
    expect(() => gate({ candidate: baseline, baseline, maxDrop: 0, confidence: 0.4 })).toThrow('confidence');
  });
});

describe('breakdownByTag', () => {
  it('summarises overall, each tag and untagged cases', () => {
    const rows = breakdownByTag([
      { id: 'a', score: 1, tags: ['math', 'easy'] },
      { id: 'b', score: 0, tags: ['math'] },
      { id: 'c', score: 1 },
    ]);
    expect(rows.map((row) => [row.tag, row.n, row.mean])).toEqual([
      ['(all)', 3, 2 / 3],
      ['easy', 1, 1],
      ['math', 2, 0.5],
      ['(untagged)', 1, 1],
    ]);
    expect(breakdownByTag([])).toEqual([]);
  });
});
