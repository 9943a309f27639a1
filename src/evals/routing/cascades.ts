import { InvalidRequestError } from '../../spec/errors.js';
import { answersAgree } from './answer-agreement.js';
import { answerCost, type ModelPrice, type PriceList, type RoutingRow } from './routing-dataset.js';
import type { PromptOutcome } from './routing-metrics.js';
import type { ModelPair, PairedPrompt } from './routing-pair.js';

/**
 * Cascades simulated from recorded outputs: the weak model answers first and a check decides
 * whether to escalate. Every call made is paid for, so an escalated prompt costs the weak call,
 * the check and the strong call.
 */

const weakOutcome = (prompt: PairedPrompt): PromptOutcome => ({ quality: prompt.weakQuality, cost: prompt.weakCost, strongCalled: false });
const strongOutcome = (prompt: PairedPrompt): PromptOutcome => ({ quality: prompt.strongQuality, cost: prompt.strongCost, strongCalled: true });

/**
 * Agreement cascade: a second cheap model answers too; when the two extracted final answers
 * differ (after normalisation) the strong model answers. Cost = both cheap calls (+ strong).
 */
export function agreementCascadeOutcomes(prompts: readonly PairedPrompt[], pair: ModelPair, second: string, prices: PriceList): PromptOutcome[] {
  return prompts.map((prompt) => {
    const weakAnswer = prompt.row.models.get(pair.weak)?.extractedAnswer;
    const secondAnswer = prompt.row.models.get(second)?.extractedAnswer;
    const cheap = prompt.weakCost + answerCost(prompt.row, second, prices);
    return answersAgree(weakAnswer, secondAnswer)
      ? { quality: prompt.weakQuality, cost: cheap, strongCalled: false }
      : { quality: prompt.strongQuality, cost: cheap + prompt.strongCost, strongCalled: true };
  });
}

/** A "cheap" second model costs at most this share of the strong model over the rows. */
export const CHEAP_SHARE_OF_STRONG = 0.25;

/**
 * Models that can serve as the agreement cascade's second cheap model: extracted answers on every
 * row, a price, and cheap (≤ a quarter of the strong model's cost over the rows).
 */
export function agreementCandidates(rows: readonly RoutingRow[], pair: ModelPair, prices: PriceList): string[] {
  const first = rows[0];
  if (!first) return [];
  const total = (model: string) => rows.reduce((sum, row) => sum + answerCost(row, model, prices), 0);
  const strongCost = total(pair.strong);
  return [...first.models.keys()].filter(
    (model) =>
      model !== pair.weak &&
      model !== pair.strong &&
      prices.has(model) &&
      rows.every((row) => row.models.get(model)?.extractedAnswer !== undefined) &&
      total(model) <= CHEAP_SHARE_OF_STRONG * strongCost,
  );
}

/**
 * How the judge's tokens are estimated. The shared MT-Bench data keeps the judge's score but not
 * its prompt or judgment text, so the tokens are rebuilt from parts (all chars/4, as the data's
 * own token counts):
 * - input = the FastChat judge template (instruction and markers, measured from RouteLLM's
 *   `judgements.jsonl` `user_prompt`s) + the question(s) + the weak model's answer(s) + for math,
 *   reasoning and coding questions the reference answer (not in the data: the strong model's
 *   answer length stands in for it);
 * - output = the judgment: explanation + "Rating: [[n]]", about 400–900 characters in RouteLLM's
 *   file, taken as 150 tokens.
 */
export const JUDGE_TEMPLATE_TOKENS: Readonly<Record<string, number>> = {
  'single-v1': 165,
  'single-math-v1': 175,
  'single-v1-multi-turn': 205,
  'single-math-v1-multi-turn': 230,
};
export const JUDGE_OUTPUT_TOKENS = 150;

/** MT-Bench's recorded scores come from `gpt-4` (gpt-4-0613); OpenAI list price $30 in / $60 out per 1M. */
export const DEFAULT_JUDGE: { readonly model: string; readonly price: ModelPrice } = { model: 'gpt-4', price: { input: 30, output: 60 } };

export interface JudgeTokens {
  readonly input: number;
  readonly output: number;
}

const charsToTokens = (text: string) => Math.ceil(text.length / 4);

/** The judge's estimated tokens for checking the weak answer to each prompt. */
export function judgeTokens(prompts: readonly PairedPrompt[], allRows: readonly RoutingRow[], pair: ModelPair): JudgeTokens[] {
  // Turn 2 is judged with the whole conversation, so turn 1's answers are looked up.
  const firstTurns = new Map<string, RoutingRow>();
  for (const row of allRows) if (row.turn === 1 && row.questionId !== undefined) firstTurns.set(row.questionId, row);
  return prompts.map(({ row }) => {
    const weak = row.models.get(pair.weak)!;
    const template = weak.judgeTemplate ?? (row.previousTurns.length > 0 ? 'single-v1-multi-turn' : 'single-v1');
    const withReference = template.includes('math');
    let input = (JUDGE_TEMPLATE_TOKENS[template] ?? JUDGE_TEMPLATE_TOKENS['single-v1-multi-turn']!) + row.promptTokens + weak.outputTokens;
    input += row.previousTurns.reduce((total, turn) => total + charsToTokens(turn), 0);
    if (withReference) input += row.models.get(pair.strong)?.outputTokens ?? 0;
    const first = row.turn !== undefined && row.turn > 1 && row.questionId !== undefined ? firstTurns.get(row.questionId) : undefined;
    if (first) {
      input += first.models.get(pair.weak)?.outputTokens ?? 0;
      if (withReference) input += first.models.get(pair.strong)?.outputTokens ?? 0;
    }
    return { input, output: JUDGE_OUTPUT_TOKENS };
  });
}

/** The judge's price: from the prices file when it lists the judge model, else the built-in list price. */
export function judgePrice(prices: PriceList, judge = DEFAULT_JUDGE): ModelPrice {
  return prices.get(judge.model) ?? judge.price;
}

/** Whether the data holds judge scores for the weak model on every prompt. */
export function hasJudgeScores(rows: readonly RoutingRow[], weak: string): boolean {
  return rows.length > 0 && rows.every((row) => row.models.get(weak)?.judgeScore !== undefined);
}

/**
 * Judge cascade: accept the weak answer when the recorded judge score is ≥ `minScore` (1–10),
 * else escalate. Cost = weak call + judge call (+ strong).
 */
export function judgeCascadeOutcomes(prompts: readonly PairedPrompt[], pair: ModelPair, minScore: number, tokens: readonly JudgeTokens[], price: ModelPrice): PromptOutcome[] {
  return prompts.map((prompt, index) => {
    const score = prompt.row.models.get(pair.weak)?.judgeScore;
    if (score === undefined) throw new InvalidRequestError(`line ${prompt.row.line} (id ${prompt.row.id}): no judge score for '${pair.weak}'`);
    const judged = tokens[index]!;
    const cheap = prompt.weakCost + (judged.input * price.input + judged.output * price.output) / 1_000_000;
    return score >= minScore
      ? { quality: prompt.weakQuality, cost: cheap, strongCalled: false }
      : { quality: prompt.strongQuality, cost: cheap + prompt.strongCost, strongCalled: true };
  });
}

/** Judge thresholds tried: 0 accepts everything, 11 escalates everything. */
export const JUDGE_THRESHOLDS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

/**
 * Learned router + cascade: score ≤ `low` → weak only; score > `high` → strong only; in between,
 * the cascade's outcome (weak, checked, escalated if the check fails).
 */
export function combinedOutcomes(
  prompts: readonly PairedPrompt[],
  scores: readonly number[],
  low: number,
  high: number,
  cascade: readonly PromptOutcome[],
): PromptOutcome[] {
  return prompts.map((prompt, index) => {
    const score = scores[index]!;
    if (score <= low) return weakOutcome(prompt);
    if (score > high) return strongOutcome(prompt);
    return cascade[index]!;
  });
}

/** Candidate thresholds for combined policies: quantiles of the train scores, plus both extremes. */
export function scoreQuantiles(scores: readonly number[], steps: number): number[] {
  const sorted = [...scores].sort((left, right) => left - right);
  if (sorted.length === 0) return [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  const values = new Set<number>([Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
  for (let step = 0; step <= steps; step += 1) values.add(sorted[Math.min(sorted.length - 1, Math.floor((step / steps) * (sorted.length - 1)))]!);
  return [...values].sort((left, right) => left - right);
}
