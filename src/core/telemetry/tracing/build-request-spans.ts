import { isFallback, type AttemptLogRecord, type RequestLogRecord } from '../request-log-record.js';
import {
  GEN_AI_OPERATION_NAME,
  GEN_AI_PROVIDER_NAME,
  GEN_AI_REQUEST_MODEL,
  GEN_AI_REQUEST_STREAM,
  GEN_AI_RESPONSE_FINISH_REASONS,
  GEN_AI_RESPONSE_MODEL,
  GEN_AI_SYSTEM,
  GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  GEN_AI_USAGE_INPUT_TOKENS,
  GEN_AI_USAGE_OUTPUT_TOKENS,
  mapGenAIOperationName,
  mapGenAIProviderName,
} from './gen-ai-attributes.js';

export type SpanAttributeValue = string | number | boolean | string[];

/** A span to emit, with explicit times (Unix milliseconds, fractional). */
export interface PlannedSpan {
  name: string;
  kind: 'server' | 'client';
  startMs: number;
  endMs: number;
  attributes: Record<string, SpanAttributeValue>;
  /** Set when the request or attempt failed: `error.type` and the status description. */
  error?: { type: string; message: string };
}

/** One request: its span and one child span per attempt. */
export interface PlannedRequestTrace {
  request: PlannedSpan;
  attempts: PlannedSpan[];
}

export interface BuildRequestSpansOptions {
  /** The provider type of a configured provider name (`openai`, `vllm`, ...), when known. */
  providerTypeOf?: (providerName: string) => string | undefined;
  /** Finish reasons of the answer, when the caller knows them. */
  finishReasons?: readonly string[];
  /** The upstream model id of each deployment (the model the gateway asked the provider for). */
  upstreamModelOf?: (deploymentId: string) => string | undefined;
}

/**
 * The trace of one finished request, built from its log record after the response, so tracing
 * adds nothing to the request path. The request span is named `{operation} {model}` as the GenAI
 * conventions name inference spans; each attempt is a client span under it.
 *
 * Attempts carry only their latency, so their start times are reconstructed: attempts run back to
 * back from the request's start (backoff waits are not recorded), and a hedge, which races the
 * attempt before it, ends when that attempt ends (one of the two is cancelled when the other settles).
 * Every time is clamped into the request's span.
 * @see https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/
 */
export function buildRequestSpans(record: RequestLogRecord, options: BuildRequestSpansOptions = {}): PlannedRequestTrace {
  const operation = mapGenAIOperationName(record.endpoint);
  const startMs = record.time;
  const endMs = record.time + Math.max(0, record.durationMs);
  const clamp = (time: number) => Math.min(Math.max(time, startMs), endMs);
  const answering = record.deployment === undefined ? undefined : record.attempts.findLast((attempt) => attempt.code === 'ok');
  const providerName = (provider: string) => mapGenAIProviderName(options.providerTypeOf?.(provider) ?? provider);

  const attributes: Record<string, SpanAttributeValue> = {
    [GEN_AI_OPERATION_NAME]: operation,
    [GEN_AI_REQUEST_MODEL]: record.requestedModel,
    [GEN_AI_REQUEST_STREAM]: record.stream,
    'http.response.status_code': record.status,
    'switchyard.request_id': record.id,
    'switchyard.endpoint': record.endpoint,
    'switchyard.cache_hit': record.cacheHit,
    'switchyard.attempts': record.attempts.length,
  };
  if (answering !== undefined) {
    attributes[GEN_AI_PROVIDER_NAME] = providerName(answering.provider);
    attributes[GEN_AI_SYSTEM] = providerName(answering.provider);
  }
  assignDefined(attributes, {
    [GEN_AI_RESPONSE_MODEL]: record.upstreamModel,
    [GEN_AI_USAGE_INPUT_TOKENS]: record.inputTokens,
    [GEN_AI_USAGE_OUTPUT_TOKENS]: record.outputTokens,
    [GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: record.cachedInputTokens,
    [GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: record.cacheWriteInputTokens,
    'switchyard.workload': record.workload,
    'switchyard.route_model': record.routeModel,
    'switchyard.route_reason': record.routeReason,
    'switchyard.deployment': record.deployment,
    'switchyard.api_key': record.apiKey,
    'switchyard.cost_usd': record.costUsd,
    'switchyard.reference_cost_usd': record.referenceCostUsd,
    'switchyard.time_to_first_token_ms': record.timeToFirstTokenMs,
    // The gateway's own time: the span's duration less what it waited on providers, the client and backoff.
    'switchyard.overhead_ms': record.overheadMs,
  });
  if (options.finishReasons !== undefined && options.finishReasons.length > 0) {
    attributes[GEN_AI_RESPONSE_FINISH_REASONS] = [...options.finishReasons];
  }
  if (record.deployment !== undefined && record.attempts[0] !== undefined) {
    attributes['switchyard.fallback'] = isFallback(record);
  }
  if (record.router !== undefined) attributes['switchyard.router'] = record.router;
  if (record.routeScore !== undefined) attributes['switchyard.route_score'] = record.routeScore;
  if (record.cascade) attributes['switchyard.escalated'] = (record.cascade.tier ?? 0) > 0;
  const failed = record.status >= 400;
  const request: PlannedSpan = {
    name: `${operation} ${record.requestedModel}`,
    kind: 'server',
    startMs,
    endMs,
    attributes,
    ...(failed ? { error: { type: record.errorCode ?? String(record.status), message: `HTTP ${record.status}${record.errorCode ? ` ${record.errorCode}` : ''}` } } : {}),
  };
  if (failed) attributes['error.type'] = request.error!.type;

  const attempts: PlannedSpan[] = [];
  let cursor = startMs;
  let previous: { startMs: number; endMs: number } | undefined;
  record.attempts.forEach((attempt, index) => {
    const latency = Math.max(0, attempt.latencyMs);
    let attemptStart: number;
    if (attempt.hedge && previous !== undefined) {
      attemptStart = Math.max(previous.startMs, previous.endMs - latency);
    } else {
      attemptStart = cursor;
    }
    const attemptEnd = attemptStart + latency;
    const span = attemptSpan(attempt, index, operation, clamp(attemptStart), clamp(attemptEnd), providerName, options.upstreamModelOf);
    if (attempt.code === 'ok' && attempt === answering && record.upstreamModel !== undefined) {
      span.attributes[GEN_AI_RESPONSE_MODEL] = record.upstreamModel;
    }
    attempts.push(span);
    previous = { startMs: attemptStart, endMs: attemptEnd };
    cursor = Math.max(cursor, attemptEnd);
  });
  return { request, attempts };
}

function attemptSpan(
  attempt: AttemptLogRecord,
  index: number,
  operation: string,
  startMs: number,
  endMs: number,
  providerName: (provider: string) => string,
  upstreamModelOf: ((deploymentId: string) => string | undefined) | undefined,
): PlannedSpan {
  const model = upstreamModelOf?.(attempt.deployment) ?? attempt.deployment;
  const attributes: Record<string, SpanAttributeValue> = {
    [GEN_AI_OPERATION_NAME]: operation,
    [GEN_AI_REQUEST_MODEL]: model,
    [GEN_AI_PROVIDER_NAME]: providerName(attempt.provider),
    [GEN_AI_SYSTEM]: providerName(attempt.provider),
    'switchyard.deployment': attempt.deployment,
    'switchyard.provider': attempt.provider,
    'switchyard.attempt.index': index,
    'switchyard.attempt.code': attempt.code,
    'switchyard.attempt.retry': attempt.retry ?? 0,
    'switchyard.attempt.hedge': attempt.hedge === true,
  };
  assignDefined(attributes, {
    [GEN_AI_USAGE_INPUT_TOKENS]: attempt.inputTokens,
    [GEN_AI_USAGE_OUTPUT_TOKENS]: attempt.outputTokens,
    [GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: attempt.cachedInputTokens,
    'http.response.status_code': attempt.upstreamStatus,
    'switchyard.cost_usd': attempt.costUsd,
  });
  // A cancelled hedge loser or a skipped (circuit-open) deployment is not a failure of the request.
  const failed = attempt.code !== 'ok' && attempt.code !== 'cancelled' && attempt.code !== 'circuit_open';
  if (failed) attributes['error.type'] = attempt.code;
  return {
    name: `${operation} ${model}`,
    kind: 'client',
    startMs,
    endMs,
    attributes,
    ...(failed ? { error: { type: attempt.code, message: attempt.message ?? attempt.code } } : {}),
  };
}

function assignDefined(target: Record<string, SpanAttributeValue>, values: Record<string, SpanAttributeValue | undefined>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (typeof value === 'number' && !Number.isFinite(value)) continue;
    target[key] = value;
  }
}
