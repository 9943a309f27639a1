import type { EvalRunRecord, GateRecord, OnlineScore, ShadowOutcome, ShadowPair } from '../../core/evaluation/evaluation-records.js';
import type { EvalGateRow, EvalRunRow, OnlineScoreRow, ShadowPairRow } from './evaluation-database.js';

/**
 * Records to rows and back. Absent optional fields are NULL in the row and absent (not `undefined`)
 * in the record. Numbers are passed through `Number()` on the way out because PostgreSQL's driver
 * may hand back `bigint` columns as strings on pools other than the request log's.
 */

const SHADOW_OUTCOMES: readonly ShadowOutcome[] = ['strong_better', 'tie', 'cheap_better', 'unjudged'];
const SERVED_TIERS: readonly ShadowPair['served'][] = ['cheap', 'strong'];
const GATE_MODES: readonly GateRecord['mode'][] = ['regression', 'non-inferiority'];

export function toOnlineScoreRow(score: OnlineScore): OnlineScoreRow {
  return {
    request_id: score.requestId,
    time_ms: score.time,
    workload: score.workload,
    model: score.model,
    deployment: score.deployment ?? null,
    route: score.route,
    judge_model: score.judgeModel,
    score: score.score ?? null,
    rubric_score: score.rubricScore ?? null,
    unscored_reason: score.unscoredReason ?? null,
    judge_cost_usd: score.judgeCostUsd ?? null,
    messages_json: score.messages === undefined ? null : JSON.stringify(score.messages),
    answer_json: score.answer === undefined ? null : JSON.stringify(score.answer),
    tools_json: score.tools === undefined ? null : JSON.stringify(score.tools),
  };
}

export function toOnlineScore(row: OnlineScoreRow): OnlineScore {
  return {
    requestId: row.request_id,
    time: Number(row.time_ms),
    workload: row.workload,
    model: row.model,
    ...(row.deployment === null ? {} : { deployment: row.deployment }),
    route: row.route,
    judgeModel: row.judge_model,
    ...(row.score === null ? {} : { score: Number(row.score) }),
    ...(row.rubric_score === null ? {} : { rubricScore: Number(row.rubric_score) }),
    ...(row.unscored_reason === null ? {} : { unscoredReason: row.unscored_reason }),
    ...(row.judge_cost_usd === null ? {} : { judgeCostUsd: Number(row.judge_cost_usd) }),
    ...(row.messages_json === null ? {} : { messages: JSON.parse(row.messages_json) as unknown[] }),
    ...(row.answer_json === null ? {} : { answer: JSON.parse(row.answer_json) as unknown }),
    ...(row.tools_json === null ? {} : { tools: JSON.parse(row.tools_json) as unknown[] }),
  };
}

export function toShadowPairRow(pair: ShadowPair): ShadowPairRow {
  return {
    request_id: pair.requestId,
    time_ms: pair.time,
    workload: pair.workload,
    router: pair.router,
    served: pair.served,
    cheap_model: pair.cheapModel,
    strong_model: pair.strongModel,
    judge_model: pair.judgeModel,
    outcome: pair.outcome,
    consistent: pair.consistent === undefined ? null : pair.consistent ? 1 : 0,
    reason: pair.reason ?? null,
    router_score: pair.routerScore ?? null,
    prompt: pair.prompt,
    cost_usd: pair.costUsd ?? null,
  };
}

export function toShadowPair(row: ShadowPairRow): ShadowPair {
  return {
    requestId: row.request_id,
    time: Number(row.time_ms),
    workload: row.workload,
    router: row.router,
    served: servedTier(row.served, row.request_id),
    cheapModel: row.cheap_model,
    strongModel: row.strong_model,
    judgeModel: row.judge_model,
    outcome: shadowOutcome(row.outcome, row.request_id),
    ...(row.consistent === null ? {} : { consistent: Number(row.consistent) === 1 }),
    ...(row.reason === null ? {} : { reason: row.reason }),
    ...(row.router_score === null ? {} : { routerScore: Number(row.router_score) }),
    prompt: row.prompt,
    ...(row.cost_usd === null ? {} : { costUsd: Number(row.cost_usd) }),
  };
}

export function toEvalRunRow(run: EvalRunRecord): EvalRunRow {
  return {
    id: run.id,
    time_ms: run.time,
    set_path: run.setPath,
    set_hash: run.setHash,
    model: run.model,
    workload: run.workload ?? null,
    model_version: run.modelVersion,
    trigger: run.trigger,
    cases: run.cases,
    scored: run.scored,
    failed: run.failed,
    mean: run.mean ?? null,
    lower: run.lower ?? null,
    upper: run.upper ?? null,
    confidence: run.confidence,
    cost_usd: run.costUsd ?? null,
    report_json: run.report === undefined ? null : JSON.stringify(run.report),
  };
}

export function toEvalRun(row: EvalRunRow): EvalRunRecord {
  return {
    id: row.id,
    time: Number(row.time_ms),
    setPath: row.set_path,
    setHash: row.set_hash,
    model: row.model,
    ...(row.workload === null ? {} : { workload: row.workload }),
    modelVersion: row.model_version,
    trigger: row.trigger,
    cases: Number(row.cases),
    scored: Number(row.scored),
    failed: Number(row.failed),
    ...(row.mean === null ? {} : { mean: Number(row.mean) }),
    ...(row.lower === null ? {} : { lower: Number(row.lower) }),
    ...(row.upper === null ? {} : { upper: Number(row.upper) }),
    confidence: Number(row.confidence),
    ...(row.cost_usd === null ? {} : { costUsd: Number(row.cost_usd) }),
    ...(row.report_json === null ? {} : { report: JSON.parse(row.report_json) as unknown }),
  };
}

export function toEvalGateRow(gate: GateRecord): EvalGateRow {
  return {
    id: gate.id,
    time_ms: gate.time,
    workload: gate.workload ?? null,
    set_path: gate.setPath,
    set_hash: gate.setHash,
    candidate: gate.candidate,
    candidate_version: gate.candidateVersion,
    baseline: gate.baseline,
    baseline_version: gate.baselineVersion,
    passed: gate.passed ? 1 : 0,
    mode: gate.mode,
    max_drop: gate.maxDrop,
    confidence: gate.confidence,
    bound: gate.bound,
    mean_difference: gate.meanDifference,
    reason: gate.reason,
    trigger: gate.trigger,
    actor: gate.actor,
    candidate_run_id: gate.candidateRunId ?? null,
    baseline_run_id: gate.baselineRunId ?? null,
  };
}

export function toGate(row: EvalGateRow): GateRecord {
  const mode = GATE_MODES.find((candidate) => candidate === row.mode);
  // The table's check constraint makes this unreachable unless the constraint was dropped.
  if (mode === undefined) throw new Error(`eval_gates row '${row.id}' has an unknown mode '${row.mode}'`);
  return {
    id: row.id,
    time: Number(row.time_ms),
    ...(row.workload === null ? {} : { workload: row.workload }),
    setPath: row.set_path,
    setHash: row.set_hash,
    candidate: row.candidate,
    candidateVersion: row.candidate_version,
    baseline: row.baseline,
    baselineVersion: row.baseline_version,
    passed: Number(row.passed) === 1,
    mode,
    maxDrop: Number(row.max_drop),
    confidence: Number(row.confidence),
    bound: Number(row.bound),
    meanDifference: Number(row.mean_difference),
    reason: row.reason,
    trigger: row.trigger,
    actor: row.actor,
    ...(row.candidate_run_id === null ? {} : { candidateRunId: row.candidate_run_id }),
    ...(row.baseline_run_id === null ? {} : { baselineRunId: row.baseline_run_id }),
  };
}

export function servedTier(value: string, context: string): ShadowPair['served'] {
  const served = SERVED_TIERS.find((candidate) => candidate === value);
  if (served === undefined) throw new Error(`shadow_pairs row '${context}' has an unknown served tier '${value}'`);
  return served;
}

export function shadowOutcome(value: string, context: string): ShadowOutcome {
  const outcome = SHADOW_OUTCOMES.find((candidate) => candidate === value);
  if (outcome === undefined) throw new Error(`shadow_pairs row '${context}' has an unknown outcome '${value}'`);
  return outcome;
}
