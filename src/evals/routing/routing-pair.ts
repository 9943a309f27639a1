import { answerCost, checkModel, requireOutcome, type PriceList, type RoutingDataset, type RoutingRow } from './routing-dataset.js';

/**
 * One prompt seen as a strong/weak choice: both answers' quality and cost, and whether the weak
 * answer was good enough (the label the under/over-escalation rates are measured against).
 */
export interface PairedPrompt {
  readonly row: RoutingRow;
  readonly weakQuality: number;
  readonly strongQuality: number;
  readonly weakCost: number;
  readonly strongCost: number;
  readonly goodEnough: boolean;
}

export interface ModelPair {
  readonly strong: string;
  readonly weak: string;
}

/**
 * When the weak answer counts as good enough: `weakQuality >= strongQuality - margin`.
 * - 0/1 correctness (GSM8K, MATH): margin 0 — the weak answer is right, or both are wrong
 *   (escalating would not help).
 * - AlpacaEval: margin 0; the strong model is the reference (quality 0.5), so this is
 *   "the judge prefers the weak answer at least as often as the reference".
 * - MT-Bench (judge scores 1–10, /10): margin 0.1 — one point on the judge's scale, about its
 *   own run-to-run noise.
 */
export interface GoodEnoughRule {
  readonly margin: number;
  /** Plain words for reports. */
  readonly description: string;
}

/** The rule for a data file, from what it holds: judge scores mean MT-Bench-style data. */
export function defaultGoodEnoughRule(dataset: RoutingDataset, pair: ModelPair): GoodEnoughRule {
  const judged = dataset.rows.some((row) => row.models.get(pair.weak)?.judgeScore !== undefined);
  if (judged) return { margin: 0.1, description: 'weak quality ≥ strong quality − 0.1 (one judge point of 10)' };
  const binary = dataset.rows.every((row) => [pair.weak, pair.strong].every((model) => [0, 1].includes(row.models.get(model)?.quality ?? 0)));
  if (binary) return { margin: 0, description: 'weak answer correct, or both wrong (weak quality ≥ strong quality)' };
  return { margin: 0, description: 'weak quality ≥ strong quality (AlpacaEval: judge prefers the weak answer to the reference at least half the time)' };
}

export function goodEnoughRule(margin: number, description?: string): GoodEnoughRule {
  return { margin, description: description ?? `weak quality ≥ strong quality − ${margin}` };
}

/** Pairs up rows for `pair`; checks the models are present and priced first. */
export function pairPrompts(dataset: RoutingDataset, rows: readonly RoutingRow[], prices: PriceList, pair: ModelPair, rule: GoodEnoughRule): PairedPrompt[] {
  checkModel(dataset, prices, pair.strong, '--strong');
  checkModel(dataset, prices, pair.weak, '--weak');
  return rows.map((row) => {
    const weakQuality = requireOutcome(row, pair.weak).quality;
    const strongQuality = requireOutcome(row, pair.strong).quality;
    return {
      row,
      weakQuality,
      strongQuality,
      weakCost: answerCost(row, pair.weak, prices),
      strongCost: answerCost(row, pair.strong, prices),
      // The epsilon keeps 0.8 ≥ 0.9 − 0.1 true despite floating point.
      goodEnough: weakQuality >= strongQuality - rule.margin - 1e-9,
    };
  });
}
