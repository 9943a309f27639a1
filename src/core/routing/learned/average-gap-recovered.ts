/**
 * APGR as RouteLLM defines it: the area under the performance-gap-recovered curve as the share of
 * prompts sent to the strong model goes from 0 to 1. Used here to choose hyperparameters by
 * cross-validation; prompts with equal scores are one step of the sweep (the expected curve over
 * random tie orders), so a constant scorer gets exactly 0.5.
 */
export function averageGapRecovered(scores: ArrayLike<number>, weakQuality: ArrayLike<number>, strongQuality: ArrayLike<number>): number {
  const count = scores.length;
  let weakTotal = 0;
  let strongTotal = 0;
  for (let index = 0; index < count; index += 1) {
    weakTotal += weakQuality[index]!;
    strongTotal += strongQuality[index]!;
  }
  const gap = strongTotal - weakTotal;
  if (count === 0 || gap === 0) return 0.5;
  const order = Array.from({ length: count }, (_value, index) => index).sort((left, right) => scores[right]! - scores[left]!);
  let area = 0;
  let recovered = 0;
  let position = 0;
  while (position < count) {
    let end = position;
    let gained = 0;
    while (end < count && scores[order[end]!] === scores[order[position]!]) {
      gained += strongQuality[order[end]!]! - weakQuality[order[end]!]!;
      end += 1;
    }
    const next = recovered + gained;
    area += ((end - position) / count) * ((recovered + next) / 2 / gap);
    recovered = next;
    position = end;
  }
  return area;
}
