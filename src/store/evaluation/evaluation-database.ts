import type { RequestLogDatabase } from '../request-log-database.js';

/** The evaluation tables (migration 0006) beside the request log's. */
export interface EvaluationDatabase extends RequestLogDatabase {
  online_scores: OnlineScoreRow;
  shadow_pairs: ShadowPairRow;
  eval_runs: EvalRunRow;
  eval_gates: EvalGateRow;
}

export interface OnlineScoreRow {
  request_id: string;
  time_ms: number;
  workload: string;
  model: string;
  deployment: string | null;
  route: string;
  judge_model: string;
  /** 0–1; null when unscored. */
  score: number | null;
  rubric_score: number | null;
  unscored_reason: string | null;
  judge_cost_usd: number | null;
  /** The redacted conversation (OpenAI chat messages) as JSON, when fine-tuning export is allowed. */
  messages_json: string | null;
  answer_json: string | null;
  tools_json: string | null;
}

export interface ShadowPairRow {
  request_id: string;
  time_ms: number;
  workload: string;
  router: string;
  /** `cheap` or `strong` (a check constraint holds it to them). */
  served: string;
  cheap_model: string;
  strong_model: string;
  judge_model: string;
  /** `strong_better`, `tie`, `cheap_better` or `unjudged` (a check constraint holds it to them). */
  outcome: string;
  /** 0/1. */
  consistent: number | null;
  reason: string | null;
  router_score: number | null;
  prompt: string;
  cost_usd: number | null;
}

export interface EvalRunRow {
  id: string;
  time_ms: number;
  set_path: string;
  set_hash: string;
  model: string;
  workload: string | null;
  model_version: string;
  trigger: string;
  cases: number;
  scored: number;
  failed: number;
  mean: number | null;
  lower: number | null;
  upper: number | null;
  confidence: number;
  cost_usd: number | null;
  report_json: string | null;
}

export interface EvalGateRow {
  id: string;
  time_ms: number;
  workload: string | null;
  set_path: string;
  set_hash: string;
  candidate: string;
  candidate_version: string;
  baseline: string;
  baseline_version: string;
  /** 0/1 (a check constraint holds it to them). */
  passed: number;
  /** `regression` or `non-inferiority` (a check constraint holds it to them). */
  mode: string;
  max_drop: number;
  confidence: number;
  bound: number;
  mean_difference: number;
  reason: string;
  trigger: string;
  actor: string;
  candidate_run_id: string | null;
  baseline_run_id: string | null;
}
