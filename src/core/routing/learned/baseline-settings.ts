import type { HashingOptions } from './hashed-ngrams.js';
import type { TrainingExample } from './training-example.js';

/** The reference's features: word 1–2-grams and character 3–5-grams hashed into 2^18 buckets. */
export const BASELINE_HASHING: HashingOptions = {
  hashBits: 18,
  wordNgramMax: 2,
  charNgramMin: 3,
  charNgramMax: 5,
  sublinearCounts: false,
};

/** Baseline penalty: scikit-learn's default C = 1, i.e. ½‖w‖² added to the summed log-loss. */
export const BASELINE_L2 = 1;

/** "The weak answer is not good enough": the strong model's answer is judged better. */
export function baselineLabel(example: TrainingExample): number {
  return example.strongQuality > example.weakQuality ? 1 : 0;
}
