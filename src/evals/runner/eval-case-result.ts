import type { Usage } from '../../spec/usage.js';
import type { ScoreResult } from '../scorers/scorer.js';

/**
 * One finished case, as appended to the results file (one JSON object a line). Only answered cases
 * are written, so a re-run retries cases whose request failed.
 */
export interface EvalCaseResult {
  id: string;
  /** The model name the case was sent to (`<model>` or `workload/<name>`). */
  model: string;
  tags: string[];
  score: ScoreResult;
  answer: string;
  /** Time the gateway took to answer (of the original run when the answer came from the eval cache). */
  latencyMs: number;
  usage?: Pick<Usage, 'inputTokens' | 'outputTokens'>;
  /** Every attempt's cost, as the request log prices it; undefined when a deployment has no price. */
  costUsd?: number;
  /** The deployment that answered. */
  deployment?: string;
  /** True when the answer and score were reused from the eval cache (nothing went upstream). */
  cached: boolean;
}

/** A case whose request (or scorer) threw; reported, never written to the results file. */
export interface EvalCaseFailure {
  id: string;
  tags: string[];
  code: string;
  message: string;
}
