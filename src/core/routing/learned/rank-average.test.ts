import { describe, expect, it } from 'vitest';
import { rankAmong } from './learned-router-model.js';
import { meanRank, quantilesOf, ranksOf, spreadOf } from './rank-average.js';

describe('rank averaging', () => {
  it('ranks in [0,1] with ties sharing their mean rank', () => {
    expect(Array.from(ranksOf([10, -3, 10, 7, 0]))).toEqual([0.875, 0, 0.875, 0.5, 0.25]);
  });

  it('averages ranks with weights, ignoring each part’s scale', () => {
    const logits = [-50, 0, 50];
    const boosted = [0.3, 0.1, 0.2];
    expect(Array.from(meanRank([{ scores: logits, weight: 1 }, { scores: boosted, weight: 1 }]))).toEqual([0.5, 0.25, 0.75]);
    expect(Array.from(meanRank([{ scores: logits, weight: 3 }, { scores: boosted, weight: 1 }]))).toEqual([0.25, 0.375, 0.875]);
  });

  it('keeps evenly spaced order statistics that map scores back to their rank', () => {
    const scores = Array.from({ length: 201 }, (_value, index) => (index * 13) % 201);
    const quantiles = quantilesOf(scores, 11);
    expect(quantiles).toEqual([0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200]);
    expect(rankAmong(quantiles, 100)).toBeCloseTo(0.5, 12);
    expect(rankAmong(quantiles, 150)).toBeCloseTo(0.75, 12);
    expect(quantilesOf([3, 1], 101)).toEqual([1, 3]);
  });

  it('measures spread without dividing by zero for a constant score', () => {
    expect(spreadOf([1, 3])).toBeCloseTo(1, 12);
    expect(spreadOf([2, 2, 2])).toBeGreaterThan(0);
  });
});
