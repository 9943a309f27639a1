import { createLearnedRouterModel, type LearnedRouterModel, type RouterArtifact } from '../../core/routing/learned/router-artifact.js';
import type { RouterInput } from '../../core/routing/learned/router-input.js';
import { calibrationCurve, trainLearnedRouter, type CalibrationCurvePoint, type TrainedOn, type TrainingExample } from '../../core/routing/learned/train-router.js';
import { chooseOperatingPoint, pairTotals, routeByThreshold, summarise, type OperatingCriterion, type RoutingSummary } from './routing-metrics.js';
import type { ModelPair, PairedPrompt } from './routing-pair.js';
import { seededRandom } from './simple-routers.js';

/** Glue between the learned router (core) and the offline evaluation: examples, held-out scores, calibration. */

export type LearnedVariant = 'baseline' | 'switchyard';

/** Progress over a whole job of several trainings: units done out of the total. */
export type ProgressCallback = (done: number, total: number) => void;

export function routerInputOf(prompt: Pick<PairedPrompt, 'row'>): RouterInput {
  const { row } = prompt;
  return {
    prompt: row.prompt,
    ...(row.previousTurns.length > 0 ? { previousTurns: row.previousTurns } : {}),
    ...(row.embedding === undefined ? {} : { embedding: row.embedding }),
  };
}

export function trainingExamples(prompts: readonly PairedPrompt[]): TrainingExample[] {
  return prompts.map((prompt) => ({
    id: prompt.row.id,
    input: routerInputOf(prompt),
    weakQuality: prompt.weakQuality,
    strongQuality: prompt.strongQuality,
    ...(prompt.row.questionId === undefined ? {} : { group: String(prompt.row.questionId) }),
  }));
}

export function scorePrompts(model: LearnedRouterModel, prompts: readonly PairedPrompt[]): number[] {
  return prompts.map((prompt) => model.score(routerInputOf(prompt)));
}

export interface TrainJob {
  readonly variant: LearnedVariant;
  readonly pair: ModelPair;
  readonly trainedOn: TrainedOn;
  readonly seed: number;
  /** k of the k-fold out-of-fold scores used to calibrate. */
  readonly folds: number;
  /** The embedder of the prompts' embeddings, when the rows carry them. */
  readonly embedder?: string;
  readonly onProgress?: ProgressCallback;
}

export interface TrainedRouter {
  readonly artifact: RouterArtifact;
  /** Each train prompt scored by a model that did not see it (k-fold). */
  readonly outOfFoldScores: number[];
}

/**
 * Scores each prompt with a model trained on the other folds (k models, each on k−1 folds).
 * Prompts of one conversation (MT-Bench turns) stay in one fold, so a turn is never scored by a
 * model trained on its sibling. `extraUnits` leaves room in the progress total for a final training.
 */
export function outOfFoldScores(prompts: readonly PairedPrompt[], job: TrainJob, extraUnits = 0): number[] {
  const foldOf = assignFolds(prompts, job.folds, job.seed);
  const examples = trainingExamples(prompts);
  const sizes = Array.from({ length: job.folds }, (_unused, fold) => foldOf.filter((value) => value !== fold).length + 1);
  const total = sizes.reduce((sum, size) => sum + size, 0) + extraUnits;
  let base = 0;
  const scores = new Array<number>(prompts.length).fill(0.5);
  for (let fold = 0; fold < job.folds; fold += 1) {
    const inFold = examples.filter((_example, index) => foldOf[index] !== fold);
    if (inFold.length < 2 || inFold.length === examples.length) continue;
    const units = sizes[fold]!;
    const onProgress = (done: number, unitsTotal: number) => job.onProgress?.(base + Math.round((done / Math.max(1, unitsTotal)) * units), total);
    const artifact = trainLearnedRouter(inFold, { ...trainOptions(job), trainedOn: { ...job.trainedOn, examples: inFold.length }, onProgress });
    const model = createLearnedRouterModel(artifact);
    prompts.forEach((prompt, index) => {
      if (foldOf[index] === fold) scores[index] = model.score(routerInputOf(prompt));
    });
    base += units;
  }
  return scores;
}

/** Trains on all the given prompts, plus out-of-fold scores of them for calibration. */
export function trainWithOutOfFoldScores(prompts: readonly PairedPrompt[], job: TrainJob): TrainedRouter {
  const examples = trainingExamples(prompts);
  const finalUnits = examples.length + 1;
  let total = finalUnits;
  const scores = outOfFoldScores(prompts, { ...job, onProgress: (done, all) => job.onProgress?.(done, (total = all)) }, finalUnits);
  const start = total - finalUnits;
  const artifact = trainLearnedRouter(examples, {
    ...trainOptions(job),
    trainedOn: job.trainedOn,
    onProgress: (done, unitsTotal) => job.onProgress?.(start + Math.round((done / Math.max(1, unitsTotal)) * finalUnits), total),
  });
  job.onProgress?.(total, total);
  return { artifact, outOfFoldScores: scores };
}

function trainOptions(job: TrainJob): { variant: LearnedVariant; strong: string; weak: string; seed: number; embedder?: string } {
  return { variant: job.variant, strong: job.pair.strong, weak: job.pair.weak, seed: job.seed, ...(job.embedder === undefined ? {} : { embedder: job.embedder }) };
}

/** Fold index per prompt, by conversation (`questionId`, else the id), shuffled with the seed. */
export function assignFolds(prompts: readonly PairedPrompt[], folds: number, seed: number): number[] {
  const groups = [...new Set(prompts.map((prompt) => prompt.row.questionId ?? prompt.row.id))];
  const random = seededRandom(seed);
  for (let index = groups.length - 1; index > 0; index -= 1) {
    const swap = Math.floor(random() * (index + 1));
    [groups[index], groups[swap]] = [groups[swap]!, groups[index]!];
  }
  const foldOfGroup = new Map(groups.map((group, index) => [group, index % folds]));
  return prompts.map((prompt) => foldOfGroup.get(prompt.row.questionId ?? prompt.row.id)!);
}

export interface Calibration {
  readonly threshold: number;
  readonly reached: boolean;
  /** The held-out (out-of-fold) result at that threshold. */
  readonly heldOut: RoutingSummary;
  /** The cost–quality sweep the threshold was chosen from (≤ 50 points, the chosen threshold among them). */
  readonly curve: CalibrationCurvePoint[];
}

/**
 * Picks the artifact's threshold on out-of-fold scores: the cheapest that keeps quality ≥ target
 * × strong quality, or the best quality within the cost cap. Thresholds are midpoints between
 * neighbouring held-out scores, inside [0, 1] as the artifact requires.
 */
export function calibrateThreshold(prompts: readonly PairedPrompt[], scores: readonly number[], criterion: OperatingCriterion): Calibration {
  const distinct = [...new Set(scores)].sort((left, right) => left - right);
  const candidates = [0, ...distinct.slice(0, -1).map((value, index) => (value + distinct[index + 1]!) / 2), 1].map((threshold) => ({
    setting: threshold,
    summary: summarise(prompts, routeByThreshold(prompts, scores, threshold)),
  }));
  const { chosen, reached } = chooseOperatingPoint(candidates, criterion, pairTotals(prompts));
  const curve = calibrationCurve(prompts, scores, { chosenThreshold: chosen.setting });
  return { threshold: chosen.setting, reached, heldOut: chosen.summary, curve };
}

/** The artifact with its calibrated threshold and how it was found. */
export function withCalibration(artifact: RouterArtifact, calibration: Calibration, criterion: OperatingCriterion, folds: number): RouterArtifact {
  const heldOut = calibration.heldOut;
  return {
    ...artifact,
    threshold: calibration.threshold,
    calibration: {
      method: `${folds}-fold out-of-fold scores on ${artifact.trainedOn.split}`,
      ...(criterion.kind === 'target-quality' ? { targetQuality: criterion.share } : {}),
      ...(criterion.kind === 'max-cost-share' ? { maxCost: criterion.share } : {}),
      ...(criterion.kind === 'max-cost-usd' ? { maxCost: criterion.usdPerPrompt } : {}),
      strongShare: heldOut.strongShare,
      heldOut:
        `${calibration.reached ? '' : 'target not reached; nearest: '}quality ${heldOut.quality.toFixed(4)}, ` +
        `cost share ${heldOut.costShare.toFixed(4)}, strong share ${heldOut.strongShare.toFixed(4)}, PGR ${heldOut.pgr.toFixed(4)}` +
        (criterion.kind === 'max-cost-usd' ? ' (maxCost in US$ per prompt)' : ''),
      curve: calibration.curve,
    },
  };
}
