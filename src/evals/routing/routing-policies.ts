import { InvalidRequestError } from '../../spec/errors.js';
import {
  agreementCandidates,
  agreementCascadeOutcomes,
  combinedOutcomes,
  hasJudgeScores,
  JUDGE_THRESHOLDS,
  judgeCascadeOutcomes,
  judgePrice,
  judgeTokens,
  scoreQuantiles,
  DEFAULT_JUDGE,
} from './cascades.js';
import { rowsOfSplit, type ModelPrice, type PriceList, type RoutingDataset, type SplitName } from './routing-dataset.js';
import { evaluateFixedPolicy, evaluateParametricPolicy, evaluateScoreRouter, type EvaluationSets, type PolicyReport } from './routing-evaluation.js';
import { chooseOperatingPoint, pairTotals, summarise, type OperatingCriterion, type PromptOutcome } from './routing-metrics.js';
import { pairPrompts, type GoodEnoughRule, type ModelPair, type PairedPrompt } from './routing-pair.js';
import { RANDOM_SEEDS, SIMPLE_ROUTERS, type SimpleRouterName } from './simple-routers.js';

/** Everything one evaluation needs: the data, the pair, train (to choose settings) and the evaluated split. */
export interface RoutingEvaluationContext extends EvaluationSets {
  readonly dataset: RoutingDataset;
  readonly prices: PriceList;
  readonly pair: ModelPair;
  readonly rule: GoodEnoughRule;
  readonly split: SplitName | 'all';
}

export function createEvaluationContext(
  dataset: RoutingDataset,
  prices: PriceList,
  pair: ModelPair,
  rule: GoodEnoughRule,
  split: SplitName | 'all',
  criterion: OperatingCriterion,
): RoutingEvaluationContext {
  const tune = pairPrompts(dataset, rowsOfSplit(dataset, 'train'), prices, pair, rule);
  const evaluate = pairPrompts(dataset, rowsOfSplit(dataset, split), prices, pair, rule);
  if (tune.length === 0) throw new InvalidRequestError(`${dataset.file}: no rows with split "train" to choose thresholds on`);
  if (evaluate.length === 0) throw new InvalidRequestError(`${dataset.file}: no rows with split "${split}"`);
  return { dataset, prices, pair, rule, split, tune, evaluate, criterion };
}

export function evaluateSimpleRouter(context: RoutingEvaluationContext, name: SimpleRouterName): PolicyReport {
  const router = SIMPLE_ROUTERS[name];
  if (name === 'all-weak' || name === 'all-strong') return evaluateFixedPolicy(context, name, router.description, name === 'all-strong');
  const seeds = name === 'random' ? RANDOM_SEEDS : [0];
  return evaluateScoreRouter(context, {
    name,
    description: router.description,
    tuneScores: seeds.map((seed) => router.scores(context.tune, seed)),
    // A different stream for test, so the random router's test draws are independent of train's.
    evaluateScores: seeds.map((seed) => router.scores(context.evaluate, seed + 1000)),
  });
}

export interface LearnedScores {
  /** Train prompts scored out-of-fold when available (else in-sample), for choosing lo/hi. */
  readonly tune: readonly number[];
  readonly evaluate: readonly number[];
}

/** A learned router at its artifact's calibrated threshold (the threshold the gateway would use). */
export function evaluateLearnedRouter(context: RoutingEvaluationContext, name: string, description: string, scores: LearnedScores, threshold: number, thresholdNote: string): PolicyReport {
  return evaluateScoreRouter(context, { name, description, tuneScores: [scores.tune], evaluateScores: [scores.evaluate], threshold, thresholdNote });
}

/** The second cheap model for the agreement cascade: the candidate doing best on train by the criterion. */
export function chooseAgreementModel(context: RoutingEvaluationContext): string {
  const candidates = agreementCandidates(context.dataset.rows, context.pair, context.prices);
  if (candidates.length === 0) {
    throw new InvalidRequestError(`${context.dataset.file}: no third model with extracted answers for an agreement cascade (needs 'extracted_answer')`);
  }
  const scored = candidates.map((model) => ({ setting: model, summary: summarise(context.tune, agreementCascadeOutcomes(context.tune, context.pair, model, context.prices)) }));
  return chooseOperatingPoint(scored, context.criterion, pairTotals(context.tune)).chosen.setting;
}

export function evaluateAgreementCascade(context: RoutingEvaluationContext, second?: string): PolicyReport {
  const model = second ?? chooseAgreementModel(context);
  checkAgreementModel(context, model);
  const outcomes = (prompts: readonly PairedPrompt[]) => agreementCascadeOutcomes(prompts, context.pair, model, context.prices);
  return evaluateParametricPolicy(context, {
    name: 'cascade-agreement',
    family: 'cascade',
    description: `${context.pair.weak} answers; ${model} answers too; escalate to ${context.pair.strong} when the final answers differ`,
    settings: [model],
    label: (setting) => `second model ${setting}${second === undefined ? ' (chosen on train)' : ''}`,
    outcomes: (which) => outcomes(which === 'tune' ? context.tune : context.evaluate),
  });
}

function checkAgreementModel(context: RoutingEvaluationContext, model: string): void {
  const candidates = agreementCandidates(context.dataset.rows, context.pair, context.prices);
  if (!candidates.includes(model)) {
    throw new InvalidRequestError(`--second-model: '${model}' cannot be the second cheap model; candidates with extracted answers and a price: ${candidates.join(', ') || 'none'}`);
  }
}

/** Judge-cascade outcomes per judge threshold, for tune and evaluate prompts (precomputed once). */
function judgeOutcomeTable(context: RoutingEvaluationContext, judge: JudgeModel): { tune: PromptOutcome[][]; evaluate: PromptOutcome[][] } {
  if (!hasJudgeScores(context.dataset.rows, context.pair.weak)) {
    throw new InvalidRequestError(`${context.dataset.file}: no judge scores (judge_score_1_to_10) for '${context.pair.weak}'; a judge cascade needs them`);
  }
  const price = judgePrice(context.prices, judge);
  const table = (prompts: readonly PairedPrompt[]) => {
    const tokens = judgeTokens(prompts, context.dataset.rows, context.pair);
    return JUDGE_THRESHOLDS.map((minScore) => judgeCascadeOutcomes(prompts, context.pair, minScore, tokens, price));
  };
  return { tune: table(context.tune), evaluate: table(context.evaluate) };
}

/** Who is paid for the judge's tokens (the verdicts are always the recorded GPT-4 scores). */
export interface JudgeModel {
  readonly model: string;
  readonly price: ModelPrice;
}

const judgeDescription = (context: RoutingEvaluationContext, judge: JudgeModel) =>
  `${context.pair.weak} answers; the recorded ${DEFAULT_JUDGE.model} judge score decides; escalate below the threshold (judge tokens estimated, at ${judge.model} price)`;

export function evaluateJudgeCascade(context: RoutingEvaluationContext, judge: JudgeModel = DEFAULT_JUDGE, name = 'cascade-judge'): PolicyReport {
  const table = judgeOutcomeTable(context, judge);
  return evaluateParametricPolicy(context, {
    name,
    family: 'cascade',
    description: judgeDescription(context, judge),
    settings: JUDGE_THRESHOLDS.map((_threshold, index) => index),
    label: (index) => `accept when judge score ≥ ${JUDGE_THRESHOLDS[index]}`,
    outcomes: (which, index) => table[which][index]!,
  });
}

export type CascadeKind = 'agreement' | 'judge';

/** Which cascade the data supports: judge scores → judge; extracted answers → agreement. */
export function cascadeKindFor(context: RoutingEvaluationContext): CascadeKind {
  if (hasJudgeScores(context.dataset.rows, context.pair.weak)) return 'judge';
  if (agreementCandidates(context.dataset.rows, context.pair, context.prices).length > 0) return 'agreement';
  throw new InvalidRequestError(`${context.dataset.file}: neither judge scores nor extracted answers; no cascade can be simulated on this data`);
}

interface CombinedSetting {
  readonly low: number;
  readonly high: number;
  readonly cascade: number;
}

/**
 * Learned router + cascade with two thresholds on the router's score (chosen on train, from
 * train-score quantiles): below `low` weak only, above `high` strong only, between: the cascade.
 */
export function evaluateCombinedPolicy(
  context: RoutingEvaluationContext,
  name: string,
  scores: LearnedScores,
  kind: CascadeKind,
  options: { second?: string; judge?: JudgeModel } = {},
): PolicyReport {
  const second = options.second;
  let cascadeTables: { tune: PromptOutcome[][]; evaluate: PromptOutcome[][] };
  let cascadeLabel: (index: number) => string;
  let description: string;
  if (kind === 'judge') {
    cascadeTables = judgeOutcomeTable(context, options.judge ?? DEFAULT_JUDGE);
    cascadeLabel = (index) => `judge ≥ ${JUDGE_THRESHOLDS[index]}`;
    description = `learned score: low → ${context.pair.weak}, high → ${context.pair.strong}, between → judge cascade`;
  } else {
    const model = second ?? chooseAgreementModel(context);
    checkAgreementModel(context, model);
    cascadeTables = {
      tune: [agreementCascadeOutcomes(context.tune, context.pair, model, context.prices)],
      evaluate: [agreementCascadeOutcomes(context.evaluate, context.pair, model, context.prices)],
    };
    cascadeLabel = () => `agreement with ${model}`;
    description = `learned score: low → ${context.pair.weak}, high → ${context.pair.strong}, between → agreement cascade with ${model}`;
  }
  const levels = scoreQuantiles(scores.tune, 20);
  const settings: CombinedSetting[] = [];
  for (const low of levels) {
    for (const high of levels) {
      if (high < low) continue;
      for (let cascade = 0; cascade < cascadeTables.tune.length; cascade += 1) settings.push({ low, high, cascade });
    }
  }
  return evaluateParametricPolicy(context, {
    name,
    family: 'combined',
    description,
    settings,
    label: (setting) => `low ${formatLevel(setting.low)}, high ${formatLevel(setting.high)}, ${cascadeLabel(setting.cascade)}`,
    outcomes: (which, setting) =>
      combinedOutcomes(which === 'tune' ? context.tune : context.evaluate, which === 'tune' ? scores.tune : scores.evaluate, setting.low, setting.high, cascadeTables[which][setting.cascade]!),
  });
}

function formatLevel(value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? '+∞' : '−∞';
  return Number(value.toPrecision(3)).toString();
}
