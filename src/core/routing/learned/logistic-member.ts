import { round, type FeatureMatrix } from './feature-matrix.js';
import type { LogisticFit } from './logistic-regression.js';
import type { RouterModelMember } from './router-artifact-schema.js';

/** Weights smaller than this share of the largest are dropped: they barely move a score and bloat the file. */
const PRUNE_RELATIVE = 1e-3;

/** Converts a fit over a feature matrix into an artifact member: sparse buckets, rounded weights. */
export function logisticMember(fit: LogisticFit, matrix: FeatureMatrix, denseColumnScale: number): RouterModelMember {
  let largest = 0;
  for (let column = 0; column < matrix.bucketColumns; column += 1) largest = Math.max(largest, Math.abs(fit.coefficients[column]!));
  const buckets: number[] = [];
  const weights: number[] = [];
  for (let column = 0; column < matrix.bucketColumns; column += 1) {
    const weight = fit.coefficients[column]!;
    // `=== 0` also drops every n-gram of a dense-only member (largest is then 0).
    if (weight === 0 || Math.abs(weight) < largest * PRUNE_RELATIVE) continue;
    buckets.push(matrix.columnBuckets[column]!);
    weights.push(Number(weight.toPrecision(4)));
  }
  const denseWeights = matrix.dense.map((_name, index) => round(fit.coefficients[matrix.bucketColumns + index]! * denseColumnScale));
  return { kind: 'logistic', bias: round(fit.bias), buckets, weights, denseWeights };
}
