import type { SparseVector } from './hashed-ngrams.js';

/**
 * L2-regularised logistic regression with soft targets and sample weights, fitted by L-BFGS.
 * Full-batch and deterministic: the same data always gives the same weights.
 */

export interface LogisticProblem {
  /** Rows over a compact column space 0..dimension-1 (indices strictly increasing). */
  rows: readonly SparseVector[];
  dimension: number;
  /** Targets in [0,1] (soft labels allowed). */
  targets: Float64Array;
  /** Per-row weights (>= 0). */
  sampleWeights: Float64Array;
  /** Penalty (l2 / 2)·‖w‖² added to the weighted sum of log-losses; the bias is not penalised. */
  l2: number;
  /** Default 100, as scikit-learn's lbfgs: enough for a stable ranking, and it bounds training time. */
  maxIterations?: number;
}

export interface LogisticFit {
  coefficients: Float64Array;
  bias: number;
}

export function sigmoid(value: number): number {
  if (value >= 0) return 1 / (1 + Math.exp(-value));
  const exp = Math.exp(value);
  return exp / (1 + exp);
}

/** log(1 + e^value) without overflow. */
function softplus(value: number): number {
  return value > 0 ? value + Math.log1p(Math.exp(-value)) : Math.log1p(Math.exp(value));
}

function dot(left: Float64Array, right: Float64Array): number {
  let sum = 0;
  for (let index = 0; index < left.length; index += 1) sum += left[index]! * right[index]!;
  return sum;
}

/** Loss and gradient at `parameters` (coefficients then bias as the last entry). */
function evaluate(problem: LogisticProblem, parameters: Float64Array, gradient: Float64Array): number {
  const { rows, targets, sampleWeights, l2, dimension } = problem;
  const bias = parameters[dimension]!;
  gradient.fill(0);
  let loss = 0;
  for (let row = 0; row < rows.length; row += 1) {
    const weight = sampleWeights[row]!;
    if (weight === 0) continue;
    const { indices, values } = rows[row]!;
    let logit = bias;
    for (let entry = 0; entry < indices.length; entry += 1) logit += parameters[indices[entry]!]! * values[entry]!;
    const target = targets[row]!;
    // Cross-entropy with a soft target: t·softplus(-z) + (1-t)·softplus(z).
    loss += weight * (target * softplus(-logit) + (1 - target) * softplus(logit));
    const residual = weight * (sigmoid(logit) - target);
    for (let entry = 0; entry < indices.length; entry += 1) gradient[indices[entry]!]! += residual * values[entry]!;
    gradient[dimension]! += residual;
  }
  for (let index = 0; index < dimension; index += 1) {
    const coefficient = parameters[index]!;
    loss += 0.5 * l2 * coefficient * coefficient;
    gradient[index]! += l2 * coefficient;
  }
  return loss;
}

/** Fits the problem with L-BFGS (memory 8) and a backtracking Armijo line search. */
export function fitLogistic(problem: LogisticProblem): LogisticFit {
  const size = problem.dimension + 1;
  const memory = 8;
  const maxIterations = problem.maxIterations ?? 100;
  let parameters = new Float64Array(size);
  let gradient = new Float64Array(size);
  let loss = evaluate(problem, parameters, gradient);
  const steps: Float64Array[] = [];
  const gradientChanges: Float64Array[] = [];
  const curvatures: number[] = [];
  const alphas = new Float64Array(memory);
  const direction = new Float64Array(size);
  const candidate = new Float64Array(size);
  let candidateGradient = new Float64Array(size);
  const initialNorm = Math.sqrt(dot(gradient, gradient));
  for (let iteration = 0; iteration < maxIterations; iteration += 1) {
    // Two-loop recursion: direction = -H·gradient.
    direction.set(gradient);
    for (let index = steps.length - 1; index >= 0; index -= 1) {
      const alpha = curvatures[index]! * dot(steps[index]!, direction);
      alphas[index] = alpha;
      const change = gradientChanges[index]!;
      for (let component = 0; component < size; component += 1) direction[component]! -= alpha * change[component]!;
    }
    if (steps.length > 0) {
      const last = steps.length - 1;
      const scale = dot(steps[last]!, gradientChanges[last]!) / dot(gradientChanges[last]!, gradientChanges[last]!);
      for (let component = 0; component < size; component += 1) direction[component]! *= scale;
    } else {
      const scale = 1 / Math.max(1, initialNorm);
      for (let component = 0; component < size; component += 1) direction[component]! *= scale;
    }
    for (let index = 0; index < steps.length; index += 1) {
      const beta = curvatures[index]! * dot(gradientChanges[index]!, direction);
      const step = steps[index]!;
      for (let component = 0; component < size; component += 1) direction[component]! += step[component]! * (alphas[index]! - beta);
    }
    for (let component = 0; component < size; component += 1) direction[component] = -direction[component]!;
    let slope = dot(gradient, direction);
    if (slope >= 0) {
      // Not a descent direction (curvature noise): restart from steepest descent.
      steps.length = 0;
      gradientChanges.length = 0;
      curvatures.length = 0;
      for (let component = 0; component < size; component += 1) direction[component] = -gradient[component]! / Math.max(1, initialNorm);
      slope = dot(gradient, direction);
    }
    let stepLength = 1;
    let candidateLoss = Infinity;
    for (let attempt = 0; attempt < 30; attempt += 1) {
      for (let component = 0; component < size; component += 1) candidate[component] = parameters[component]! + stepLength * direction[component]!;
      candidateLoss = evaluate(problem, candidate, candidateGradient);
      if (candidateLoss <= loss + 1e-4 * stepLength * slope) break;
      stepLength *= 0.5;
    }
    if (!(candidateLoss < loss)) break;
    const step = new Float64Array(size);
    const change = new Float64Array(size);
    for (let component = 0; component < size; component += 1) {
      step[component] = candidate[component]! - parameters[component]!;
      change[component] = candidateGradient[component]! - gradient[component]!;
    }
    const curvature = dot(step, change);
    if (curvature > 1e-12) {
      if (steps.length === memory) {
        steps.shift();
        gradientChanges.shift();
        curvatures.shift();
      }
      steps.push(step);
      gradientChanges.push(change);
      curvatures.push(1 / curvature);
    }
    const improvement = loss - candidateLoss;
    [parameters, gradient, candidateGradient] = [Float64Array.from(candidate), candidateGradient, gradient];
    loss = candidateLoss;
    if (Math.sqrt(dot(gradient, gradient)) <= 1e-6 * Math.max(1, initialNorm) || improvement <= 1e-10 * Math.max(1, Math.abs(loss))) break;
  }
  return { coefficients: parameters.subarray(0, problem.dimension), bias: parameters[problem.dimension]! };
}
