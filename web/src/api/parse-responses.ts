import { expectArrays } from './admin-client.js';
import type {
  AuditEntry,
  CostsResponse,
  DashboardSession,
  EvalRunsResponse,
  ExposureReport,
  GatesResponse,
  ListRequestsPage,
  ModelVersionSighting,
  QualityResponse,
  RegistryCheckReport,
  RegistryStateResponse,
  RegistryView,
  RequestLogRecord,
  RoutersResponse,
  RoutingQualityResponse,
  UsageReport,
} from './admin-types.js';

/** Envelope checks for each response (module-level, so `useAdmin` sees stable functions). */
export const expectUsage = (value: unknown) => expectArrays<UsageReport>(value, 'rows', 'by');
export const expectCosts = (value: unknown) => expectArrays<CostsResponse>(value, 'rows');
export const expectRequests = (value: unknown) => expectArrays<ListRequestsPage>(value, 'items');
export const expectRequest = (value: unknown) => expectArrays<RequestLogRecord>(value, 'attempts');
export const expectRegistry = (value: unknown) => expectArrays<RegistryView>(value, 'models', 'deployments');
export const expectCheck = (value: unknown) => expectArrays<RegistryCheckReport>(value, 'findings');
export const expectDrift = (value: unknown) => expectArrays<{ sightings: ModelVersionSighting[] }>(value, 'sightings');
export const expectRegistryState = (value: unknown) => expectArrays<RegistryStateResponse>(value, 'states');
export const expectAudit = (value: unknown) => expectArrays<{ entries: AuditEntry[] }>(value, 'entries');
export const expectExposure = (value: unknown) => expectArrays<ExposureReport>(value, 'workloads', 'deployments');
export const expectQuality = (value: unknown) => expectArrays<QualityResponse>(value, 'series', 'rolling', 'alerts');
export const expectRoutingQuality = (value: unknown) => expectArrays<RoutingQualityResponse>(value, 'workloads');
export const expectRouters = (value: unknown) => expectArrays<RoutersResponse>(value, 'routers');
export const expectEvalRuns = (value: unknown) => expectArrays<EvalRunsResponse>(value, 'runs');
export const expectGates = (value: unknown) => expectArrays<GatesResponse>(value, 'gates');
export const expectSession = (value: unknown): DashboardSession => {
  if (typeof value === 'object' && value !== null && 'mode' in value && (value.mode === 'loopback' || value.mode === 'admin_key')) return value as DashboardSession;
  throw new Error('Unexpected session response.');
};
