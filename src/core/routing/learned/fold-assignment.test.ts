import { describe, expect, it } from 'vitest';
import { foldAssignment } from './ensemble-cross-validation.js';

describe('foldAssignment', () => {
  it('keeps every example of a group in one fold and spreads groups over all folds', () => {
    const groups = Array.from({ length: 40 }, (_unused, index) => `question-${Math.floor(index / 2)}`);
    const folds = foldAssignment(groups.length, 5, 3, groups);
    for (let index = 0; index < groups.length; index += 2) expect(folds[index]).toBe(folds[index + 1]);
    expect(new Set(folds).size).toBe(5);
  });

  it('without groups deals single examples evenly, the same way for the same seed', () => {
    const folds = foldAssignment(20, 4, 7);
    expect([0, 1, 2, 3].map((fold) => folds.filter((value) => value === fold).length)).toEqual([5, 5, 5, 5]);
    expect(foldAssignment(20, 4, 7)).toEqual(folds);
    expect(foldAssignment(20, 4, 8)).not.toEqual(folds);
  });
});
