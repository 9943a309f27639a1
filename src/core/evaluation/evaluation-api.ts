import type { BackgroundQueueStats } from './background-queue.js';
import type { QualitySeriesRow } from './evaluation-records.js';

/**
 * Shapes of the evaluation admin API, shared by the routes, the CLI and the dashboard.
 * Rates and scores are on a 0–1 scale; intervals are 95% unless `confidence` says otherwise.
 */

/** Something that needs a person: a significant quality drop, a failing drift re-run. */
export interface EvaluationAlert {
  time: number;
  kind: 'quality_drop' | 'drift_rerun_failed';
  workload: string;
  model: string;
  route?: string;
  /** One sentence with the numbers. */
  message: string;
  details?: Record<string, unknown>;
}

/** Where alerts go: log, metric, webhook, and the admin API's recent list. Never throws, never waits. */
export interface AlertSink {
  raise(alert: EvaluationAlert): void;
}

export interface ScoreWindow {
  /** Judged (scored) samples in the window. */
  n: number;
  mean?: number;
  lower?: number;
  upper?: number;
}

/** One workload/model/route's recent quality against the baseline window before it. */
export interface RollingQuality {
  workload: string;
  model: string;
  route: string;
  window: ScoreWindow;
  baseline: ScoreWindow;
  /** baseline mean − window mean, when both have samples. */
  drop?: number;
  /** One-sided p-value of "the window is worse than the baseline", when both have enough samples. */
  pValue?: number;
  /** The drop is significant and at least `min_drop`. */
  alerting: boolean;
}

/** GET /admin/quality */
export interface QualityResponse {
  since: number;
  until: number;
  bucket: 'hour' | 'day';
  series: QualitySeriesRow[];
  rolling: RollingQuality[];
  /** Newest first. */
  alerts: EvaluationAlert[];
  queue: BackgroundQueueStats;
}

export interface RateWithInterval {
  count: number;
  /** Of how many judged pairs. */
  of: number;
  rate?: number;
  lower?: number;
  upper?: number;
}

/** One workload's router quality from shadow pairs. */
export interface RoutingQualityRow {
  workload: string;
  pairs: number;
  unjudged: number;
  servedCheap: number;
  servedStrong: number;
  /** Served the cheap answer, but the strong one was clearly better (both judge orders agreed). */
  underEscalation: RateWithInterval;
  /** Served the strong answer, but the cheap one was as good (tie) or better. */
  overEscalation: RateWithInterval;
  /** Shadow answers plus judge calls. */
  costUsd: number;
}

/** GET /admin/routing/quality */
export interface RoutingQualityResponse {
  since: number;
  until: number;
  workloads: RoutingQualityRow[];
}
