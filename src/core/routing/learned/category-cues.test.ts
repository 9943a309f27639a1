import { describe, expect, it } from 'vitest';
import { addCueCounts, CUE_CATEGORIES } from './category-cues.js';
import { DENSE_FEATURE_NAMES, denseFeatures } from './dense-features.js';

function cues(text: string): Record<string, number> {
  const counts = new Float64Array(CUE_CATEGORIES.length);
  addCueCounts(text, counts);
  return Object.fromEntries(CUE_CATEGORIES.map((category, index) => [category, counts[index]!]));
}

describe('category cues', () => {
  it('counts cue words per category, case-insensitively, including c++', () => {
    expect(cues('Write a C++ program: implement a recursive Fibonacci function.')).toMatchObject({ code: 5, writing: 1, math: 1 });
    expect(cues('Solve the equation and compute the remainder.')).toMatchObject({ math: 4, code: 0 });
    expect(cues('Pretend you are a pirate.')).toMatchObject({ roleplay: 2 }); // pretend, you;
    expect(cues('')).toEqual(Object.fromEntries(CUE_CATEGORIES.map((category) => [category, 0])));
  });

  it('a follow-up turn inherits the cues of the turns before it', () => {
    const followUp = denseFeatures({ prompt: 'Now make it faster.', previousTurns: ['Implement a Python function that sorts an array.'] });
    const alone = denseFeatures({ prompt: 'Now make it faster.' });
    const code = DENSE_FEATURE_NAMES.indexOf('cue_code');
    expect(followUp[code]).toBeCloseTo(Math.log1p(3), 9);
    expect(alone[code]).toBe(0);
  });
});
