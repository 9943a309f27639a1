import { isEscalated, isFallback, type AttemptLogRecord, type RequestLogRecord } from '../core/telemetry/request-log-record.js';
import type { RequestAttemptRow, RequestRow } from './request-log-database.js';

/*
 * Mapping between records and rows. Values are sanitised on the way in because one bad value would
 * fail a whole batch, and a failed batch is retried from the spill file: NaN or Infinity become NULL
 * (or 0 where the column is required), token counts are rounded to integers, and NUL characters,
 * which PostgreSQL text rejects, are dropped.
 */

export function toRequestRow(record: RequestLogRecord): RequestRow {
  return {
    id: text(record.id),
    time_ms: Math.trunc(requiredNumber(record.time)),
    duration_ms: requiredNumber(record.durationMs),
    endpoint: text(record.endpoint),
    stream: record.stream ? 1 : 0,
    api_key: optionalText(record.apiKey),
    workload: optionalText(record.workload),
    requested_model: text(record.requestedModel),
    route_model: optionalText(record.routeModel),
    route_reason: optionalText(record.routeReason),
    deployment: optionalText(record.deployment),
    upstream_model: optionalText(record.upstreamModel),
    status: Math.trunc(requiredNumber(record.status)),
    error_code: optionalText(record.errorCode),
    cache_hit: record.cacheHit ? 1 : 0,
    time_to_first_token_ms: optionalNumber(record.timeToFirstTokenMs),
    input_tokens: optionalInteger(record.inputTokens),
    output_tokens: optionalInteger(record.outputTokens),
    cached_input_tokens: optionalInteger(record.cachedInputTokens),
    cache_write_input_tokens: optionalInteger(record.cacheWriteInputTokens),
    cost_usd: optionalNumber(record.costUsd),
    reference_cost_usd: optionalNumber(record.referenceCostUsd),
    policy_json: optionalJson(record.policy),
    payload_json: optionalJson(record.payload),
    escalated: isEscalated(record) ? 1 : 0,
    fallback: isFallback(record) ? 1 : 0,
    router: optionalText(record.router),
    route_score: optionalNumber(record.routeScore),
    cascade_tier: optionalInteger(record.cascade?.tier),
    cascade_json: optionalJson(record.cascade),
    overhead_ms: optionalNumber(record.overheadMs),
  };
}

export function toAttemptRow(
  requestId: string,
  attemptIndex: number,
  attempt: AttemptLogRecord,
  request: Pick<RequestLogRecord, 'time' | 'workload'>,
): RequestAttemptRow {
  return {
    request_id: text(requestId),
    attempt_index: attemptIndex,
    // Copied from the request so exposure queries read attempts by time and workload without a join.
    time_ms: Math.trunc(requiredNumber(request.time)),
    workload: optionalText(request.workload),
    deployment: text(attempt.deployment),
    provider: text(attempt.provider),
    code: text(attempt.code),
    message: optionalText(attempt.message),
    upstream_status: optionalInteger(attempt.upstreamStatus),
    latency_ms: requiredNumber(attempt.latencyMs),
    time_to_first_token_ms: optionalNumber(attempt.timeToFirstTokenMs),
    retry: optionalInteger(attempt.retry),
    hedge: attempt.hedge === undefined ? null : attempt.hedge ? 1 : 0,
    tier: optionalInteger(attempt.tier),
    purpose: optionalText(attempt.purpose),
    input_tokens: optionalInteger(attempt.inputTokens),
    output_tokens: optionalInteger(attempt.outputTokens),
    cached_input_tokens: optionalInteger(attempt.cachedInputTokens),
    cache_write_input_tokens: optionalInteger(attempt.cacheWriteInputTokens),
    cost_usd: optionalNumber(attempt.costUsd),
  };
}

/** Rebuilds a record; absent (NULL) columns become absent properties, as they were written. */
export function fromRows(row: RequestRow, attemptRows: RequestAttemptRow[]): RequestLogRecord {
  const record: RequestLogRecord = {
    id: row.id,
    time: Number(row.time_ms),
    durationMs: Number(row.duration_ms),
    endpoint: row.endpoint as RequestLogRecord['endpoint'],
    stream: Number(row.stream) === 1,
    requestedModel: row.requested_model,
    status: Number(row.status),
    cacheHit: Number(row.cache_hit) === 1,
    attempts: [...attemptRows].sort((left, right) => left.attempt_index - right.attempt_index).map(fromAttemptRow),
  };
  assignDefined(record, {
    apiKey: row.api_key,
    workload: row.workload,
    routeModel: row.route_model,
    routeReason: row.route_reason,
    router: row.router,
    routeScore: numberOrNull(row.route_score),
    cascade: parseJson(row.cascade_json) as RequestLogRecord['cascade'] | null,
    deployment: row.deployment,
    upstreamModel: row.upstream_model,
    errorCode: row.error_code,
    timeToFirstTokenMs: numberOrNull(row.time_to_first_token_ms),
    overheadMs: numberOrNull(row.overhead_ms ?? null),
    inputTokens: numberOrNull(row.input_tokens),
    outputTokens: numberOrNull(row.output_tokens),
    cachedInputTokens: numberOrNull(row.cached_input_tokens),
    cacheWriteInputTokens: numberOrNull(row.cache_write_input_tokens),
    costUsd: numberOrNull(row.cost_usd),
    referenceCostUsd: numberOrNull(row.reference_cost_usd),
    policy: parseJson(row.policy_json) as RequestLogRecord['policy'] | null,
    payload: parseJson(row.payload_json) as RequestLogRecord['payload'] | null,
  });
  return record;
}

function fromAttemptRow(row: RequestAttemptRow): AttemptLogRecord {
  const attempt: AttemptLogRecord = {
    deployment: row.deployment,
    provider: row.provider,
    code: row.code,
    latencyMs: Number(row.latency_ms),
  };
  assignDefined(attempt, {
    message: row.message,
    upstreamStatus: numberOrNull(row.upstream_status),
    timeToFirstTokenMs: numberOrNull(row.time_to_first_token_ms),
    retry: numberOrNull(row.retry),
    hedge: row.hedge === null ? null : Number(row.hedge) === 1,
    tier: numberOrNull(row.tier),
    purpose: row.purpose as AttemptLogRecord['purpose'] | null,
    inputTokens: numberOrNull(row.input_tokens),
    outputTokens: numberOrNull(row.output_tokens),
    cachedInputTokens: numberOrNull(row.cached_input_tokens),
    cacheWriteInputTokens: numberOrNull(row.cache_write_input_tokens),
    costUsd: numberOrNull(row.cost_usd),
  });
  return attempt;
}

function assignDefined<T extends object>(target: T, values: { [K in keyof T]?: T[K] | null }): void {
  for (const [key, value] of Object.entries(values)) {
    if (value !== null && value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
}

function text(value: string): string {
  return String(value).replaceAll('\u0000', '');
}

function optionalText(value: string | undefined): string | null {
  return value === undefined || value === null ? null : text(value);
}

function requiredNumber(value: number): number {
  return Number.isFinite(value) ? value : 0;
}

function optionalNumber(value: number | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function optionalInteger(value: number | undefined): number | null {
  const number = optionalNumber(value);
  return number === null ? null : Math.round(number);
}

function numberOrNull(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}

/** JSON text; a value that cannot be serialised (a cycle, a BigInt) is dropped rather than failing the batch. */
function optionalJson(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  try {
    return JSON.stringify(value) ?? null;
  } catch {
    return null;
  }
}

function parseJson(value: string | null): unknown {
  return value === null ? null : JSON.parse(value);
}
