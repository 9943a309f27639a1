import { describe, expect, it } from 'vitest';
import { boostedStumpsScore, fitBoostedStumps } from './boosted-stumps.js';

/** Feature 0 decides the target (a step at 0.5); feature 1 is noise. */
const rows = Array.from({ length: 100 }, (_value, index) => Float64Array.of(index / 100, (index * 37) % 11));
const targets = Float64Array.from(rows, (row) => (row[0]! > 0.5 ? 0.9 : 0.1));
const options = { rounds: 30, learningRate: 0.3, minLeaf: 10, leafPenalty: 1 };

describe('fitBoostedStumps', () => {
  it('finds the step and scores each side accordingly', () => {
    const model = fitBoostedStumps(rows, targets, options);
    expect(model.stumps[0]).toMatchObject({ feature: 0 });
    expect(model.stumps[0]!.threshold).toBeGreaterThan(0.49);
    expect(model.stumps[0]!.threshold).toBeLessThan(0.52);
    const low = boostedStumpsScore(model, Float64Array.of(0.2, 5));
    const high = boostedStumpsScore(model, Float64Array.of(0.8, 5));
    expect(high).toBeGreaterThan(1);
    expect(low).toBeLessThan(-1);
  });

  it('never splits off fewer than minLeaf rows', () => {
    // Only the last 3 rows are positive: the best split would isolate them, but minLeaf forbids it.
    const skewed = Float64Array.from(rows, (_row, index) => (index >= 97 ? 1 : 0));
    const model = fitBoostedStumps(rows, skewed, { ...options, minLeaf: 10 });
    for (const stump of model.stumps) {
      const left = rows.filter((row) => row[stump.feature]! <= stump.threshold).length;
      expect(Math.min(left, rows.length - left)).toBeGreaterThanOrEqual(10);
    }
  });

  it('starts from the log-odds of the mean target and is deterministic', () => {
    const model = fitBoostedStumps(rows, targets, { ...options, rounds: 0 });
    expect(model.stumps).toEqual([]);
    expect(model.base).toBeCloseTo(Math.log(0.492 / 0.508), 9); // 49 rows at 0.9, 51 at 0.1
    expect(fitBoostedStumps(rows, targets, options)).toEqual(fitBoostedStumps(rows, targets, options));
  });
});
