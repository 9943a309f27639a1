import type { ResolvedConfig } from '../../core/config/resolve-config.js';
import { InvalidRequestError, NoSuchModelError } from '../../spec/errors.js';
import { scorerSpecSchema, type ScorerSpec } from '../scorers/scorer-spec.js';
import { resolveEvalSetPath } from './eval-set-identity.js';

/** The gate a candidate must pass on a workload's set (`eval_set.gate`). */
export interface WorkloadGateSettings {
  maxDrop: number;
  confidence: number;
  mode: 'regression' | 'non-inferiority';
}

/** A workload's eval set as config declares it, with the path resolved and the scorer parsed. */
export interface WorkloadEvalSet {
  workload: string;
  /** Absolute path of the JSONL file. */
  path: string;
  /** The path as written in config (for messages). */
  configuredPath: string;
  scorer: ScorerSpec;
  judgeModel?: string;
  gate: WorkloadGateSettings;
  rerunOnDrift: boolean;
  /** The workload's current route model: the default baseline of its gates. */
  routeModel: string;
}

/** The workload's eval set, or undefined when it declares none. Throws for an unknown workload. */
export function workloadEvalSet(config: Pick<ResolvedConfig, 'file' | 'workloads'>, workload: string): WorkloadEvalSet | undefined {
  const entry = config.workloads[workload];
  if (entry === undefined) {
    const known = Object.keys(config.workloads).sort();
    throw new NoSuchModelError(`Workload '${workload}' is not configured${known.length === 0 ? '' : ` (configured: ${known.join(', ')})`}.`, { param: 'workload' });
  }
  const set = entry.evaluation?.eval_set;
  if (set === undefined) return undefined;
  const parsed = scorerSpecSchema.safeParse(typeof set.scorer === 'string' ? { type: set.scorer } : set.scorer);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = ['workloads', workload, 'evaluation', 'eval_set', 'scorer', ...(issue?.path ?? [])].join('.');
    throw new InvalidRequestError(`${config.file}: ${field}: ${issue?.message ?? 'invalid scorer'}`);
  }
  return {
    workload,
    path: resolveEvalSetPath(config.file, set.path),
    configuredPath: set.path,
    scorer: parsed.data,
    ...(set.judge_model === undefined ? {} : { judgeModel: set.judge_model }),
    gate: { maxDrop: set.gate.max_drop, confidence: set.gate.confidence, mode: set.gate.mode },
    rerunOnDrift: set.rerun_on_drift,
    routeModel: entry.model,
  };
}
