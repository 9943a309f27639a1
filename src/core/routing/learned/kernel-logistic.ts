import type { SparseVector } from './hashed-ngrams.js';
import { sigmoid } from './logistic-regression.js';

/**
 * The same L2-regularised logistic regression as logistic-regression.ts, solved in the span of the
 * training rows: w = Xᵀ·coefficients. L-BFGS started at zero never leaves that span, so running it on
 * (coefficients, bias) with the inner product ⟨a, b⟩ = aᵀ·K·b retraces the primal iterates exactly, but
 * each step costs one n×n product instead of a pass over ~10^5 columns, and cross-validation folds
 * only slice the Gram matrix K.
 */

export interface KernelLogisticProblem {
  /** Gram matrix of the training rows, row-major size×size. */
  gram: Float64Array;
  size: number;
  targets: Float64Array;
  sampleWeights: Float64Array;
  l2: number;
  maxIterations?: number;
}

export interface KernelLogisticFit {
  /** One coefficient per training row: w = Σ coefficient_i · row_i. */
  dual: Float64Array;
  bias: number;
}

/** A vector in (row-span coordinates, bias) with its Gram image cached, so inner products are O(n). */
interface SpanVector {
  span: Float64Array;
  image: Float64Array;
  bias: number;
}

function spanVector(size: number): SpanVector {
  return { span: new Float64Array(size), image: new Float64Array(size), bias: 0 };
}

function inner(left: SpanVector, right: SpanVector): number {
  let sum = left.bias * right.bias;
  for (let index = 0; index < left.span.length; index += 1) sum += left.span[index]! * right.image[index]!;
  return sum;
}

/** target += scale·source, on both coordinates and image. */
function addScaled(target: SpanVector, source: SpanVector, scale: number): void {
  for (let index = 0; index < target.span.length; index += 1) {
    target.span[index]! += scale * source.span[index]!;
    target.image[index]! += scale * source.image[index]!;
  }
  target.bias += scale * source.bias;
}

function scaleBy(target: SpanVector, scale: number): void {
  for (let index = 0; index < target.span.length; index += 1) {
    target.span[index]! *= scale;
    target.image[index]! *= scale;
  }
  target.bias *= scale;
}

function copyOf(source: SpanVector): SpanVector {
  return { span: Float64Array.from(source.span), image: Float64Array.from(source.image), bias: source.bias };
}

/** out = gram·vector; the hot loop of every fit, so four independent sums let the CPU overlap them. */
function multiply(gram: Float64Array, size: number, vector: Float64Array, out: Float64Array): void {
  const whole = size - (size % 4);
  for (let row = 0; row < size; row += 1) {
    const base = row * size;
    let first = 0;
    let second = 0;
    let third = 0;
    let fourth = 0;
    let column = 0;
    for (; column < whole; column += 4) {
      first += gram[base + column]! * vector[column]!;
      second += gram[base + column + 1]! * vector[column + 1]!;
      third += gram[base + column + 2]! * vector[column + 2]!;
      fourth += gram[base + column + 3]! * vector[column + 3]!;
    }
    for (; column < size; column += 1) first += gram[base + column]! * vector[column]!;
    out[row] = first + second + third + fourth;
  }
}

function softplus(value: number): number {
  return value > 0 ? value + Math.log1p(Math.exp(-value)) : Math.log1p(Math.exp(value));
}

/** Loss at `point` (its image holds K·span, i.e. the logits without bias); fills the gradient's coordinates. */
function evaluate(problem: KernelLogisticProblem, point: SpanVector, gradient: SpanVector | undefined): number {
  const { targets, sampleWeights, l2, size } = problem;
  let loss = 0;
  let biasGradient = 0;
  for (let row = 0; row < size; row += 1) {
    const logit = point.image[row]! + point.bias;
    const weight = sampleWeights[row]!;
    const target = targets[row]!;
    loss += weight * (target * softplus(-logit) + (1 - target) * softplus(logit)) + 0.5 * l2 * point.span[row]! * point.image[row]!;
    if (gradient !== undefined) {
      const residual = weight * (sigmoid(logit) - target);
      // Primal gradient Xᵀr + l2·w = Xᵀ(r + l2·coefficients).
      gradient.span[row] = residual + l2 * point.span[row]!;
      biasGradient += residual;
    }
  }
  if (gradient !== undefined) {
    gradient.bias = biasGradient;
    multiply(problem.gram, size, gradient.span, gradient.image);
  }
  return loss;
}

/** L-BFGS (memory 8, backtracking Armijo), step for step the algorithm of fitLogistic. */
export function fitKernelLogistic(problem: KernelLogisticProblem): KernelLogisticFit {
  const { size } = problem;
  const memory = 8;
  const maxIterations = problem.maxIterations ?? 100;
  let parameters = spanVector(size);
  let gradient = spanVector(size);
  let loss = evaluate(problem, parameters, gradient);
  const steps: SpanVector[] = [];
  const changes: SpanVector[] = [];
  const curvatures: number[] = [];
  const alphas = new Float64Array(memory);
  const initialNorm = Math.sqrt(inner(gradient, gradient));
  for (let iteration = 0; iteration < maxIterations; iteration += 1) {
    const direction = copyOf(gradient);
    for (let index = steps.length - 1; index >= 0; index -= 1) {
      const alpha = curvatures[index]! * inner(steps[index]!, direction);
      alphas[index] = alpha;
      addScaled(direction, changes[index]!, -alpha);
    }
    if (steps.length > 0) {
      const last = steps.length - 1;
      scaleBy(direction, inner(steps[last]!, changes[last]!) / inner(changes[last]!, changes[last]!));
    } else scaleBy(direction, 1 / Math.max(1, initialNorm));
    for (let index = 0; index < steps.length; index += 1) {
      const beta = curvatures[index]! * inner(changes[index]!, direction);
      addScaled(direction, steps[index]!, alphas[index]! - beta);
    }
    scaleBy(direction, -1);
    let slope = inner(gradient, direction);
    if (slope >= 0) {
      // Not a descent direction (curvature noise): restart from steepest descent.
      steps.length = 0;
      changes.length = 0;
      curvatures.length = 0;
      const restart = copyOf(gradient);
      scaleBy(restart, -1 / Math.max(1, initialNorm));
      Object.assign(direction, restart);
      slope = inner(gradient, direction);
    }
    let stepLength = 1;
    let candidate = copyOf(parameters);
    let candidateLoss = Infinity;
    for (let attempt = 0; attempt < 30; attempt += 1) {
      candidate = copyOf(parameters);
      addScaled(candidate, direction, stepLength);
      candidateLoss = evaluate(problem, candidate, undefined);
      if (candidateLoss <= loss + 1e-4 * stepLength * slope) break;
      stepLength *= 0.5;
    }
    if (!(candidateLoss < loss)) break;
    const candidateGradient = spanVector(size);
    evaluate(problem, candidate, candidateGradient);
    const step = copyOf(candidate);
    addScaled(step, parameters, -1);
    const change = copyOf(candidateGradient);
    addScaled(change, gradient, -1);
    const curvature = inner(step, change);
    if (curvature > 1e-12) {
      if (steps.length === memory) {
        steps.shift();
        changes.shift();
        curvatures.shift();
      }
      steps.push(step);
      changes.push(change);
      curvatures.push(1 / curvature);
    }
    const improvement = loss - candidateLoss;
    parameters = candidate;
    gradient = candidateGradient;
    loss = candidateLoss;
    if (Math.sqrt(inner(gradient, gradient)) <= 1e-6 * Math.max(1, initialNorm) || improvement <= 1e-10 * Math.max(1, Math.abs(loss))) break;
  }
  return { dual: parameters.span, bias: parameters.bias };
}

/** Logits of other rows from their Gram block against the training rows (row-major, one row per prompt). */
export function kernelLogits(fit: KernelLogisticFit, block: Float64Array): Float64Array {
  const size = fit.dual.length;
  const count = block.length / size;
  const logits = new Float64Array(count);
  for (let row = 0; row < count; row += 1) {
    let sum = fit.bias;
    for (let column = 0; column < size; column += 1) sum += block[row * size + column]! * fit.dual[column]!;
    logits[row] = sum;
  }
  return logits;
}

/**
 * The primal weights w = Xᵀ·dual for the artifact, over columns below `dimension` only (the Gram matrix
 * the fit used may have left out trailing dense columns; row indices ascend, so they come last).
 */
export function primalCoefficients(fit: KernelLogisticFit, rows: readonly SparseVector[], dimension: number): Float64Array {
  const coefficients = new Float64Array(dimension);
  rows.forEach((row, index) => {
    const weight = fit.dual[index]!;
    for (let entry = 0; entry < row.indices.length && row.indices[entry]! < dimension; entry += 1) {
      coefficients[row.indices[entry]!]! += weight * row.values[entry]!;
    }
  });
  return coefficients;
}
