import type { SparseVector } from './hashed-ngrams.js';

/**
 * Inner products between every pair of training rows (X·Xᵀ), row-major n×n. With a few hundred to a
 * few thousand prompts but ~10^5 n-gram columns, every L2-regularised logistic fit lives in the span
 * of the rows, so one Gram matrix serves all cross-validation fits, targets and penalties.
 */
export interface GramMatrix {
  size: number;
  values: Float64Array;
}

/**
 * Computed column by column (each column's rows pair up), half of it then mirrored. Only columns
 * below `dimension` count, so the n-gram part of a matrix with trailing dense columns can be taken.
 */
export function gramMatrix(rows: readonly SparseVector[], dimension: number): GramMatrix {
  const size = rows.length;
  const starts = new Int32Array(dimension + 1);
  for (const row of rows) {
    for (let entry = 0; entry < row.indices.length && row.indices[entry]! < dimension; entry += 1) starts[row.indices[entry]! + 1]! += 1;
  }
  for (let column = 0; column < dimension; column += 1) starts[column + 1]! += starts[column]!;
  const rowOf = new Int32Array(starts[dimension]!);
  const valueOf = new Float64Array(starts[dimension]!);
  const next = starts.slice(0, dimension);
  rows.forEach((row, index) => {
    for (let entry = 0; entry < row.indices.length && row.indices[entry]! < dimension; entry += 1) {
      const slot = next[row.indices[entry]!]!++;
      rowOf[slot] = index;
      valueOf[slot] = row.values[entry]!;
    }
  });
  const values = new Float64Array(size * size);
  for (let column = 0; column < dimension; column += 1) {
    const end = starts[column + 1]!;
    // Rows are filled in order, so within a column they ascend: `later >= first` fills the upper triangle.
    for (let first = starts[column]!; first < end; first += 1) {
      const base = rowOf[first]! * size;
      const value = valueOf[first]!;
      for (let later = first; later < end; later += 1) values[base + rowOf[later]!]! += value * valueOf[later]!;
    }
  }
  for (let row = 0; row < size; row += 1) {
    for (let column = row + 1; column < size; column += 1) values[column * size + row] = values[row * size + column]!;
  }
  return { size, values };
}

/** The block of `gram` at the given rows and columns (positions into the full matrix). */
export function gramBlock(gram: GramMatrix, rows: ArrayLike<number>, columns: ArrayLike<number>): Float64Array {
  const block = new Float64Array(rows.length * columns.length);
  for (let row = 0; row < rows.length; row += 1) {
    const base = rows[row]! * gram.size;
    const out = row * columns.length;
    for (let column = 0; column < columns.length; column += 1) block[out + column] = gram.values[base + columns[column]!]!;
  }
  return block;
}

/** `gram` plus the inner products of extra dense columns (each row's `dense` values times `scale`). */
export function withDenseColumns(gram: GramMatrix, dense: readonly Float64Array[], scale: number): GramMatrix {
  const { size } = gram;
  const values = Float64Array.from(gram.values);
  const squared = scale * scale;
  for (let row = 0; row < size; row += 1) {
    const left = dense[row]!;
    for (let column = 0; column < size; column += 1) {
      const right = dense[column]!;
      let sum = 0;
      for (let index = 0; index < left.length; index += 1) sum += left[index]! * right[index]!;
      values[row * size + column]! += squared * sum;
    }
  }
  return { size, values };
}
