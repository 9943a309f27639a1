import { describe, expect, it } from 'vitest';
import { gramBlock, gramMatrix } from './gram-matrix.js';
import type { SparseVector } from './hashed-ngrams.js';
import { fitKernelLogistic, kernelLogits, primalCoefficients } from './kernel-logistic.js';
import { fitLogistic } from './logistic-regression.js';
import { seededPermutation } from './ensemble-cross-validation.js';

/** Deterministic sparse rows over more columns than rows, as hashed n-grams are. */
function problemRows(count: number, dimension: number): SparseVector[] {
  return Array.from({ length: count }, (_value, row) => {
    const columns = seededPermutation(dimension, row + 1).slice(0, 6).sort((left, right) => left - right);
    return { indices: Int32Array.from(columns), values: Float64Array.from(columns, (column) => 0.2 + ((column * 7 + row) % 5) / 5) };
  });
}

describe('fitKernelLogistic', () => {
  const rows = problemRows(40, 120);
  const targets = Float64Array.from(rows, (row, index) => (row.indices[0]! < 20 ? 0.9 : index % 3 === 0 ? 0.5 : 0.1));
  const sampleWeights = Float64Array.from(rows, (_row, index) => 1 + (index % 2));

  it('finds the same weights as the primal L-BFGS fit', () => {
    const primal = fitLogistic({ rows, dimension: 120, targets, sampleWeights, l2: 0.7 });
    const gram = gramMatrix(rows, 120);
    const kernel = fitKernelLogistic({ gram: gram.values, size: gram.size, targets, sampleWeights, l2: 0.7 });
    const coefficients = primalCoefficients(kernel, rows, 120);
    expect(kernel.bias).toBeCloseTo(primal.bias, 8);
    let largest = 0;
    for (let column = 0; column < 120; column += 1) largest = Math.max(largest, Math.abs(coefficients[column]! - primal.coefficients[column]!));
    expect(largest).toBeLessThan(1e-8);
    expect(Math.max(...Array.from(primal.coefficients, Math.abs))).toBeGreaterThan(0.05);
  });

  it('scores other rows from their Gram block exactly as the primal weights do', () => {
    const train = Array.from({ length: 30 }, (_value, index) => index);
    const held = [30, 31, 32, 33];
    const gram = gramMatrix(rows, 120);
    const fit = fitKernelLogistic({
      gram: gramBlock(gram, train, train),
      size: train.length,
      targets: targets.slice(0, 30),
      sampleWeights: sampleWeights.slice(0, 30),
      l2: 1,
    });
    const coefficients = primalCoefficients(fit, rows.slice(0, 30), 120);
    const logits = kernelLogits(fit, gramBlock(gram, held, train));
    held.forEach((row, position) => {
      let expected = fit.bias;
      rows[row]!.indices.forEach((column, entry) => (expected += coefficients[column]! * rows[row]!.values[entry]!));
      expect(logits[position]).toBeCloseTo(expected, 10);
    });
  });

  it('primalCoefficients ignores columns at or past the given dimension', () => {
    const fit = { dual: Float64Array.of(2, -1), bias: 0 };
    const coefficients = primalCoefficients(fit, [{ indices: Int32Array.of(0, 3), values: Float64Array.of(1, 5) }, { indices: Int32Array.of(0, 1), values: Float64Array.of(1, 1) }], 2);
    expect(Array.from(coefficients)).toEqual([1, -1]);
  });
});
