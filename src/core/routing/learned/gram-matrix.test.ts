import { describe, expect, it } from 'vitest';
import { gramBlock, gramMatrix, withDenseColumns } from './gram-matrix.js';
import type { SparseVector } from './hashed-ngrams.js';

function sparse(entries: [number, number][]): SparseVector {
  return { indices: Int32Array.from(entries, ([index]) => index), values: Float64Array.from(entries, ([, value]) => value) };
}

const rows = [
  sparse([[0, 1], [2, 2], [4, 5]]),
  sparse([[1, 3], [2, -1]]),
  sparse([[0, 0.5], [3, 4], [4, 1]]),
];

function dotBelow(left: SparseVector, right: SparseVector, limit: number): number {
  let sum = 0;
  left.indices.forEach((index, position) => {
    const other = right.indices.indexOf(index);
    if (index < limit && other >= 0) sum += left.values[position]! * right.values[other]!;
  });
  return sum;
}

describe('gramMatrix', () => {
  it('holds every pair of rows’ inner product, symmetric', () => {
    const gram = gramMatrix(rows, 5);
    expect(gram.size).toBe(3);
    for (let left = 0; left < 3; left += 1) {
      for (let right = 0; right < 3; right += 1) expect(gram.values[left * 3 + right]).toBeCloseTo(dotBelow(rows[left]!, rows[right]!, 5), 12);
    }
    expect(gram.values[0 * 3 + 2]).toBeCloseTo(1 * 0.5 + 5 * 1, 12);
  });

  it('counts only columns below the dimension (the n-gram part of a matrix with dense columns after it)', () => {
    const gram = gramMatrix(rows, 3);
    expect(gram.values[0 * 3 + 2]).toBeCloseTo(0.5, 12);
    expect(gram.values[2 * 3 + 2]).toBeCloseTo(0.25, 12);
  });

  it('adds scaled dense columns and slices blocks', () => {
    const base = gramMatrix(rows, 5);
    const dense = [Float64Array.of(1, 0), Float64Array.of(0, 2), Float64Array.of(1, 1)];
    const extended = withDenseColumns(base, dense, 0.5);
    expect(extended.values[0 * 3 + 2]).toBeCloseTo(base.values[0 * 3 + 2]! + 0.25 * 1, 12);
    expect(extended.values[1 * 3 + 1]).toBeCloseTo(base.values[1 * 3 + 1]! + 0.25 * 4, 12);
    expect(base.values[1 * 3 + 1]).toBeCloseTo(10, 12); // the original is left alone
    expect(Array.from(gramBlock(base, [2, 0], [1]))).toEqual([base.values[2 * 3 + 1], base.values[0 * 3 + 1]]);
  });
});
