import { BASELINE_HASHING, BASELINE_L2, baselineLabel } from './baseline-settings.js';
import { boostedStumpsScore, fitBoostedStumps, type BoostedStumpsOptions } from './boosted-stumps.js';
import { DENSE_FEATURE_NAMES } from './dense-features.js';
import {
  CANDIDATE_ENSEMBLES,
  chooseEnsemble,
  EMBEDDING_ENSEMBLES,
  ensembleName,
  linearScores,
  logisticMixture,
  MEMBER_FAMILY,
  outOfFoldScores,
  type CrossValidationData,
  type EnsembleEvaluation,
} from './ensemble-cross-validation.js';
import { buildFeatureMatrix, round } from './feature-matrix.js';
import { gramMatrix, withDenseColumns, type GramMatrix } from './gram-matrix.js';
import type { HashingOptions, SparseVector } from './hashed-ngrams.js';
import { fitKernelLogistic, primalCoefficients } from './kernel-logistic.js';
import { logisticMember } from './logistic-member.js';
import { quantilesOf } from './rank-average.js';
import type { RouterArtifact, RouterModelMember, RouterModelSpec } from './router-artifact-schema.js';
import type { TrainingExample, TrainRouterOptions } from './training-example.js';

/**
 * Switchyard's router: an ensemble whose members are the baseline's own logistic regression (same
 * hashed n-grams, labels and penalty), logistic regressions on the soft target (the expected
 * strong−weak gap) over n-grams plus dense structural features or over sublinear n-gram counts,
 * and boosted stumps on the dense features. Which members join is chosen by repeated k-fold
 * cross-validation on the training data only, with the baseline alone kept unless another ensemble
 * is clearly better.
 */

export interface SwitchyardSettings {
  /** Multiplies the standardised dense columns, i.e. how strongly L2 shrinks them relative to n-grams. */
  denseColumnScale: number;
  softDenseL2: number;
  softSublinearL2: number;
  /** Penalty of the dense-only member (its columns carry `denseColumnScale`, so this is relative to it). */
  denseL2: number;
  /** Hashing of the `soft-sublinear` member. */
  sublinearHashing: HashingOptions;
  /** N-grams in fewer training prompts get no column in the `soft-sublinear` member. */
  sublinearMinDocumentFrequency: number;
  stumps: BoostedStumpsOptions;
  folds: number;
  /** Repetitions of the k-fold split, each with its own shuffle, at most. */
  repeats: number;
  /**
   * Fewer repetitions (down to 3) once repeats × examples exceeds this: a fold's fit costs O(n²)
   * while the spread of the cross-validated APGR shrinks as n grows.
   */
  repeatBudgetRows: number;
  /** Smallest mean APGR gain over the baseline alone for another ensemble to be chosen. */
  minimumGain: number;
  /**
   * How a threshold calibrated on out-of-fold scores carries over to the final model. `raw`: the
   * score is the model's probability, whose scale drifts with the training-set size (a model fitted
   * on all prompts is surer than the fold models the threshold was chosen on). `rank`: the score is
   * the prompt's rank among the model's own training prompts' scores, computed the same way by each
   * fold model and the final one, so a threshold means the same strong-call share for both.
   */
  thresholdTransfer: 'raw' | 'rank';
  /** Multiplies the embedding columns (unit vectors), i.e. their kernel is scale² · cosine. */
  embeddingScale: number;
  embeddingL2: number;
}

/** Order statistics kept per member for rank averaging. */
const QUANTILES = 101;

export const SWITCHYARD_SETTINGS: SwitchyardSettings = {
  denseColumnScale: 0.3,
  softDenseL2: 3,
  softSublinearL2: 1,
  // 0.1 at column scale 0.3 is a penalty of about 1 on the standardised features themselves.
  denseL2: 0.1,
  sublinearHashing: { ...BASELINE_HASHING, sublinearCounts: true },
  sublinearMinDocumentFrequency: 2,
  stumps: { rounds: 100, learningRate: 0.1, minLeaf: 20, leafPenalty: 1 },
  folds: 5,
  repeats: 5,
  repeatBudgetRows: 3000,
  minimumGain: 0.005,
  thresholdTransfer: 'rank',
  // Chosen by cross-validation on the train splits (bench/routing-train-cv.ts --embeddings).
  embeddingScale: 1,
  embeddingL2: 1,
};

/** The linear model's logits on its own training rows (the n-gram and dense columns of `rows`). */
function inSampleLinearScores(rows: readonly SparseVector[], coefficients: Float64Array, bias: number): number[] {
  return rows.map((row) => {
    let logit = bias;
    for (let entry = 0; entry < row.indices.length; entry += 1) logit += coefficients[row.indices[entry]!]! * row.values[entry]!;
    return logit;
  });
}

function dot(left: ArrayLike<number>, right: ArrayLike<number>): number {
  let sum = 0;
  for (let index = 0; index < left.length; index += 1) sum += left[index]! * right[index]!;
  return sum;
}

/** The primal weights of a kernel fit on scaled embeddings: w = scale² · Σ dual_i · e_i. */
function embeddingWeights(dual: ArrayLike<number>, embeddings: readonly Float64Array[], scale: number): Float64Array {
  const weights = new Float64Array(embeddings[0]!.length);
  embeddings.forEach((vector, row) => {
    const factor = dual[row]! * scale * scale;
    for (let index = 0; index < weights.length; index += 1) weights[index]! += factor * vector[index]!;
  });
  return weights;
}

/**
 * The examples' prompt embeddings when every example has one of one dimension (and the embedder is
 * named, for the artifact); undefined when none has one. A partial or ragged set is an error: a
 * silently dropped member would change what the router is without saying so.
 */
function examplesEmbeddings(examples: readonly TrainingExample[], options: TrainRouterOptions): Float64Array[] | undefined {
  const present = examples.filter((example) => example.input.embedding !== undefined).length;
  if (present === 0) return undefined;
  if (present < examples.length) throw new RangeError(`${examples.length - present} of ${examples.length} training examples have no embedding: embed every prompt or none`);
  if (options.embedder === undefined) throw new RangeError('training examples carry embeddings but no embedder is named (options.embedder)');
  const dimension = examples[0]!.input.embedding!.length;
  const ragged = examples.find((example) => example.input.embedding!.length !== dimension);
  if (ragged) throw new RangeError(`example ${ragged.id}: embedding has ${ragged.input.embedding!.length} dimensions, the first had ${dimension}`);
  return examples.map((example) => Float64Array.from(example.input.embedding!));
}

/** Target in [0,1]: the strong−weak quality gap mapped from [-1,1]. */
export function switchyardTarget(example: TrainingExample): number {
  return (example.strongQuality - example.weakQuality + 1) / 2;
}

export interface SwitchyardChoice {
  /** The chosen members, e.g. `baseline` or `baseline+soft-dense+stumps`. */
  ensemble: string;
  crossValidatedApgr: number;
  /** Every candidate's mean cross-validated APGR and gain over the baseline alone. */
  candidates: EnsembleEvaluation[];
  folds: number;
  repeats: number;
}

export function trainSwitchyardModel(
  examples: readonly TrainingExample[],
  options: TrainRouterOptions,
  settings: SwitchyardSettings = SWITCHYARD_SETTINGS,
): Pick<RouterArtifact, 'features' | 'model'> & { choice: SwitchyardChoice } {
  const folds = Math.max(2, Math.min(settings.folds, examples.length));
  const repeats = Math.min(settings.repeats, Math.max(3, Math.floor(settings.repeatBudgetRows / examples.length)));
  const total = 2 * examples.length + folds * repeats + 1;
  let done = 0;
  const progress = (): void => options.onProgress?.((done += 1), total);
  const inputs = examples.map((example) => example.input);
  const dense = [...DENSE_FEATURE_NAMES];
  const matrices = {
    raw: buildFeatureMatrix(inputs, { hashing: BASELINE_HASHING, dense, denseColumnScale: settings.denseColumnScale, onRow: progress }),
    sublinear: buildFeatureMatrix(inputs, {
      hashing: settings.sublinearHashing,
      dense,
      denseColumnScale: settings.denseColumnScale,
      minDocumentFrequency: settings.sublinearMinDocumentFrequency,
      onRow: progress,
    }),
  };
  const hashings = { raw: BASELINE_HASHING, sublinear: settings.sublinearHashing };
  const rawGram = gramMatrix(matrices.raw.rows, matrices.raw.bucketColumns);
  const noNgrams: GramMatrix = { size: rawGram.size, values: new Float64Array(rawGram.values.length) };
  const softTargets = Float64Array.from(examples, switchyardTarget);
  const data: CrossValidationData = {
    logistic: {
      baseline: { gram: rawGram, targets: Float64Array.from(examples, baselineLabel), l2: BASELINE_L2 },
      'soft-dense': { gram: withDenseColumns(rawGram, matrices.raw.denseRows, settings.denseColumnScale), targets: softTargets, l2: settings.softDenseL2 },
      'soft-sublinear': { gram: gramMatrix(matrices.sublinear.rows, matrices.sublinear.bucketColumns), targets: softTargets, l2: settings.softSublinearL2 },
      dense: { gram: withDenseColumns(noNgrams, matrices.raw.denseRows, settings.denseColumnScale), targets: softTargets, l2: settings.denseL2 },
    },
    denseRows: matrices.raw.denseRows,
    stumpTargets: softTargets,
    stumps: settings.stumps,
    weakQuality: examples.map((example) => example.weakQuality),
    strongQuality: examples.map((example) => example.strongQuality),
  };
  const embeddings = examplesEmbeddings(examples, options);
  if (embeddings) {
    const none: GramMatrix = { size: examples.length, values: new Float64Array(examples.length * examples.length) };
    data.embedding = { gram: withDenseColumns(none, embeddings, settings.embeddingScale), targets: softTargets, l2: settings.embeddingL2 };
  }
  const grouped = examples.some((example) => example.group !== undefined);
  const groups = grouped ? examples.map((example) => example.group ?? example.id) : undefined;
  const repetitions = outOfFoldScores(data, { folds, repeats, seed: options.seed ?? 1, onFold: progress, ...(groups ? { groups } : {}) });
  const candidates = data.embedding ? [...CANDIDATE_ENSEMBLES, ...EMBEDDING_ENSEMBLES] : CANDIDATE_ENSEMBLES;
  const { ensemble, evaluations } = chooseEnsemble(repetitions, data, settings.minimumGain, candidates);
  const chosen = evaluations.find((evaluation) => evaluation.name === ensembleName(ensemble))!;
  // The first repetition's out-of-fold scores set the mixing weights and each part's rank scale as
  // they look on prompts the model did not see.
  const reference = repetitions[0]!;
  const family = ensemble.logistic.length > 0 ? MEMBER_FAMILY[ensemble.logistic[0]!] : 'raw';
  const matrix = matrices[family];
  const rank = settings.thresholdTransfer === 'rank';
  // Each part of the model with the scores its rank scale comes from: its own training prompts
  // (rank transfer) or the reference repetition's out-of-fold scores (raw).
  const parts: { weight: number; member: RouterModelMember; inSample: () => ArrayLike<number>; outOfFold: () => ArrayLike<number> }[] = [];
  if (ensemble.logistic.length > 0) {
    const coefficients = new Float64Array(matrix.dimension);
    let bias = 0;
    for (const [name, weight] of logisticMixture(ensemble, reference)) {
      const member = data.logistic[name];
      const fit = fitKernelLogistic({ gram: member.gram.values, size: member.gram.size, targets: member.targets, sampleWeights: new Float64Array(examples.length).fill(1), l2: member.l2 });
      // Which columns the member's Gram matrix spanned: n-grams, dense features, or both.
      const primal = primalCoefficients(fit, matrix.rows, name === 'soft-dense' || name === 'dense' ? matrix.dimension : matrix.bucketColumns);
      const first = name === 'dense' ? matrix.bucketColumns : 0;
      for (let column = first; column < primal.length; column += 1) coefficients[column]! += weight * primal[column]!;
      bias += weight * fit.bias;
    }
    parts.push({
      weight: ensemble.logistic.length,
      member: logisticMember({ coefficients, bias }, matrix, settings.denseColumnScale),
      inSample: () => inSampleLinearScores(matrix.rows, coefficients, bias),
      outOfFold: () => linearScores(ensemble, reference),
    });
  }
  if (ensemble.stumps) {
    const stumps = fitBoostedStumps(data.denseRows, softTargets, settings.stumps);
    parts.push({
      weight: 1,
      member: {
        kind: 'stumps',
        base: round(stumps.base),
        stumps: stumps.stumps.map((stump) => ({ feature: stump.feature, threshold: round(stump.threshold), left: round(stump.left), right: round(stump.right) })),
      },
      inSample: () => data.denseRows.map((row) => boostedStumpsScore(stumps, row)),
      outOfFold: () => reference.stumps,
    });
  }
  if (ensemble.embedding && data.embedding && embeddings) {
    const member = data.embedding;
    const fit = fitKernelLogistic({ gram: member.gram.values, size: member.gram.size, targets: member.targets, sampleWeights: new Float64Array(examples.length).fill(1), l2: member.l2 });
    const weights = embeddingWeights(fit.dual, embeddings, settings.embeddingScale);
    parts.push({
      weight: 1,
      member: { kind: 'embedding', bias: round(fit.bias), weights: Array.from(weights, round) },
      inSample: () => embeddings.map((vector) => fit.bias + dot(weights, vector)),
      outOfFold: () => reference.embedding,
    });
  }
  let model: RouterModelSpec;
  if (parts.length === 1 && !rank) model = { combine: 'single', members: [{ weight: 1, member: parts[0]!.member }] };
  else {
    model = {
      combine: 'mean-rank',
      members: parts.map((part) => ({ weight: parts.length === 1 ? 1 : part.weight, member: part.member, quantiles: quantilesOf(rank ? part.inSample() : part.outOfFold(), QUANTILES) })),
    };
  }
  options.onProgress?.(total, total);
  const roundEvaluation = (evaluation: EnsembleEvaluation): EnsembleEvaluation => ({
    name: evaluation.name,
    apgr: round(evaluation.apgr),
    gain: round(evaluation.gain),
    gainStandardError: round(evaluation.gainStandardError),
  });
  return {
    choice: {
      ensemble: chosen.name,
      crossValidatedApgr: round(chosen.apgr),
      candidates: evaluations.map(roundEvaluation),
      folds,
      repeats,
    },
    features: {
      hashing: { ...hashings[family] },
      dense: [...matrix.dense],
      denseMean: matrix.denseMean,
      denseScale: matrix.denseScale,
      ...(ensemble.embedding && embeddings ? { embedding: { embedder: options.embedder!, dimension: embeddings[0]!.length } } : {}),
    },
    model,
  };
}
