/**
 * The cost–quality curve a learned router's threshold is chosen from, kept in the artifact so the
 * dashboard can draw it with the threshold marked. Built from the same held-out (out-of-fold) scores
 * the calibration uses, with the same rule: a prompt goes to the strong model when its score is
 * above the threshold.
 */

/** What a prompt's two answers were worth, in [0,1], and cost in US$ (omitted when prices are unknown). */
export interface CalibrationOutcome {
  readonly weakQuality: number;
  readonly strongQuality: number;
  readonly weakCost?: number;
  readonly strongCost?: number;
}

export interface CalibrationCurvePoint {
  /** Score above it → strong. */
  threshold: number;
  /** Share of prompts sent to the strong model. */
  strongShare: number;
  /** Cost / cost of sending every prompt to the strong model; the strong share when prices are unknown. */
  relativeCost: number;
  /** Mean quality in [0,1], the scale the calibration's target is set on. */
  quality: number;
}

/** Enough points to draw a smooth curve while keeping the artifact small. */
export const CALIBRATION_CURVE_MAX_POINTS = 50;

export interface CalibrationCurveOptions {
  /** The calibrated threshold: always a point of the curve, so the dashboard can mark it exactly. */
  chosenThreshold?: number;
  /** At most this many points (≥ 3; default 50). */
  maxPoints?: number;
}

const DECIMALS = 1e6;

function rounded(value: number): number {
  return Math.round(value * DECIMALS) / DECIMALS;
}

/**
 * The curve over the thresholds the calibration considers (0, the midpoints between neighbouring
 * distinct scores, and 1), thinned to points evenly spread over the strong share. Ordered by
 * threshold, highest first, so strong share, cost and (usually) quality rise along it.
 */
export function calibrationCurve(
  outcomes: readonly CalibrationOutcome[],
  scores: readonly number[],
  options: CalibrationCurveOptions = {},
): CalibrationCurvePoint[] {
  if (scores.length !== outcomes.length) throw new RangeError(`calibrationCurve: ${scores.length} scores for ${outcomes.length} prompts`);
  const maxPoints = options.maxPoints ?? CALIBRATION_CURVE_MAX_POINTS;
  if (!(Number.isInteger(maxPoints) && maxPoints >= 3)) throw new RangeError(`calibrationCurve: maxPoints must be a whole number ≥ 3, got ${maxPoints}`);
  if (outcomes.length === 0) return [];
  const pointAt = sweep(outcomes, scores);
  const distinct = [...new Set(scores)].sort((left, right) => right - left);
  const thresholds = [1, ...distinct.slice(1).map((value, index) => (value + distinct[index]!) / 2), 0];
  const candidates = thresholds.map(pointAt);
  // One slot is kept for the chosen threshold, so the thinned curve never exceeds maxPoints.
  const picked = new Set(thinByStrongShare(candidates, maxPoints - 1));
  const points = [...picked].map((index) => candidates[index]!);
  const chosen = options.chosenThreshold;
  if (chosen !== undefined && !points.some((point) => point.threshold === chosen)) points.push(pointAt(chosen));
  return points
    .sort((left, right) => right.threshold - left.threshold)
    .map((point) => ({ threshold: point.threshold, strongShare: rounded(point.strongShare), relativeCost: rounded(point.relativeCost), quality: rounded(point.quality) }));
}

/** For any threshold, the outcome of routing every prompt by it (O(log n) per threshold after sorting). */
function sweep(outcomes: readonly CalibrationOutcome[], scores: readonly number[]): (threshold: number) => CalibrationCurvePoint {
  const count = outcomes.length;
  const priced = outcomes.every((outcome) => outcome.weakCost !== undefined && outcome.strongCost !== undefined);
  const order = outcomes.map((_outcome, index) => index).sort((left, right) => scores[right]! - scores[left]!);
  // Prefix sums over prompts by falling score: what sending the first k to the strong model adds.
  const gain = new Float64Array(count + 1);
  const extra = new Float64Array(count + 1);
  order.forEach((index, position) => {
    const outcome = outcomes[index]!;
    gain[position + 1] = gain[position]! + outcome.strongQuality - outcome.weakQuality;
    extra[position + 1] = extra[position]! + (outcome.strongCost ?? 0) - (outcome.weakCost ?? 0);
  });
  const weakQuality = outcomes.reduce((total, outcome) => total + outcome.weakQuality, 0);
  const weakCost = outcomes.reduce((total, outcome) => total + (outcome.weakCost ?? 0), 0);
  const strongCost = outcomes.reduce((total, outcome) => total + (outcome.strongCost ?? 0), 0);
  const costKnown = priced && strongCost > 0;
  return (threshold) => {
    const sent = countAbove(order, scores, threshold);
    const strongShare = sent / count;
    return {
      threshold,
      strongShare,
      relativeCost: costKnown ? (weakCost + extra[sent]!) / strongCost : strongShare,
      quality: (weakQuality + gain[sent]!) / count,
    };
  };
}

/** How many prompts score above `threshold`; `order` lists prompt indices by falling score. */
function countAbove(order: readonly number[], scores: readonly number[], threshold: number): number {
  let low = 0;
  let high = order.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (scores[order[middle]!]! > threshold) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Indices of up to `slots` candidates nearest to evenly spaced strong shares; both ends always kept. */
function thinByStrongShare(candidates: readonly CalibrationCurvePoint[], slots: number): number[] {
  const last = candidates.length - 1;
  if (candidates.length <= slots) return candidates.map((_candidate, index) => index);
  const low = candidates[0]!.strongShare;
  const high = candidates[last]!.strongShare;
  const picked = [0];
  let cursor = 0;
  for (let slot = 1; slot < slots - 1; slot += 1) {
    const target = low + ((high - low) * slot) / (slots - 1);
    // Candidates rise in strong share: walk to the last one at or below the target, then take the nearer neighbour.
    while (cursor + 1 < last && candidates[cursor + 1]!.strongShare <= target) cursor += 1;
    const above = candidates[cursor + 1]!.strongShare - target;
    const nearest = above < target - candidates[cursor]!.strongShare ? cursor + 1 : cursor;
    if (nearest < last && nearest > picked[picked.length - 1]!) picked.push(nearest);
  }
  picked.push(last);
  return picked;
}
