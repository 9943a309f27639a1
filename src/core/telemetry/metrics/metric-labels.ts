import type { RequestSummary } from '../../pipeline/request-summary.js';

/**
 * Label values for the gateway's metrics. Every value comes from a bounded set: config names
 * (workload, model, deployment), a status class, or one of the codes below. Anything a client
 * typed (an unknown model name, a free-form message) never becomes a label, so a misbehaving
 * client cannot blow up the number of series Prometheus has to keep.
 */

/**
 * Every code a summary or an attempt can carry: the GatewayError codes, the pipeline's own
 * (`internal_error`, `client_disconnected`) and the attempt outcomes (`ok`, `cancelled`,
 * `circuit_open`). A code not listed here is reported as `other` rather than trusted.
 */
export const KNOWN_CODES: ReadonlySet<string> = new Set([
  'ok',
  'cancelled',
  'circuit_open',
  'client_disconnected',
  'internal_error',
  'invalid_request',
  'invalid_json',
  'invalid_value',
  'missing_required_parameter',
  'unknown_parameter',
  'unsupported_parameter',
  'unsupported_media_type',
  'payload_too_large',
  'wrong_model_kind',
  'unauthenticated',
  'permission_denied',
  'model_not_found',
  'rate_limit_exceeded',
  'concurrency_limit_exceeded',
  'provider_http_error',
  'provider_rate_limited',
  'provider_quota_exceeded',
  'context_length_exceeded',
  'content_filter',
  'provider_timeout',
  'deadline_exceeded',
  'provider_unreachable',
  'provider_bad_response',
  'stream_interrupted',
  'all_targets_failed',
  'config_invalid',
]);

export const OTHER_CODE = 'other';

/** The code as a label: empty when absent, `other` when not one of KNOWN_CODES. */
export function codeLabel(code: string | undefined): string {
  if (code === undefined) return '';
  return KNOWN_CODES.has(code) ? code : OTHER_CODE;
}

// Precomputed so that recording a request does not build a string.
const STATUS_CLASSES = ['', '1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/** `2xx`, `4xx`, `5xx`...; empty for a status outside 100–599. */
export function statusClassLabel(status: number): string {
  return STATUS_CLASSES[Math.floor(status / 100)] ?? '';
}

/**
 * The logical model the route started with (a config name, for workload traffic too), empty for
 * a request that was never routed. The model the client sent is never used: it may be anything
 * it typed, and routing ignores it when the workload header is set.
 */
export function modelLabel(summary: RequestSummary): string {
  return summary.routeModel ?? '';
}
