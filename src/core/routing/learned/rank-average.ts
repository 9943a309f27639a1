import { round } from './feature-matrix.js';

/** Rank of each score among all, in [0,1], ties sharing their mean rank. */
export function ranksOf(scores: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: scores.length }, (_value, index) => index).sort((left, right) => scores[left]! - scores[right]!);
  const ranks = new Float64Array(scores.length);
  const last = Math.max(1, order.length - 1);
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end < order.length && scores[order[end]!] === scores[order[start]!]) end += 1;
    for (let position = start; position < end; position += 1) ranks[order[position]!] = (start + end - 1) / 2 / last;
    start = end;
  }
  return ranks;
}

/** Weighted mean of each part's ranks: parts on different scales (logits, boosted sums) become comparable. */
export function meanRank(parts: readonly { scores: ArrayLike<number>; weight: number }[]): Float64Array {
  const count = parts[0]?.scores.length ?? 0;
  const blended = new Float64Array(count);
  let totalWeight = 0;
  for (const part of parts) {
    const ranks = ranksOf(part.scores);
    for (let index = 0; index < count; index += 1) blended[index]! += part.weight * ranks[index]!;
    totalWeight += part.weight;
  }
  if (totalWeight > 0) for (let index = 0; index < count; index += 1) blended[index]! /= totalWeight;
  return blended;
}

/** At most `count` evenly spaced order statistics of the scores: enough to map a raw score to its rank. */
export function quantilesOf(scores: ArrayLike<number>, count: number): number[] {
  const sorted = Float64Array.from(scores).sort();
  const size = Math.min(count, sorted.length);
  return Array.from({ length: size }, (_value, index) => round(sorted[Math.round((index * (sorted.length - 1)) / (size - 1))]!));
}

/** Standard deviation, floored so a constant score does not divide by zero. */
export function spreadOf(scores: ArrayLike<number>): number {
  let mean = 0;
  for (let index = 0; index < scores.length; index += 1) mean += scores[index]! / scores.length;
  let variance = 0;
  for (let index = 0; index < scores.length; index += 1) variance += (scores[index]! - mean) ** 2 / scores.length;
  return Math.max(Math.sqrt(variance), 1e-9);
}
