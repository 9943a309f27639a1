import type { PairedPrompt } from './routing-pair.js';

/**
 * Router metrics over a set of paired prompts. Definitions (RouteLLM, Ong et al. 2024):
 * - PGR (performance gap recovered) = (quality − all-weak quality) / (all-strong quality − all-weak quality).
 * - APGR = area under PGR plotted against the share of calls sent to the strong model, over [0, 1]
 *   (trapezoid rule over every achievable share k/N).
 * - CPT(x%) = the smallest strong-call share at which PGR reaches x%.
 */

/** What happened to one prompt under a policy. */
export interface PromptOutcome {
  readonly quality: number;
  /** Everything paid for this prompt: cheap calls, checks and the strong call if made. */
  readonly cost: number;
  /** The strong model was called (routed or escalated to). */
  readonly strongCalled: boolean;
}

export interface RoutingSummary {
  readonly prompts: number;
  /** Mean quality. */
  readonly quality: number;
  /** Total US$ over the prompts. */
  readonly cost: number;
  /** cost / cost of sending everything to the strong model. */
  readonly costShare: number;
  readonly strongShare: number;
  readonly pgr: number;
  /** Of the prompts whose weak answer was not good enough, the share not escalated. */
  readonly underEscalation: number;
  /** Of the prompts whose weak answer was good enough, the share escalated anyway. */
  readonly overEscalation: number;
  /** Counts behind the two rates, so the joint shares can be derived. */
  readonly counts: { readonly needed: number; readonly missed: number; readonly notNeeded: number; readonly wasted: number };
}

export interface CurvePoint {
  readonly strongShare: number;
  readonly costShare: number;
  readonly quality: number;
  readonly pgr: number;
}

/** Reference figures of a prompt set: all-weak and all-strong quality and cost. */
export interface PairTotals {
  readonly prompts: number;
  readonly weakQuality: number;
  readonly strongQuality: number;
  readonly weakCost: number;
  readonly strongCost: number;
}

export function pairTotals(prompts: readonly PairedPrompt[]): PairTotals {
  const count = prompts.length;
  const sum = (pick: (prompt: PairedPrompt) => number) => prompts.reduce((total, prompt) => total + pick(prompt), 0);
  return {
    prompts: count,
    weakQuality: count === 0 ? 0 : sum((prompt) => prompt.weakQuality) / count,
    strongQuality: count === 0 ? 0 : sum((prompt) => prompt.strongQuality) / count,
    weakCost: sum((prompt) => prompt.weakCost),
    strongCost: sum((prompt) => prompt.strongCost),
  };
}

/** PGR; NaN when the strong model is not better than the weak one on these prompts. */
export function performanceGapRecovered(quality: number, totals: PairTotals): number {
  const gap = totals.strongQuality - totals.weakQuality;
  return gap > 0 ? (quality - totals.weakQuality) / gap : Number.NaN;
}

export function summarise(prompts: readonly PairedPrompt[], outcomes: readonly PromptOutcome[]): RoutingSummary {
  if (outcomes.length !== prompts.length) throw new Error(`summarise: ${outcomes.length} outcomes for ${prompts.length} prompts`);
  const totals = pairTotals(prompts);
  let quality = 0;
  let cost = 0;
  let strong = 0;
  let needed = 0;
  let missed = 0;
  let notNeeded = 0;
  let wasted = 0;
  outcomes.forEach((outcome, index) => {
    quality += outcome.quality;
    cost += outcome.cost;
    if (outcome.strongCalled) strong += 1;
    if (prompts[index]!.goodEnough) {
      notNeeded += 1;
      if (outcome.strongCalled) wasted += 1;
    } else {
      needed += 1;
      if (!outcome.strongCalled) missed += 1;
    }
  });
  const count = Math.max(1, prompts.length);
  const meanQuality = quality / count;
  return {
    prompts: prompts.length,
    quality: meanQuality,
    cost,
    costShare: totals.strongCost > 0 ? cost / totals.strongCost : Number.NaN,
    strongShare: strong / count,
    pgr: performanceGapRecovered(meanQuality, totals),
    underEscalation: needed === 0 ? 0 : missed / needed,
    overEscalation: notNeeded === 0 ? 0 : wasted / notNeeded,
    counts: { needed, missed, notNeeded, wasted },
  };
}

/** The mean of several summaries (the random router over seeds). */
export function averageSummaries(summaries: readonly RoutingSummary[]): RoutingSummary {
  const first = summaries[0];
  if (!first) throw new Error('averageSummaries: nothing to average');
  const mean = (pick: (summary: RoutingSummary) => number) => summaries.reduce((total, summary) => total + pick(summary), 0) / summaries.length;
  return {
    prompts: first.prompts,
    quality: mean((summary) => summary.quality),
    cost: mean((summary) => summary.cost),
    costShare: mean((summary) => summary.costShare),
    strongShare: mean((summary) => summary.strongShare),
    pgr: mean((summary) => summary.pgr),
    underEscalation: mean((summary) => summary.underEscalation),
    overEscalation: mean((summary) => summary.overEscalation),
    counts: {
      needed: mean((summary) => summary.counts.needed),
      missed: mean((summary) => summary.counts.missed),
      notNeeded: mean((summary) => summary.counts.notNeeded),
      wasted: mean((summary) => summary.counts.wasted),
    },
  };
}

/** Route to the strong model when the score is above the threshold (higher = needs the strong model). */
export function routeByThreshold(prompts: readonly PairedPrompt[], scores: readonly number[], threshold: number): PromptOutcome[] {
  return prompts.map((prompt, index) =>
    scores[index]! > threshold
      ? { quality: prompt.strongQuality, cost: prompt.strongCost, strongCalled: true }
      : { quality: prompt.weakQuality, cost: prompt.weakCost, strongCalled: false },
  );
}

/**
 * The threshold sweep: one point per number k = 0..N of prompts sent to the strong model, the k
 * highest scores first. Prompts with equal scores cannot be split by a threshold, so inside a
 * tie the point is the expectation under a random tie-break (a straight line across the tie).
 */
export function scoreCurve(prompts: readonly PairedPrompt[], scores: readonly number[]): CurvePoint[] {
  if (scores.length !== prompts.length) throw new Error(`scoreCurve: ${scores.length} scores for ${prompts.length} prompts`);
  const totals = pairTotals(prompts);
  const count = prompts.length;
  const order = prompts.map((_prompt, index) => index).sort((left, right) => scores[right]! - scores[left]!);
  const points: CurvePoint[] = [];
  let qualitySum = totals.weakQuality * count;
  let cost = totals.weakCost;
  const push = (sent: number, quality: number, spent: number) =>
    points.push({
      strongShare: count === 0 ? 0 : sent / count,
      costShare: totals.strongCost > 0 ? spent / totals.strongCost : Number.NaN,
      quality: count === 0 ? 0 : quality / count,
      pgr: performanceGapRecovered(count === 0 ? 0 : quality / count, totals),
    });
  push(0, qualitySum, cost);
  let start = 0;
  while (start < count) {
    let end = start;
    while (end + 1 < count && scores[order[end + 1]!] === scores[order[start]!]) end += 1;
    const group = order.slice(start, end + 1);
    const gain = group.reduce((total, index) => total + prompts[index]!.strongQuality - prompts[index]!.weakQuality, 0);
    const extra = group.reduce((total, index) => total + prompts[index]!.strongCost - prompts[index]!.weakCost, 0);
    for (let taken = 1; taken <= group.length; taken += 1) {
      const fraction = taken / group.length;
      push(start + taken, qualitySum + gain * fraction, cost + extra * fraction);
    }
    qualitySum += gain;
    cost += extra;
    start = end + 1;
  }
  return points;
}

/** Averages curves point by point (curves of the same prompts, so the same k grid). */
export function averageCurves(curves: readonly (readonly CurvePoint[])[]): CurvePoint[] {
  const first = curves[0];
  if (!first) return [];
  return first.map((_point, index) => {
    const mean = (pick: (point: CurvePoint) => number) => curves.reduce((total, curve) => total + pick(curve[index]!), 0) / curves.length;
    return { strongShare: mean((point) => point.strongShare), costShare: mean((point) => point.costShare), quality: mean((point) => point.quality), pgr: mean((point) => point.pgr) };
  });
}

/** APGR: trapezoid area under PGR against strong-call share, over [0, 1]. */
export function averagePerformanceGapRecovered(curve: readonly CurvePoint[]): number {
  let area = 0;
  for (let index = 1; index < curve.length; index += 1) {
    const left = curve[index - 1]!;
    const right = curve[index]!;
    area += ((right.strongShare - left.strongShare) * (left.pgr + right.pgr)) / 2;
  }
  return area;
}

/**
 * CPT(level): the smallest strong-call share at which PGR reaches `level` (0.5 for CPT(50%)),
 * interpolating linearly between sweep points; undefined if the curve never gets there.
 */
export function callPerformanceThreshold(curve: readonly CurvePoint[], level: number): number | undefined {
  const tolerance = 1e-9;
  for (let index = 0; index < curve.length; index += 1) {
    const point = curve[index]!;
    if (point.pgr >= level - tolerance) {
      const previous = curve[index - 1];
      if (!previous || point.pgr === previous.pgr) return point.strongShare;
      const fraction = Math.min(1, Math.max(0, (level - previous.pgr) / (point.pgr - previous.pgr)));
      return previous.strongShare + fraction * (point.strongShare - previous.strongShare);
    }
  }
  return undefined;
}

/** How to pick a policy's operating point (on train). */
export type OperatingCriterion =
  /** The cheapest point whose quality is ≥ share × all-strong quality. */
  | { readonly kind: 'target-quality'; readonly share: number }
  /** The best quality whose cost is ≤ this share of all-strong cost. */
  | { readonly kind: 'max-cost-share'; readonly share: number }
  /** The best quality whose mean cost per prompt is ≤ this many US$. */
  | { readonly kind: 'max-cost-usd'; readonly usdPerPrompt: number };

export interface Candidate<Setting> {
  readonly setting: Setting;
  readonly summary: RoutingSummary;
}

/**
 * Picks the operating point; `reached` is false when no candidate meets the criterion, and then
 * the nearest miss is returned (the best quality, or the cheapest).
 */
export function chooseOperatingPoint<Setting>(
  candidates: readonly Candidate<Setting>[],
  criterion: OperatingCriterion,
  totals: PairTotals,
): { chosen: Candidate<Setting>; reached: boolean } {
  if (candidates.length === 0) throw new Error('chooseOperatingPoint: no candidates');
  const byCost = [...candidates].sort((left, right) => left.summary.cost - right.summary.cost || right.summary.quality - left.summary.quality);
  const byQuality = [...candidates].sort((left, right) => right.summary.quality - left.summary.quality || left.summary.cost - right.summary.cost);
  const tolerance = 1e-9;
  if (criterion.kind === 'target-quality') {
    const target = criterion.share * totals.strongQuality;
    const chosen = byCost.find((candidate) => candidate.summary.quality >= target - tolerance);
    return chosen ? { chosen, reached: true } : { chosen: byQuality[0]!, reached: false };
  }
  const fits = (summary: RoutingSummary) =>
    criterion.kind === 'max-cost-share'
      ? summary.costShare <= criterion.share + tolerance
      : summary.cost / Math.max(1, summary.prompts) <= criterion.usdPerPrompt + tolerance;
  const chosen = byQuality.find((candidate) => fits(candidate.summary));
  return chosen ? { chosen, reached: true } : { chosen: byCost[0]!, reached: false };
}

/** The points no other point beats on both cost and quality, cheapest first (for plotting cascades). */
export function paretoFrontier(points: readonly CurvePoint[]): CurvePoint[] {
  const sorted = [...points].sort((left, right) => left.costShare - right.costShare || right.quality - left.quality);
  const frontier: CurvePoint[] = [];
  for (const point of sorted) {
    const last = frontier[frontier.length - 1];
    if (!last || point.quality > last.quality + 1e-12) frontier.push(point);
  }
  return frontier;
}

/** The smallest cost share on a curve at which quality reaches `share` × all-strong quality (linear between points). */
export function costShareForQuality(curve: readonly CurvePoint[], share: number, totals: PairTotals): number | undefined {
  const target = share * totals.strongQuality;
  const ordered = [...curve].sort((left, right) => left.costShare - right.costShare);
  let best: number | undefined;
  let previous: CurvePoint | undefined;
  for (const point of ordered) {
    if (point.quality >= target - 1e-9) {
      let at = point.costShare;
      if (previous && previous.quality < target && point.quality > previous.quality) {
        at = previous.costShare + ((target - previous.quality) / (point.quality - previous.quality)) * (point.costShare - previous.costShare);
      }
      best = best === undefined ? at : Math.min(best, at);
      break;
    }
    if (!previous || point.quality > previous.quality) previous = point;
  }
  return best;
}
