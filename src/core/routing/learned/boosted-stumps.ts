import { sigmoid } from './logistic-regression.js';

/**
 * Gradient-boosted decision stumps (one split each) on the dense features, with logistic loss and
 * Newton leaf values. Catches non-linear effects of length and structure (very short or very long
 * prompts) that a linear model on the same features misses. Deterministic: no sampling.
 */

export interface Stump {
  feature: number;
  threshold: number;
  left: number;
  right: number;
}

export interface BoostedStumps {
  base: number;
  stumps: Stump[];
}

export interface BoostedStumpsOptions {
  rounds: number;
  learningRate: number;
  /** Fewest rows on either side of a split, so a stump never isolates a handful of prompts. */
  minLeaf: number;
  /** L2 penalty on leaf values (as in XGBoost's lambda). */
  leafPenalty: number;
}

export function boostedStumpsScore(model: BoostedStumps, row: ArrayLike<number>): number {
  let logit = model.base;
  for (const stump of model.stumps) logit += row[stump.feature]! <= stump.threshold ? stump.left : stump.right;
  return logit;
}

export function fitBoostedStumps(rows: readonly Float64Array[], targets: Float64Array, options: BoostedStumpsOptions): BoostedStumps {
  const count = rows.length;
  const features = rows[0]?.length ?? 0;
  let mean = 0;
  for (const target of targets) mean += target / count;
  const clamped = Math.min(1 - 1e-6, Math.max(1e-6, mean));
  const base = Math.log(clamped / (1 - clamped));
  const orders = Array.from({ length: features }, (_value, feature) =>
    Int32Array.from({ length: count }, (_entry, index) => index).sort((left, right) => rows[left]![feature]! - rows[right]![feature]!),
  );
  // Each feature's values in sorted order, so the split scan reads one flat array per feature.
  const sortedValues = orders.map((order, feature) => Float64Array.from(order, (index) => rows[index]![feature]!));
  const logits = new Float64Array(count).fill(base);
  const gradients = new Float64Array(count);
  const hessians = new Float64Array(count);
  const stumps: Stump[] = [];
  const { minLeaf, leafPenalty, learningRate } = options;
  for (let round = 0; round < options.rounds; round += 1) {
    let gradientSum = 0;
    let hessianSum = 0;
    for (let index = 0; index < count; index += 1) {
      const probability = sigmoid(logits[index]!);
      gradients[index] = probability - targets[index]!;
      hessians[index] = Math.max(probability * (1 - probability), 1e-6);
      gradientSum += gradients[index]!;
      hessianSum += hessians[index]!;
    }
    const parentScore = (gradientSum * gradientSum) / (hessianSum + leafPenalty);
    let best: { gain: number; stump: Stump } | undefined;
    for (let feature = 0; feature < features; feature += 1) {
      const order = orders[feature]!;
      const values = sortedValues[feature]!;
      let leftGradient = 0;
      let leftHessian = 0;
      for (let position = 0; position < count - 1; position += 1) {
        const index = order[position]!;
        leftGradient += gradients[index]!;
        leftHessian += hessians[index]!;
        const value = values[position]!;
        const nextValue = values[position + 1]!;
        if (value === nextValue || position + 1 < minLeaf || count - position - 1 < minLeaf) continue;
        const rightGradient = gradientSum - leftGradient;
        const rightHessian = hessianSum - leftHessian;
        const gain =
          (leftGradient * leftGradient) / (leftHessian + leafPenalty) +
          (rightGradient * rightGradient) / (rightHessian + leafPenalty) -
          parentScore;
        if (best === undefined || gain > best.gain) {
          best = {
            gain,
            stump: {
              feature,
              threshold: (value + nextValue) / 2,
              left: (-learningRate * leftGradient) / (leftHessian + leafPenalty),
              right: (-learningRate * rightGradient) / (rightHessian + leafPenalty),
            },
          };
        }
      }
    }
    if (best === undefined || best.gain <= 1e-9) break;
    stumps.push(best.stump);
    for (let index = 0; index < count; index += 1) {
      logits[index]! += rows[index]![best.stump.feature]! <= best.stump.threshold ? best.stump.left : best.stump.right;
    }
  }
  return { base, stumps };
}
