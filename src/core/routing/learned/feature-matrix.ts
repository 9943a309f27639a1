import { DENSE_FEATURE_NAMES, denseFeatures, type DenseFeatureName } from './dense-features.js';
import { NgramVectorizer, type HashingOptions, type SparseVector } from './hashed-ngrams.js';
import { routerText, type RouterInput } from './router-input.js';

/**
 * Training-time features: every prompt's hashed n-grams remapped to a compact column space (only
 * buckets seen in training can get a weight), followed by standardised dense features.
 */
export interface FeatureMatrix {
  /** Columns 0..bucketColumns-1 are n-gram buckets, the rest dense features. */
  rows: SparseVector[];
  dimension: number;
  bucketColumns: number;
  /** Column → hashed bucket, for the n-gram columns. */
  columnBuckets: Int32Array;
  dense: DenseFeatureName[];
  denseMean: number[];
  denseScale: number[];
  /** Standardised dense features per row, for the stumps. */
  denseRows: Float64Array[];
}

export interface FeatureMatrixOptions {
  hashing: HashingOptions;
  dense: readonly DenseFeatureName[];
  /** Multiplies the standardised dense columns, i.e. how strongly L2 shrinks them relative to n-grams. */
  denseColumnScale: number;
  /** N-grams seen in fewer training prompts than this get no column: they can only memorise one row. */
  minDocumentFrequency?: number;
  onRow?: () => void;
}

function standardisation(values: Float64Array[], count: number): { mean: number[]; scale: number[] } {
  const mean = new Array<number>(count).fill(0);
  const scale = new Array<number>(count).fill(0);
  for (const row of values) for (let index = 0; index < count; index += 1) mean[index]! += row[index]! / values.length;
  for (const row of values) {
    for (let index = 0; index < count; index += 1) scale[index]! += (row[index]! - mean[index]!) ** 2 / values.length;
  }
  // A constant feature gets scale 1 so it standardises to 0 instead of dividing by zero.
  return { mean: mean.map(round), scale: scale.map((variance) => (variance > 1e-12 ? round(Math.sqrt(variance)) : 1)) };
}

/** Rounds to 6 significant digits: enough for any score, and it keeps the artifact small. */
export function round(value: number): number {
  return Number(value.toPrecision(6));
}

export function buildFeatureMatrix(inputs: readonly RouterInput[], options: FeatureMatrixOptions): FeatureMatrix {
  const vectors: SparseVector[] = [];
  const vectorizer = new NgramVectorizer(options.hashing);
  for (const input of inputs) {
    vectors.push(vectorizer.sparseVector(routerText(input)));
    options.onRow?.();
  }
  const documentFrequency = new Int32Array(2 ** options.hashing.hashBits);
  for (const vector of vectors) for (const bucket of vector.indices) documentFrequency[bucket]! += 1;
  const minimum = Math.max(1, options.minDocumentFrequency ?? 1);
  const used: number[] = [];
  documentFrequency.forEach((frequency, bucket) => {
    if (frequency >= minimum) used.push(bucket);
  });
  const columnBuckets = Int32Array.from(used);
  const columnOf = new Int32Array(2 ** options.hashing.hashBits).fill(-1);
  columnBuckets.forEach((bucket, column) => (columnOf[bucket] = column));
  const denseIndices = options.dense.map((name) => DENSE_FEATURE_NAMES.indexOf(name));
  const rawDense = inputs.map((input) => {
    const all = denseFeatures(input);
    return Float64Array.from(denseIndices, (index) => all[index]!);
  });
  const { mean, scale } = standardisation(rawDense, denseIndices.length);
  const denseRows = rawDense.map((row) => row.map((value, index) => (value - mean[index]!) / scale[index]!));
  const bucketColumns = columnBuckets.length;
  const rows = vectors.map((vector, row) => {
    const indices: number[] = [];
    const values: number[] = [];
    // Buckets are sorted, so their columns are too (columns follow bucket order).
    vector.indices.forEach((bucket, position) => {
      const column = columnOf[bucket]!;
      if (column < 0) return;
      indices.push(column);
      values.push(vector.values[position]!);
    });
    for (let index = 0; index < denseIndices.length; index += 1) {
      indices.push(bucketColumns + index);
      values.push(denseRows[row]![index]! * options.denseColumnScale);
    }
    return { indices: Int32Array.from(indices), values: Float64Array.from(values) };
  });
  return {
    rows,
    dimension: bucketColumns + denseIndices.length,
    bucketColumns,
    columnBuckets,
    dense: [...options.dense],
    denseMean: mean,
    denseScale: scale,
    denseRows,
  };
}

/** A subset of rows (for cross-validation folds), sharing the column space. */
export function selectRows(rows: readonly SparseVector[], positions: readonly number[]): SparseVector[] {
  return positions.map((position) => rows[position]!);
}
