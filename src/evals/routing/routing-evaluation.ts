import {
  averageCurves,
  averagePerformanceGapRecovered,
  averageSummaries,
  callPerformanceThreshold,
  chooseOperatingPoint,
  pairTotals,
  paretoFrontier,
  routeByThreshold,
  scoreCurve,
  summarise,
  type Candidate,
  type CurvePoint,
  type OperatingCriterion,
  type PromptOutcome,
  type RoutingSummary,
} from './routing-metrics.js';
import type { PairedPrompt } from './routing-pair.js';

/**
 * Evaluates routing policies the same way: every setting (threshold, judge score, lo/hi pair) is
 * chosen on the tuning prompts (train) by one criterion and then reported on the evaluation
 * prompts (test by default). Curves are swept on the evaluation prompts.
 */

export interface EvaluationSets {
  /** Where settings are chosen: the train split. */
  readonly tune: readonly PairedPrompt[];
  /** Where results are reported: test unless asked otherwise. */
  readonly evaluate: readonly PairedPrompt[];
  readonly criterion: OperatingCriterion;
}

export type PolicyFamily = 'router' | 'fixed' | 'cascade' | 'combined';

export interface PolicyReport {
  readonly name: string;
  readonly family: PolicyFamily;
  readonly description: string;
  /** The setting chosen on train, in words (`threshold 0.42`, `judge score ≥ 8`). */
  readonly setting: string;
  /** Whether the criterion was met on train (else the nearest miss was taken). */
  readonly reachedOnTrain: boolean;
  readonly train: RoutingSummary;
  /** At the chosen setting, on the evaluated prompts. */
  readonly result: RoutingSummary;
  /** Every setting on the evaluated prompts (score routers: the sweep; others: the cost–quality frontier). */
  readonly curve: readonly CurvePoint[];
  /** Score routers only: APGR and CPT(50/80/95%) from the sweep. */
  readonly apgr?: number;
  readonly cpt?: { readonly p50?: number; readonly p80?: number; readonly p95?: number };
}

export interface ScoreRouterSpec {
  readonly name: string;
  readonly description: string;
  /** One score array per seed (one seed for deterministic routers), for tune and evaluate prompts. */
  readonly tuneScores: readonly (readonly number[])[];
  readonly evaluateScores: readonly (readonly number[])[];
  /** A threshold fixed in advance (a calibrated artifact's); otherwise it is chosen on train. */
  readonly threshold?: number;
  readonly thresholdNote?: string;
}

/** Score routers: the threshold is chosen on train per seed; results, sweeps and APGR average over seeds. */
export function evaluateScoreRouter(sets: EvaluationSets, spec: ScoreRouterSpec): PolicyReport {
  const tuneTotals = pairTotals(sets.tune);
  const trainSummaries: RoutingSummary[] = [];
  const resultSummaries: RoutingSummary[] = [];
  const thresholds: number[] = [];
  let reached = true;
  spec.evaluateScores.forEach((evaluateScores, seedIndex) => {
    const tuneScores = spec.tuneScores[seedIndex] ?? spec.tuneScores[0]!;
    let threshold = spec.threshold;
    if (threshold === undefined) {
      const candidates = thresholdCandidates(tuneScores).map((value) => ({ setting: value, summary: summarise(sets.tune, routeByThreshold(sets.tune, tuneScores, value)) }));
      const choice = chooseOperatingPoint(candidates, sets.criterion, tuneTotals);
      threshold = choice.chosen.setting;
      reached &&= choice.reached;
    }
    thresholds.push(threshold);
    trainSummaries.push(summarise(sets.tune, routeByThreshold(sets.tune, tuneScores, threshold)));
    resultSummaries.push(summarise(sets.evaluate, routeByThreshold(sets.evaluate, evaluateScores, threshold)));
  });
  const curve = averageCurves(spec.evaluateScores.map((scores) => scoreCurve(sets.evaluate, scores)));
  const setting =
    spec.threshold !== undefined
      ? `threshold ${formatThreshold(spec.threshold)}${spec.thresholdNote ? ` (${spec.thresholdNote})` : ''}`
      : thresholds.length > 1
        ? `threshold chosen per seed on train (strong share ${(averageSummaries(trainSummaries).strongShare * 100).toFixed(0)}% on train)`
        : `threshold ${formatThreshold(thresholds[0]!)}`;
  return {
    name: spec.name,
    family: 'router',
    description: spec.description,
    setting,
    reachedOnTrain: reached,
    train: averageSummaries(trainSummaries),
    result: averageSummaries(resultSummaries),
    curve,
    apgr: averagePerformanceGapRecovered(curve),
    cpt: {
      p50: callPerformanceThreshold(curve, 0.5),
      p80: callPerformanceThreshold(curve, 0.8),
      p95: callPerformanceThreshold(curve, 0.95),
    },
  };
}

/** all-weak / all-strong: nothing to choose; one point. */
export function evaluateFixedPolicy(sets: EvaluationSets, name: string, description: string, strong: boolean): PolicyReport {
  const outcomes = (prompts: readonly PairedPrompt[]): PromptOutcome[] =>
    prompts.map((prompt) =>
      strong ? { quality: prompt.strongQuality, cost: prompt.strongCost, strongCalled: true } : { quality: prompt.weakQuality, cost: prompt.weakCost, strongCalled: false },
    );
  const result = summarise(sets.evaluate, outcomes(sets.evaluate));
  return {
    name,
    family: 'fixed',
    description,
    setting: '—',
    reachedOnTrain: true,
    train: summarise(sets.tune, outcomes(sets.tune)),
    result,
    curve: [toPoint(result)],
  };
}

export interface ParametricPolicySpec<Setting> {
  readonly name: string;
  readonly family: 'cascade' | 'combined';
  readonly description: string;
  readonly settings: readonly Setting[];
  readonly label: (setting: Setting) => string;
  readonly outcomes: (which: 'tune' | 'evaluate', setting: Setting) => PromptOutcome[];
}

/** Cascades and combined policies: each setting is one operating point; choose on train, report on test. */
export function evaluateParametricPolicy<Setting>(sets: EvaluationSets, spec: ParametricPolicySpec<Setting>): PolicyReport {
  const candidates: Candidate<Setting>[] = spec.settings.map((setting) => ({ setting, summary: summarise(sets.tune, spec.outcomes('tune', setting)) }));
  const { chosen, reached } = chooseOperatingPoint(candidates, sets.criterion, pairTotals(sets.tune));
  const evaluated = spec.settings.map((setting) => toPoint(summarise(sets.evaluate, spec.outcomes('evaluate', setting))));
  return {
    name: spec.name,
    family: spec.family,
    description: spec.description,
    setting: spec.label(chosen.setting),
    reachedOnTrain: reached,
    train: chosen.summary,
    result: summarise(sets.evaluate, spec.outcomes('evaluate', chosen.setting)),
    curve: paretoFrontier(evaluated),
  };
}

function toPoint(summary: RoutingSummary): CurvePoint {
  return { strongShare: summary.strongShare, costShare: summary.costShare, quality: summary.quality, pgr: summary.pgr };
}

/** Every distinct score (strong iff score > it) and one below them all (everything strong). */
function thresholdCandidates(scores: readonly number[]): number[] {
  const distinct = [...new Set(scores)].sort((left, right) => left - right);
  return [Number.NEGATIVE_INFINITY, ...distinct];
}

function formatThreshold(value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? '+∞' : '−∞';
  return Math.abs(value) >= 100 ? value.toFixed(0) : Number(value.toPrecision(4)).toString();
}
