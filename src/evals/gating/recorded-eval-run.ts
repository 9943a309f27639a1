import { randomUUID } from 'node:crypto';
import type { EvalRunRecord } from '../../core/evaluation/evaluation-records.js';
import type { EvalCaseResult } from '../runner/eval-case-result.js';
import type { EvalReport } from '../runner/eval-report.js';
import type { ScoreSample } from '../statistics/paired-comparison.js';

/** One case's outcome as kept with a run: the score when scored, nothing when unscored. */
export interface RecordedCaseScore {
  id: string;
  tags: string[];
  /** 0–1; absent when the scorer reached no verdict (never a pass). */
  score?: number;
}

/**
 * What a recorded run keeps in `report`: the runner's report plus every answered case's score, so
 * a later run of the same set (a new version after drift) can be paired with it case by case.
 */
export interface RecordedEvalReport extends EvalReport {
  caseScores: RecordedCaseScore[];
  /** Why the run was made, when not by hand (the drift that triggered a re-run). */
  cause?: Record<string, unknown>;
}

/** The keys of a recorded report that hold one entry per case: left out of list responses. */
const PER_CASE_KEYS = ['caseScores', 'unscoredReasons', 'failures'] as const;

export interface EvalRunRecordInput {
  report: EvalReport;
  results: readonly EvalCaseResult[];
  setPath: string;
  setHash: string;
  model: string;
  modelVersion: string;
  workload?: string;
  /** `cli`, `gate`, `drift`, `api`. */
  trigger: string;
  cause?: Record<string, unknown>;
  now?: () => number;
}

export function evalRunRecordOf(input: EvalRunRecordInput): EvalRunRecord {
  const { report } = input;
  const caseScores: RecordedCaseScore[] = input.results.map((result) => ({
    id: result.id,
    tags: result.tags,
    ...(result.score.status === 'scored' ? { score: result.score.score } : {}),
  }));
  const recorded: RecordedEvalReport = { ...report, caseScores, ...(input.cause === undefined ? {} : { cause: input.cause }) };
  return {
    id: randomUUID(),
    time: (input.now ?? Date.now)(),
    setPath: input.setPath,
    setHash: input.setHash,
    model: input.model,
    ...(input.workload === undefined ? {} : { workload: input.workload }),
    modelVersion: input.modelVersion,
    trigger: input.trigger,
    cases: report.cases,
    scored: report.scored,
    failed: report.failed,
    ...(report.score === undefined ? {} : { mean: report.score.mean, lower: report.score.lower, upper: report.score.upper }),
    confidence: report.score?.confidence ?? 0.95,
    ...(report.costUsd === undefined ? {} : { costUsd: report.costUsd }),
    report: recorded,
  };
}

/**
 * The scored cases of a recorded run, for pairing with a new run; undefined when the record has no
 * per-case scores (written by something else, or damaged). Read defensively: it comes from a database.
 */
export function recordedSamples(run: EvalRunRecord): ScoreSample[] | undefined {
  const report = run.report;
  if (typeof report !== 'object' || report === null) return undefined;
  const caseScores = (report as { caseScores?: unknown }).caseScores;
  if (!Array.isArray(caseScores)) return undefined;
  const samples: ScoreSample[] = [];
  for (const entry of caseScores as unknown[]) {
    if (typeof entry !== 'object' || entry === null) return undefined;
    const { id, score, tags } = entry as { id?: unknown; score?: unknown; tags?: unknown };
    if (typeof id !== 'string') return undefined;
    if (typeof score !== 'number' || !Number.isFinite(score)) continue;
    samples.push({ id, score, ...(Array.isArray(tags) ? { tags: tags.filter((tag): tag is string => typeof tag === 'string') } : {}) });
  }
  return samples;
}

/** The record without its per-case arrays (scores, unscored reasons, failures), to keep lists small. */
export function withoutPerCaseDetail(run: EvalRunRecord): EvalRunRecord {
  const report = run.report;
  if (typeof report !== 'object' || report === null || Array.isArray(report)) return run;
  const summary: Record<string, unknown> = { ...(report as Record<string, unknown>) };
  for (const key of PER_CASE_KEYS) delete summary[key];
  return { ...run, report: summary };
}

/**
 * The newest recorded run of `model` on the set with `setHash`, optionally only among runs of
 * another version (the previous version a new one is compared with) and with per-case scores.
 */
export function newestPairableRun(runs: readonly EvalRunRecord[], query: { model: string; setHash: string; otherThanVersion?: string; excludeRunId?: string }): EvalRunRecord | undefined {
  return [...runs]
    .filter((run) => run.model === query.model && run.setHash === query.setHash && run.id !== query.excludeRunId)
    .filter((run) => query.otherThanVersion === undefined || run.modelVersion !== query.otherThanVersion)
    .filter((run) => (recordedSamples(run)?.length ?? 0) > 0)
    .sort((left, right) => right.time - left.time)[0];
}
