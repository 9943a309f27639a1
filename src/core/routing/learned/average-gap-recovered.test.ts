import { describe, expect, it } from 'vitest';
import { averageGapRecovered } from './average-gap-recovered.js';

describe('averageGapRecovered', () => {
  const weak = [0, 0, 1, 1];
  const strong = [1, 1, 1, 1];

  it('is 0.5 for a constant score (random routing in expectation)', () => {
    expect(averageGapRecovered([0.3, 0.3, 0.3, 0.3], weak, strong)).toBeCloseTo(0.5, 12);
  });

  it('rewards sending the prompts that gain most to the strong model first', () => {
    // Perfect order: PGR reaches 0.5 at share 0.25 and 1 at 0.5, then stays: area = 0.0625+0.1875+0.5.
    expect(averageGapRecovered([0.9, 0.8, 0.2, 0.1], weak, strong)).toBeCloseTo(0.75, 12);
    expect(averageGapRecovered([0.1, 0.2, 0.8, 0.9], weak, strong)).toBeCloseTo(0.25, 12);
  });

  it('counts prompts where the weak model is better as lost quality', () => {
    expect(averageGapRecovered([0.9, 0.1], [0, 1], [1, 0.5])).toBeCloseTo(0.5 * 2 * 0.5 + 0.5 * (2 + 1) / 2, 12);
  });
});
