import type { TrainedOn } from './router-artifact-schema.js';
import type { RouterInput } from './router-input.js';

/** One prompt with the judged quality of the weak and the strong model's answers, both in [0,1]. */
export interface TrainingExample {
  id: string;
  input: RouterInput;
  weakQuality: number;
  strongQuality: number;
  /**
   * Examples sharing a group (the turns of one conversation) share text, so cross-validation keeps
   * them in one fold; otherwise a turn would be scored by a model trained on its sibling.
   */
  group?: string;
}

export interface TrainRouterOptions {
  /** `baseline`: the reference logistic regression on hashed n-grams; `switchyard`: our router. */
  variant: 'baseline' | 'switchyard';
  strong: string;
  weak: string;
  trainedOn: TrainedOn;
  /** Seeds the cross-validation folds (training is otherwise deterministic). */
  seed?: number;
  /** Names the embedder of the examples' `input.embedding` vectors (recorded in the artifact). */
  embedder?: string;
  onProgress?: (done: number, total: number) => void;
}
