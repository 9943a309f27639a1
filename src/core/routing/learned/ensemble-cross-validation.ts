import { createSeededRandom } from '../../../provider-utils/seeded-random.js';
import { averageGapRecovered } from './average-gap-recovered.js';
import { boostedStumpsScore, fitBoostedStumps, type BoostedStumpsOptions } from './boosted-stumps.js';
import { gramBlock, type GramMatrix } from './gram-matrix.js';
import { fitKernelLogistic, kernelLogits } from './kernel-logistic.js';
import { meanRank, spreadOf } from './rank-average.js';

/**
 * Repeated k-fold cross-validation of the ensemble members on the training split, and the choice of
 * which members to combine. The baseline's own model is the prior: another ensemble replaces it only
 * when its cross-validated APGR is higher by a clear margin, so on tiny or signal-free data the
 * switchyard router is the baseline.
 */

/**
 * `baseline`: the baseline model itself. `soft-dense`: the soft target (strong−weak gap) on the same
 * n-grams plus dense features. `soft-sublinear`: the soft target on sublinear n-gram counts.
 * `dense`: the soft target on the dense features alone (structure and task-category cues), the
 * member that can learn something from a hundred prompts.
 */
export const LOGISTIC_MEMBERS = ['baseline', 'soft-dense', 'soft-sublinear', 'dense'] as const;
export type LogisticMemberName = (typeof LOGISTIC_MEMBERS)[number];

/** Members of one family share a hashing (an artifact has one), so their weights can be summed. */
export const MEMBER_FAMILY: Record<LogisticMemberName, 'raw' | 'sublinear'> = {
  baseline: 'raw',
  'soft-dense': 'raw',
  'soft-sublinear': 'sublinear',
  dense: 'raw',
};

/** What each logistic member fits: its Gram matrix (n-grams, or n-grams plus dense columns) and targets. */
export interface MemberData {
  gram: GramMatrix;
  targets: Float64Array;
  l2: number;
}

export interface CrossValidationData {
  logistic: Record<LogisticMemberName, MemberData>;
  /** Standardised dense features per row and the target for the stumps. */
  denseRows: readonly Float64Array[];
  stumpTargets: Float64Array;
  stumps: BoostedStumpsOptions;
  weakQuality: readonly number[];
  strongQuality: readonly number[];
  /** The soft target on the prompts' embeddings (their Gram matrix), when the examples carry embeddings. */
  embedding?: MemberData;
}

/** Out-of-fold raw scores (logits, boosted sums) of every member for one repetition. */
export type MemberScores = Record<LogisticMemberName | 'stumps' | 'embedding', Float64Array>;

export interface Ensemble {
  /** Logistic members averaged into one linear model (logits weighted by 1 / their spread). */
  logistic: readonly LogisticMemberName[];
  /** Whether boosted stumps join the linear model by rank average. */
  stumps: boolean;
  /** Whether the embedding member joins by rank average (with no logistic member, it is the model). */
  embedding?: boolean;
}

/** The baseline alone comes first: it is the prior every other candidate must clearly beat. */
export const CANDIDATE_ENSEMBLES: readonly Ensemble[] = [
  { logistic: ['baseline'], stumps: false },
  { logistic: ['baseline'], stumps: true },
  { logistic: ['baseline', 'soft-dense'], stumps: false },
  { logistic: ['baseline', 'soft-dense'], stumps: true },
  { logistic: ['soft-dense'], stumps: false },
  { logistic: ['soft-dense'], stumps: true },
  { logistic: ['soft-sublinear'], stumps: false },
  { logistic: ['soft-sublinear'], stumps: true },
  { logistic: ['dense'], stumps: false },
  { logistic: ['baseline', 'dense'], stumps: false },
  { logistic: ['soft-dense', 'dense'], stumps: false },
];

/** Candidates that also need the embedding member: tried only when the examples carry embeddings. */
export const EMBEDDING_ENSEMBLES: readonly Ensemble[] = [
  { logistic: [], stumps: false, embedding: true },
  { logistic: ['baseline'], stumps: false, embedding: true },
  { logistic: ['soft-dense'], stumps: false, embedding: true },
  { logistic: ['soft-dense'], stumps: true, embedding: true },
  { logistic: ['baseline', 'soft-dense'], stumps: false, embedding: true },
];

export function ensembleName(ensemble: Ensemble): string {
  return [...ensemble.logistic, ...(ensemble.stumps ? ['stumps'] : []), ...(ensemble.embedding ? ['embedding'] : [])].join('+');
}

/** A deterministic shuffle (mulberry32), so folds depend only on the seed. */
export function seededPermutation(count: number, seed: number): number[] {
  const random = createSeededRandom(seed);
  const order = Array.from({ length: count }, (_value, index) => index);
  for (let index = count - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [order[index], order[other]] = [order[other]!, order[index]!];
  }
  return order;
}

export interface RepeatedFolds {
  folds: number;
  repeats: number;
  seed: number;
  /** Per example, its group: a group's examples always share a fold. Default: each its own. */
  groups?: readonly string[];
  onFold?: () => void;
}

/** The fold of each example: whole groups shuffled with the seed and dealt round the folds. */
export function foldAssignment(count: number, folds: number, seed: number, groups?: readonly string[]): Int32Array {
  const foldOf = new Int32Array(count);
  if (!groups) {
    seededPermutation(count, seed).forEach((index, position) => (foldOf[index] = position % folds));
    return foldOf;
  }
  const names = [...new Set(groups)];
  const foldOfGroup = new Map<string, number>();
  seededPermutation(names.length, seed).forEach((index, position) => foldOfGroup.set(names[index]!, position % folds));
  for (let index = 0; index < count; index += 1) foldOf[index] = foldOfGroup.get(groups[index]!)!;
  return foldOf;
}

/** Every member's out-of-fold scores, once per repetition (each with its own shuffle). */
export function outOfFoldScores(data: CrossValidationData, plan: RepeatedFolds): MemberScores[] {
  const count = data.stumpTargets.length;
  const folds = Math.max(2, Math.min(plan.folds, count));
  const repetitions: MemberScores[] = [];
  for (let repeat = 0; repeat < plan.repeats; repeat += 1) {
    const foldOf = foldAssignment(count, folds, plan.seed + repeat * 7919, plan.groups);
    const scores: MemberScores = {
      baseline: new Float64Array(count),
      'soft-dense': new Float64Array(count),
      'soft-sublinear': new Float64Array(count),
      dense: new Float64Array(count),
      stumps: new Float64Array(count),
      embedding: new Float64Array(count),
    };
    for (let fold = 0; fold < folds; fold += 1) {
      const train: number[] = [];
      const held: number[] = [];
      foldOf.forEach((value, index) => (value === fold ? held : train).push(index));
      const ones = new Float64Array(train.length).fill(1);
      const members: [LogisticMemberName | 'embedding', MemberData][] = LOGISTIC_MEMBERS.map((name) => [name, data.logistic[name]]);
      if (data.embedding) members.push(['embedding', data.embedding]);
      for (const [name, member] of members) {
        const fit = fitKernelLogistic({
          gram: gramBlock(member.gram, train, train),
          size: train.length,
          targets: Float64Array.from(train, (index) => member.targets[index]!),
          sampleWeights: ones,
          l2: member.l2,
        });
        const logits = kernelLogits(fit, gramBlock(member.gram, held, train));
        held.forEach((index, position) => (scores[name][index] = logits[position]!));
      }
      const stumps = fitBoostedStumps(
        train.map((index) => data.denseRows[index]!),
        Float64Array.from(train, (index) => data.stumpTargets[index]!),
        data.stumps,
      );
      for (const index of held) scores.stumps[index] = boostedStumpsScore(stumps, data.denseRows[index]!);
      plan.onFold?.();
    }
    repetitions.push(scores);
  }
  return repetitions;
}

/** Mixing weight of each logistic member: 1 / spread of its logits, normalised, so each counts alike. */
export function logisticMixture(ensemble: Ensemble, scores: MemberScores): Map<LogisticMemberName, number> {
  const mixture = new Map<LogisticMemberName, number>();
  if (ensemble.logistic.length === 0) return mixture;
  // A single member keeps its own logits, so the baseline alone is exactly the baseline model.
  if (ensemble.logistic.length === 1) return mixture.set(ensemble.logistic[0]!, 1);
  let total = 0;
  for (const name of ensemble.logistic) total += 1 / spreadOf(scores[name]);
  for (const name of ensemble.logistic) mixture.set(name, 1 / spreadOf(scores[name]) / total);
  return mixture;
}

/** The linear part's scores: the mixture of the logistic members' logits (zeros when there are none). */
export function linearScores(ensemble: Ensemble, scores: MemberScores): Float64Array {
  const linear = new Float64Array(scores.stumps.length);
  for (const [name, weight] of logisticMixture(ensemble, scores)) {
    const member = scores[name];
    for (let index = 0; index < linear.length; index += 1) linear[index]! += weight * member[index]!;
  }
  return linear;
}

/** The ensemble's scores; with stumps, a rank average where each member has equal say. */
export function ensembleScores(ensemble: Ensemble, scores: MemberScores): Float64Array {
  const linear = linearScores(ensemble, scores);
  if (!ensemble.stumps && !ensemble.embedding) return linear;
  if (ensemble.logistic.length === 0 && !ensemble.stumps) return scores.embedding;
  return meanRank([
    ...(ensemble.logistic.length > 0 ? [{ scores: linear, weight: ensemble.logistic.length }] : []),
    ...(ensemble.stumps ? [{ scores: scores.stumps, weight: 1 }] : []),
    ...(ensemble.embedding ? [{ scores: scores.embedding, weight: 1 }] : []),
  ]);
}

export interface EnsembleEvaluation {
  name: string;
  /** Mean over repetitions of the out-of-fold APGR. */
  apgr: number;
  /** Mean gain over the baseline alone, and the standard error of that gain across repetitions. */
  gain: number;
  gainStandardError: number;
}

export interface EnsembleChoice {
  ensemble: Ensemble;
  evaluations: EnsembleEvaluation[];
}

/**
 * Picks the candidate with the best mean APGR among those that beat the prior (the first candidate)
 * by at least `minimumGain` and by more than one standard error; otherwise the prior.
 */
export function chooseEnsemble(
  repetitions: readonly MemberScores[],
  data: Pick<CrossValidationData, 'weakQuality' | 'strongQuality'>,
  minimumGain: number,
  candidates: readonly Ensemble[] = CANDIDATE_ENSEMBLES,
): EnsembleChoice {
  const perRepeat = candidates.map((ensemble) =>
    repetitions.map((scores) => averageGapRecovered(ensembleScores(ensemble, scores), data.weakQuality, data.strongQuality)),
  );
  const prior = perRepeat[0]!;
  const evaluations = candidates.map((ensemble, index) => {
    const values = perRepeat[index]!;
    const gains = values.map((value, repeat) => value - prior[repeat]!);
    const gain = gains.reduce((sum, value) => sum + value, 0) / gains.length;
    const variance = gains.length > 1 ? gains.reduce((sum, value) => sum + (value - gain) ** 2, 0) / (gains.length - 1) : 0;
    return {
      name: ensembleName(ensemble),
      apgr: values.reduce((sum, value) => sum + value, 0) / values.length,
      gain,
      gainStandardError: Math.sqrt(variance / gains.length),
    };
  });
  let chosen = 0;
  evaluations.forEach((evaluation, index) => {
    const clear = evaluation.gain >= minimumGain && evaluation.gain > evaluation.gainStandardError;
    if (clear && evaluation.apgr > evaluations[chosen]!.apgr) chosen = index;
  });
  return { ensemble: candidates[chosen]!, evaluations };
}
