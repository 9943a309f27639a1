import type { ResolvedWorkloadRouting } from '../routing-config.js';
import type { CalibrationCurvePoint } from './calibration-curve.js';
import type { RouterArtifact, RouterCalibration, TrainedOn } from './router-artifact-schema.js';

/** The artifact a workload's learned router loaded: where from, what it is, and what it was trained on. */
export interface LearnedRouterArtifactView {
  /** Absolute path the artifact was loaded from. */
  path: string;
  format: RouterArtifact['format'];
  version: RouterArtifact['version'];
  variant: RouterArtifact['variant'];
  /** When the artifact was written (`createdAt`). */
  trainedAt: string;
  /** The data file, its SHA-256, split and example count (the cross-validation details are left out). */
  trainedOn: Omit<TrainedOn, 'extra'>;
  /** The threshold calibrated into the artifact; `threshold` of the router differs when the config overrides it. */
  threshold: number;
  /** How the threshold was calibrated, without the curve (given once, beside). */
  calibration: Omit<RouterCalibration, 'curve'> | null;
  /** The prompt embedder the router reads (`local/…` or `model:<name>`), or null for n-grams only. */
  embedder: string | null;
}

/** One row of GET /admin/routing/routers. */
export interface LearnedRouterView {
  workload: string;
  /** Logical models of the config (the artifact's own strong/weak are the training data's names). */
  weak: string;
  strong: string;
  /** The threshold in force: the config's `threshold`, else the artifact's. */
  threshold: number;
  thresholdSource: 'config' | 'artifact';
  artifact: LearnedRouterArtifactView;
  /** The calibration's cost–quality curve, highest threshold first; null for artifacts without one. */
  curve: CalibrationCurvePoint[] | null;
  /** Scores in [lo, hi] run the workload's cascade instead of a direct pick. */
  cascadeBetween?: [number, number];
}

/** GET /admin/routing/routers */
export interface LearnedRoutersResponse {
  routers: LearnedRouterView[];
}

/** Every workload's learned router, in config order; workloads without one are left out. */
export function listLearnedRouters(workloads: Readonly<Record<string, { routing?: ResolvedWorkloadRouting }>>): LearnedRoutersResponse {
  const routers: LearnedRouterView[] = [];
  for (const [workload, { routing }] of Object.entries(workloads)) {
    const learned = routing?.learned;
    if (!learned) continue;
    const artifact = learned.loaded;
    const { extra: _extra, ...trainedOn } = artifact.trainedOn;
    const { calibration, curve } = splitCalibration(artifact.calibration);
    routers.push({
      workload,
      weak: learned.weak,
      strong: learned.strong,
      threshold: learned.threshold ?? artifact.threshold,
      thresholdSource: learned.threshold === undefined ? 'artifact' : 'config',
      artifact: {
        path: learned.artifactPath,
        format: artifact.format,
        version: artifact.version,
        variant: artifact.variant,
        trainedAt: artifact.createdAt,
        trainedOn,
        threshold: artifact.threshold,
        calibration,
        embedder: artifact.features.embedding?.embedder ?? null,
      },
      curve,
      ...(learned.cascade_between ? { cascadeBetween: [learned.cascade_between[0], learned.cascade_between[1]] } : {}),
    });
  }
  return { routers };
}

function splitCalibration(given: RouterCalibration | undefined): { calibration: Omit<RouterCalibration, 'curve'> | null; curve: CalibrationCurvePoint[] | null } {
  if (!given) return { calibration: null, curve: null };
  const { curve, ...calibration } = given;
  return { calibration, curve: curve ? curve.map((point) => ({ ...point })) : null };
}
