import { InvalidRequestError } from '../../spec/errors.js';
import { createSeededRandom } from '../../provider-utils/seeded-random.js';

export interface BootstrapOptions {
  /** Number of resamples (default 2,000). */
  resamples?: number;
  /** Two-sided confidence level in (0, 1) (default 0.95). */
  confidence?: number;
  /** PRNG seed (default 1); the same seed and data give the same interval. */
  seed?: number;
}

export interface MeanInterval {
  mean: number;
  /** Percentile-bootstrap bounds of the mean at `confidence`. */
  lower: number;
  upper: number;
  n: number;
  confidence: number;
  resamples: number;
}

export const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_CONFIDENCE = 0.95;
export const DEFAULT_SEED = 1;

export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** Linear-interpolation quantile (R type 7) of an ascending-sorted array. */
export function quantileOfSorted(sorted: readonly number[], probability: number): number {
  const position = (sorted.length - 1) * probability;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below] ?? Number.NaN;
  const high = sorted[above] ?? Number.NaN;
  return low + (high - low) * (position - below);
}

export function validateOptions(options: BootstrapOptions): { resamples: number; confidence: number; seed: number } {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  if (!Number.isInteger(resamples) || resamples < 1) throw new InvalidRequestError(`resamples must be a positive integer, got ${resamples}`);
  if (!(confidence > 0 && confidence < 1)) throw new InvalidRequestError(`confidence must be in (0, 1), got ${confidence}`);
  return { resamples, confidence, seed: options.seed ?? DEFAULT_SEED };
}

/** Sorted means of `resamples` resamples-with-replacement of `values`. */
export function bootstrapMeans(values: readonly number[], resamples: number, seed: number): number[] {
  const random = createSeededRandom(seed);
  const count = values.length;
  const means = new Array<number>(resamples);
  for (let resample = 0; resample < resamples; resample += 1) {
    let sum = 0;
    for (let draw = 0; draw < count; draw += 1) sum += values[Math.floor(random() * count)] ?? 0;
    means[resample] = sum / count;
  }
  return means.sort((left, right) => left - right);
}

/** Mean with a seeded percentile-bootstrap confidence interval. */
export function bootstrapMeanInterval(values: readonly number[], options: BootstrapOptions = {}): MeanInterval {
  const { resamples, confidence, seed } = validateOptions(options);
  if (values.length === 0) throw new InvalidRequestError('cannot compute a confidence interval of no values');
  const means = bootstrapMeans(values, resamples, seed);
  const alpha = 1 - confidence;
  return {
    mean: mean(values),
    lower: quantileOfSorted(means, alpha / 2),
    upper: quantileOfSorted(means, 1 - alpha / 2),
    n: values.length,
    confidence,
    resamples,
  };
}
