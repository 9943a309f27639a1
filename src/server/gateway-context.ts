import type { RegistryOverlay } from '../core/governance/registry-state/registry-overlay.js';
import type { GovernanceStore } from '../store/governance/kysely-governance-store.js';
import type { DriftTracker } from '../core/governance/drift/drift-tracker.js';
import type { AuditRecorder } from '../core/governance/audit/audit-recorder.js';
import type { HttpBindings } from '@hono/node-server';
import type { Logger } from 'pino';
import type { RequestPipeline } from '../core/pipeline/request-pipeline.js';
import type { RequestObserver } from '../core/pipeline/request-summary.js';
import type { RuntimeHolder } from '../core/registry/runtime-holder.js';
import type { RequestLogStore } from '../store/request-log-store.js';
import type { GatewayMetrics } from '../core/telemetry/metrics/gateway-metrics.js';
import type { EvaluationStore } from '../core/evaluation/evaluation-records.js';
import type { QualitySource } from '../evals/online/index.js';

/** Hono environment of the gateway app: node bindings plus per-request variables. */
export interface GatewayEnv {
  Bindings: Partial<HttpBindings>;
  Variables: {
    requestId: string;
    startedAt: number;
  };
}

/** What the app needs from its host process. */
export interface GatewayDependencies {
  holder: RuntimeHolder;
  logger: Logger;
  observer?: RequestObserver;
  /** Served on GET /metrics when present (the host also feeds it, usually through the observer). */
  metrics?: GatewayMetrics;
  /** The request log, for the admin query endpoints; absent when recording is off. */
  requestLog?: RequestLogStore;
  /** Audit log, version sightings and exposure reads (with the request log). */
  governance?: GovernanceStore;
  /** Which model versions answer each deployment, and drift from the pins. */
  driftTracker?: DriftTracker;
  /** Records config reloads and admin changes in the audit log. */
  audit?: AuditRecorder;
  /** Live registry state (lifecycle overrides set through the admin API), laid over config's registry. */
  registryOverlay?: RegistryOverlay;
  /** Judge scores, shadow pairs, eval runs and gates (with the request log). */
  evaluation?: EvaluationStore;
  /** Online evaluation's rolling quality, recent alerts and background queue, for GET /admin/quality. */
  quality?: QualitySource;
}

/** What route handlers use: the dependencies plus the pipeline built from them. */
export interface RouteDependencies extends GatewayDependencies {
  pipeline: RequestPipeline;
}

export const REQUEST_ID_HEADER = 'x-request-id';
export const UNSUPPORTED_PARAMS_HEADER = 'x-switchyard-unsupported-params';
