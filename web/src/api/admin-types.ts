/**
 * The admin API's response shapes, as the server declares them. Type-only imports: nothing from
 * src/ is bundled, but a change to a shape the dashboard reads fails `npm run build:ui`.
 */
export type { UsageReport, UsageRow } from '../../../src/store/usage-query.js';
export type { AggregateGroupBy, ListRequestsPage } from '../../../src/store/request-log-store.js';
export type { AttemptLogRecord, CascadeStepLogRecord, RequestLogRecord } from '../../../src/core/telemetry/request-log-record.js';
export type { DeploymentView, ModelView, RegistryView, UsageView } from '../../../src/core/governance/registry/registry-listing.js';
export type { CheckFinding, RegistryCheckReport } from '../../../src/core/governance/registry/registry-check.js';
export type { ExposureReport, WorkloadExposure } from '../../../src/core/governance/exposure/compute-exposure.js';
export type { ExposureTargetKind } from '../../../src/core/governance/exposure/exposure-target.js';
export type { ModelVersionSighting } from '../../../src/core/governance/drift/model-version-sighting.js';
export type { AuditEntry } from '../../../src/core/governance/audit/audit-entry.js';
export type {
  EvaluationAlert,
  QualityResponse,
  RateWithInterval,
  RollingQuality,
  RoutingQualityResponse,
  RoutingQualityRow,
  ScoreWindow,
} from '../../../src/core/evaluation/evaluation-api.js';
export type { EvalRunRecord, GateRecord, QualitySeriesRow } from '../../../src/core/evaluation/evaluation-records.js';
import type { EvalRunRecord, GateRecord } from '../../../src/core/evaluation/evaluation-records.js';

/** GET /admin/costs */
export interface CostsResponse {
  groupBy: string;
  since: number;
  until: number;
  rows: Array<{ key: string | null; requests: number; costUsd: number; referenceCostUsd: number; savingsUsd: number }>;
}

/** GET /admin/registry/state (declared inline by its route). */
export interface RegistryStateResponse {
  version: number;
  states: Array<{
    model: string;
    lifecycle: string;
    deprecationDate: string | null;
    reason: string;
    actor: string;
    updatedAt: number;
    configLifecycle: string | null;
    orphaned: boolean;
  }>;
  orphaned: string[];
}

export type { CalibrationCurvePoint as RouterCurvePoint } from '../../../src/core/routing/learned/calibration-curve.js';
import type { CalibrationCurvePoint } from '../../../src/core/routing/learned/calibration-curve.js';

/**
 * GET /admin/routing/routers: per workload, the learned router's cost–quality curve and the
 * threshold in force. The fields the dashboard reads of `LearnedRoutersResponse`
 * (src/core/routing/learned/learned-router-listing.ts), which cannot be imported here: its file
 * pulls in the artifact loader and Node's fs. test/e2e/ui/dashboard-fixtures.ts checks at compile
 * time that the route's type is assignable to this one.
 */
export interface RoutersResponse {
  routers: Array<{
    workload: string;
    weak: string;
    strong: string;
    threshold: number;
    thresholdSource: 'config' | 'artifact';
    /** `embedder`: the prompt embedder the router reads (`local/…`, `model:<name>`), null for n-grams only. */
    artifact: { path: string; trainedAt: string; embedder: string | null };
    /** Highest threshold first; null for artifacts trained before curves were recorded. */
    curve: CalibrationCurvePoint[] | null;
    /** Scores in [lo, hi] run the workload's cascade instead of a direct pick. */
    cascadeBetween?: [number, number];
  }>;
}

/** GET /admin/evals/runs */
export interface EvalRunsResponse {
  runs: EvalRunRecord[];
}

/** GET /admin/evals/gates */
export interface GatesResponse {
  gates: GateRecord[];
}

/** GET /ui/api/session */
export type DashboardSession = { mode: 'loopback' } | { mode: 'admin_key'; expiresAt: number | null };
