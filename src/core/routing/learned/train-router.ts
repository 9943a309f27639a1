import { BASELINE_HASHING, BASELINE_L2, baselineLabel } from './baseline-settings.js';
import type { DenseFeatureName } from './dense-features.js';
import { buildFeatureMatrix } from './feature-matrix.js';
import { fitLogistic } from './logistic-regression.js';
import { logisticMember } from './logistic-member.js';
import type { RouterArtifact } from './router-artifact-schema.js';
import { trainSwitchyardModel } from './switchyard-trainer.js';
import type { TrainingExample, TrainRouterOptions } from './training-example.js';
import { merged } from '../../../spec/merged.js';

export type { TrainedOn } from './router-artifact-schema.js';
export type { TrainingExample, TrainRouterOptions } from './training-example.js';

export { BASELINE_HASHING, baselineLabel } from './baseline-settings.js';
// Calibration (choosing the threshold) runs after training, on held-out scores; its curve is kept in the artifact.
export { CALIBRATION_CURVE_MAX_POINTS, calibrationCurve, type CalibrationCurvePoint, type CalibrationOutcome } from './calibration-curve.js';

function trainBaselineModel(examples: readonly TrainingExample[], options: TrainRouterOptions): Pick<RouterArtifact, 'features' | 'model'> {
  const total = examples.length + 1;
  let done = 0;
  const dense: DenseFeatureName[] = [];
  const matrix = buildFeatureMatrix(
    examples.map((example) => example.input),
    { hashing: BASELINE_HASHING, dense, denseColumnScale: 1, onRow: () => options.onProgress?.((done += 1), total) },
  );
  const fit = fitLogistic({
    rows: matrix.rows,
    dimension: matrix.dimension,
    targets: Float64Array.from(examples, baselineLabel),
    sampleWeights: new Float64Array(examples.length).fill(1),
    l2: BASELINE_L2,
  });
  options.onProgress?.(total, total);
  return {
    features: { hashing: { ...BASELINE_HASHING }, dense, denseMean: [], denseScale: [] },
    model: { combine: 'single', members: [{ weight: 1, member: logisticMember(fit, matrix, 1) }] },
  };
}

function validateExamples(examples: readonly TrainingExample[]): void {
  if (examples.length < 2) throw new RangeError(`need at least 2 training examples, got ${examples.length}`);
  for (const example of examples) {
    for (const [field, value] of [['weakQuality', example.weakQuality], ['strongQuality', example.strongQuality]] as const) {
      if (!(value >= 0 && value <= 1)) throw new RangeError(`example ${example.id}: ${field} must be in [0,1], got ${value}`);
    }
  }
}

/**
 * Trains a router that scores prompts by how much they need the strong model. The threshold starts
 * at 0.5 and is meant to be calibrated afterwards (`router train --target-quality`).
 */
export function trainLearnedRouter(examples: readonly TrainingExample[], options: TrainRouterOptions): RouterArtifact {
  validateExamples(examples);
  let trained: Pick<RouterArtifact, 'features' | 'model'>;
  let trainedOn = options.trainedOn;
  if (options.variant === 'baseline') trained = trainBaselineModel(examples, options);
  else {
    const { choice, ...rest } = trainSwitchyardModel(examples, options);
    trained = rest;
    // The cross-validated choice is recorded so a benchmark can show what was selected and why.
    trainedOn = merged(trainedOn, { extra: merged(trainedOn.extra, { crossValidation: choice }) });
  }
  return {
    format: 'switchyard-router',
    version: 1,
    variant: options.variant,
    createdAt: new Date().toISOString(),
    strong: options.strong,
    weak: options.weak,
    trainedOn,
    threshold: 0.5,
    ...trained,
  };
}
