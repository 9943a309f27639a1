import { InvalidRequestError } from '../../spec/errors.js';
import { bootstrapMeans, mean, quantileOfSorted, validateOptions, type BootstrapOptions } from './bootstrap.js';
import { createSeededRandom } from '../../provider-utils/seeded-random.js';

/** One case's score for one candidate. Unscored cases are left out by the caller. */
export interface ScoreSample {
  id: string;
  score: number;
  tags?: readonly string[];
}

export interface PairedComparisonOptions extends BootstrapOptions {
  /** Random sign-flips for the p-value when exact enumeration is too large (default 10,000). */
  permutations?: number;
}

export interface PairedComparison {
  /** Cases scored for both candidates. */
  pairedCases: number;
  /** Case ids present for only one side (ignored). */
  onlyCandidate: string[];
  onlyBaseline: string[];
  candidateMean: number;
  baselineMean: number;
  /** Mean of (candidate − baseline) over paired cases. */
  meanDifference: number;
  /** Paired percentile-bootstrap bounds of the mean difference at `confidence` (two-sided). */
  lower: number;
  upper: number;
  /** Two-sided paired sign-flip permutation p-value (exact for ≤ 16 non-zero differences). */
  pValue: number;
  pValueMethod: 'exact' | 'monte-carlo';
  confidence: number;
  resamples: number;
  /** Sorted bootstrap means of the differences, kept so the gate can read any quantile. */
  bootstrapDifferences: number[];
}

const EXACT_LIMIT = 16;

/** Pairs two candidates' scores by case id. */
export function pairScores(candidate: readonly ScoreSample[], baseline: readonly ScoreSample[]) {
  const baselineById = new Map<string, number>();
  for (const sample of baseline) {
    if (baselineById.has(sample.id)) throw new InvalidRequestError(`duplicate baseline case id "${sample.id}"`);
    baselineById.set(sample.id, sample.score);
  }
  const seen = new Set<string>();
  const pairs: Array<{ id: string; candidate: number; baseline: number }> = [];
  const onlyCandidate: string[] = [];
  for (const sample of candidate) {
    if (seen.has(sample.id)) throw new InvalidRequestError(`duplicate candidate case id "${sample.id}"`);
    seen.add(sample.id);
    const other = baselineById.get(sample.id);
    if (other === undefined) onlyCandidate.push(sample.id);
    else pairs.push({ id: sample.id, candidate: sample.score, baseline: other });
  }
  const onlyBaseline = baseline.filter((sample) => !seen.has(sample.id)).map((sample) => sample.id);
  return { pairs, onlyCandidate, onlyBaseline };
}

/**
 * Sign-flip permutation test of "mean difference is 0": under the null each difference's sign is
 * arbitrary, so the observed |sum| is ranked among sums with random signs. Zero differences carry no
 * information and are dropped. Monte Carlo uses (hits + 1) / (permutations + 1) so p is never 0.
 */
export function signFlipPValue(differences: readonly number[], permutations: number, seed: number): { pValue: number; method: 'exact' | 'monte-carlo' } {
  const nonZero = differences.filter((difference) => difference !== 0);
  if (nonZero.length === 0) return { pValue: 1, method: 'exact' };
  const observed = Math.abs(nonZero.reduce((sum, difference) => sum + difference, 0));
  // Guards against float noise making an identical arrangement look smaller.
  const threshold = observed - 1e-12 * Math.max(1, observed);
  if (nonZero.length <= EXACT_LIMIT) {
    const arrangements = 2 ** nonZero.length;
    let hits = 0;
    for (let mask = 0; mask < arrangements; mask += 1) {
      let sum = 0;
      for (let index = 0; index < nonZero.length; index += 1) sum += (mask >> index) & 1 ? -(nonZero[index] ?? 0) : (nonZero[index] ?? 0);
      if (Math.abs(sum) >= threshold) hits += 1;
    }
    return { pValue: hits / arrangements, method: 'exact' };
  }
  const random = createSeededRandom(seed ^ 0x5bd1e995);
  let hits = 0;
  for (let permutation = 0; permutation < permutations; permutation += 1) {
    let sum = 0;
    for (const difference of nonZero) sum += random() < 0.5 ? -difference : difference;
    if (Math.abs(sum) >= threshold) hits += 1;
  }
  return { pValue: (hits + 1) / (permutations + 1), method: 'monte-carlo' };
}

/** Compares two candidates on the same cases: mean difference, paired bootstrap CI, sign-flip p-value. */
export function comparePaired(
  candidate: readonly ScoreSample[],
  baseline: readonly ScoreSample[],
  options: PairedComparisonOptions = {},
): PairedComparison {
  const { resamples, confidence, seed } = validateOptions(options);
  const permutations = options.permutations ?? 10_000;
  const { pairs, onlyCandidate, onlyBaseline } = pairScores(candidate, baseline);
  if (pairs.length === 0) throw new InvalidRequestError('no case was scored for both candidates; nothing to compare');
  const differences = pairs.map((pair) => pair.candidate - pair.baseline);
  // Resampling whole cases (their differences) keeps each case's pairing: that is what makes it paired.
  const bootstrapDifferences = bootstrapMeans(differences, resamples, seed);
  const alpha = 1 - confidence;
  const { pValue, method } = signFlipPValue(differences, permutations, seed);
  return {
    pairedCases: pairs.length,
    onlyCandidate,
    onlyBaseline,
    candidateMean: mean(pairs.map((pair) => pair.candidate)),
    baselineMean: mean(pairs.map((pair) => pair.baseline)),
    meanDifference: mean(differences),
    lower: quantileOfSorted(bootstrapDifferences, alpha / 2),
    upper: quantileOfSorted(bootstrapDifferences, 1 - alpha / 2),
    pValue,
    pValueMethod: method,
    confidence,
    resamples,
    bootstrapDifferences,
  };
}
