import { averageGapRecovered } from './average-gap-recovered.js';
import { DENSE_FEATURE_NAMES } from './dense-features.js';
import { boostedStumpsScore, fitBoostedStumps, type BoostedStumpsOptions } from './boosted-stumps.js';
import { buildFeatureMatrix, round, selectRows, type FeatureMatrix } from './feature-matrix.js';
import type { HashingOptions } from './hashed-ngrams.js';
import { fitLogistic } from './logistic-regression.js';
import { logisticMember } from './logistic-member.js';
import type { RouterArtifact, RouterModelSpec } from './router-artifact-schema.js';
import type { TrainingExample, TrainRouterOptions } from './training-example.js';

/**
 * Switchyard's router: a logistic regression over the same hashed n-grams plus dense structural
 * features, trained on a soft target (the expected strong−weak quality gap), optionally rank-averaged
 * with boosted stumps on the dense features. The penalty and whether the stumps join are chosen by
 * cross-validated APGR on the training data only.
 */

export interface SwitchyardSettings {
  hashing: HashingOptions;
  denseColumnScale: number;
  minDocumentFrequency: number;
  /** Candidate L2 penalties, chosen by cross-validation. */
  l2Grid: readonly number[];
  /** Share of "weak failed" in the target; the rest is the strong−weak gap. */
  failureShare: number;
  stumps: BoostedStumpsOptions;
  folds: number;
}

/** Order statistics kept per member for rank averaging. */
const QUANTILES = 101;

export const SWITCHYARD_SETTINGS: SwitchyardSettings = {
  hashing: { hashBits: 18, wordNgramMax: 2, charNgramMin: 3, charNgramMax: 5, sublinearCounts: true },
  denseColumnScale: 0.3,
  minDocumentFrequency: 2,
  l2Grid: [1, 3],
  failureShare: 0,
  stumps: { rounds: 100, learningRate: 0.1, minLeaf: 20, leafPenalty: 1 },
  folds: 5,
};

/** Target in [0,1]: a mix of "the weak answer failed" and the strong−weak gap mapped from [-1,1]. */
export function switchyardTarget(example: TrainingExample, failureShare: number): number {
  const gap = (example.strongQuality - example.weakQuality + 1) / 2;
  return failureShare * (1 - example.weakQuality) + (1 - failureShare) * gap;
}

/** A deterministic shuffle (mulberry32), so folds depend only on the seed. */
export function seededPermutation(count: number, seed: number): number[] {
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
  const order = Array.from({ length: count }, (_value, index) => index);
  for (let index = count - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [order[index], order[other]] = [order[other]!, order[index]!];
  }
  return order;
}

function logitOf(coefficients: Float64Array, bias: number, row: { indices: Int32Array; values: Float64Array }): number {
  let logit = bias;
  for (let entry = 0; entry < row.indices.length; entry += 1) logit += coefficients[row.indices[entry]!]! * row.values[entry]!;
  return logit;
}

/** Rank of each score among all, in [0,1], ties sharing their mean rank. */
function ranksOf(scores: Float64Array): Float64Array {
  const order = Array.from(scores.keys()).sort((left, right) => scores[left]! - scores[right]!);
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

/** At most `count` evenly spaced order statistics of the scores: enough to map a raw score to its rank. */
function quantilesOf(scores: Float64Array, count: number): number[] {
  const sorted = Float64Array.from(scores).sort();
  const size = Math.min(count, sorted.length);
  return Array.from({ length: size }, (_value, index) => round(sorted[Math.round((index * (sorted.length - 1)) / (size - 1))]!));
}

export interface SwitchyardChoice {
  l2: number;
  /** Whether the boosted stumps joined the logistic model (rank average). */
  withStumps: boolean;
  crossValidatedApgr: number;
}

interface Folds {
  count: number;
  foldOf: Int32Array;
}

function foldPositions(folds: Folds, fold: number): { train: number[]; held: number[] } {
  const train: number[] = [];
  const held: number[] = [];
  folds.foldOf.forEach((value, index) => (value === fold ? held : train).push(index));
  return { train, held };
}

/** Out-of-fold raw scores: every training row scored by a model that did not see it. */
function outOfFoldLogistic(matrix: FeatureMatrix, targets: Float64Array, l2: number, folds: Folds): Float64Array {
  const scores = new Float64Array(targets.length);
  for (let fold = 0; fold < folds.count; fold += 1) {
    const { train, held } = foldPositions(folds, fold);
    const fit = fitLogistic({
      rows: selectRows(matrix.rows, train),
      dimension: matrix.dimension,
      targets: Float64Array.from(train, (index) => targets[index]!),
      sampleWeights: new Float64Array(train.length).fill(1),
      l2,
    });
    for (const index of held) scores[index] = logitOf(fit.coefficients, fit.bias, matrix.rows[index]!);
  }
  return scores;
}

function outOfFoldStumps(matrix: FeatureMatrix, targets: Float64Array, settings: SwitchyardSettings, folds: Folds): Float64Array {
  const scores = new Float64Array(targets.length);
  for (let fold = 0; fold < folds.count; fold += 1) {
    const { train, held } = foldPositions(folds, fold);
    const model = fitBoostedStumps(
      train.map((index) => matrix.denseRows[index]!),
      Float64Array.from(train, (index) => targets[index]!),
      settings.stumps,
    );
    for (const index of held) scores[index] = boostedStumpsScore(model, matrix.denseRows[index]!);
  }
  return scores;
}

export function trainSwitchyardModel(
  examples: readonly TrainingExample[],
  options: TrainRouterOptions,
  settings: SwitchyardSettings = SWITCHYARD_SETTINGS,
): Pick<RouterArtifact, 'features' | 'model'> & { choice: SwitchyardChoice } {
  const total = examples.length + settings.l2Grid.length + 2;
  let done = 0;
  const matrix = buildFeatureMatrix(
    examples.map((example) => example.input),
    {
      hashing: settings.hashing,
      dense: [...DENSE_FEATURE_NAMES],
      denseColumnScale: settings.denseColumnScale,
      minDocumentFrequency: settings.minDocumentFrequency,
      onRow: () => options.onProgress?.((done += 1), total),
    },
  );
  const count = Math.max(2, Math.min(settings.folds, examples.length));
  const foldOf = new Int32Array(examples.length);
  seededPermutation(examples.length, options.seed ?? 1).forEach((index, position) => (foldOf[index] = position % count));
  const folds: Folds = { count, foldOf };
  const targets = Float64Array.from(examples, (example) => switchyardTarget(example, settings.failureShare));
  const weak = examples.map((example) => example.weakQuality);
  const strong = examples.map((example) => example.strongQuality);
  const stumpScores = outOfFoldStumps(matrix, targets, settings, folds);
  options.onProgress?.((done += 1), total);
  const stumpRanks = ranksOf(stumpScores);
  let best: (SwitchyardChoice & { logisticScores: Float64Array }) | undefined;
  for (const l2 of settings.l2Grid) {
    const logisticScores = outOfFoldLogistic(matrix, targets, l2, folds);
    const logisticRanks = ranksOf(logisticScores);
    const blended = logisticRanks.map((rank, index) => (rank + stumpRanks[index]!) / 2);
    for (const [withStumps, scores] of [[false, logisticScores], [true, blended]] as const) {
      const apgr = averageGapRecovered(scores, weak, strong);
      // Strictly better only: on a tie the simpler, earlier candidate stays.
      if (best === undefined || apgr > best.crossValidatedApgr) best = { l2, withStumps, crossValidatedApgr: apgr, logisticScores };
    }
    options.onProgress?.((done += 1), total);
  }
  const { logisticScores, ...choice } = best!;
  const fit = fitLogistic({
    rows: matrix.rows,
    dimension: matrix.dimension,
    targets,
    sampleWeights: new Float64Array(examples.length).fill(1),
    l2: choice.l2,
  });
  const logistic = { weight: 1, member: logisticMember(fit, matrix, settings.denseColumnScale) };
  let model: RouterModelSpec = { combine: 'single', members: [logistic] };
  if (choice.withStumps) {
    const stumps = fitBoostedStumps(matrix.denseRows, targets, settings.stumps);
    // Out-of-fold scores give each member's rank scale as it will look on unseen prompts.
    model = {
      combine: 'mean-rank',
      members: [
        { ...logistic, quantiles: quantilesOf(logisticScores, QUANTILES) },
        {
          weight: 1,
          quantiles: quantilesOf(stumpScores, QUANTILES),
          member: {
            kind: 'stumps',
            base: round(stumps.base),
            stumps: stumps.stumps.map((stump) => ({
              feature: stump.feature,
              threshold: round(stump.threshold),
              left: round(stump.left),
              right: round(stump.right),
            })),
          },
        },
      ],
    };
  }
  options.onProgress?.(total, total);
  return {
    choice: { ...choice, crossValidatedApgr: round(choice.crossValidatedApgr) },
    features: {
      hashing: { ...settings.hashing },
      dense: [...matrix.dense],
      denseMean: matrix.denseMean,
      denseScale: matrix.denseScale,
    },
    model,
  };
}
