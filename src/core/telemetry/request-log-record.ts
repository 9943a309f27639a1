/**
 * One request as the request log stores it: who asked, how it was routed, every attempt with its
 * tokens and cost, and what it would have cost on the workload's reference frontier model.
 * Payloads are absent unless capture is on (and then already redacted).
 */
export interface RequestLogRecord {
  id: string;
  /** Unix milliseconds when the request arrived. */
  time: number;
  durationMs: number;
  endpoint: 'chat' | 'embeddings' | 'messages';
  stream: boolean;
  apiKey?: string;
  workload?: string;
  requestedModel: string;
  /** The logical model the route started with, and why it went where it went. */
  routeModel?: string;
  routeReason?: string;
  /** Which router decided (`rules`, `learned`, `cascade`, `default`) and the learned router's score. */
  router?: string;
  routeScore?: number;
  /** For cascades: the tiers, the index that answered (0 = not escalated) and each tier's outcome. */
  cascade?: { tiers: string[]; tier?: number; steps: CascadeStepLogRecord[] };
  /** The deployment that answered, and the exact model version the provider reported. */
  deployment?: string;
  upstreamModel?: string;
  status: number;
  errorCode?: string;
  cacheHit: boolean;
  timeToFirstTokenMs?: number;
  /**
   * The gateway's own time: the request's wall time to the end of its answer, less the time it
   * waited on providers, on a slow client and on retry backoff. Set for answered requests (the
   * answer went out through the gateway's writer); absent for refusals and failures.
   */
  overheadMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  cachedInputTokens?: number;
  cacheWriteInputTokens?: number;
  /** Cost of every attempt, in US dollars. */
  costUsd?: number;
  /** What the same tokens would have cost on the workload's reference model. */
  referenceCostUsd?: number;
  attempts: AttemptLogRecord[];
  /** Policy decisions taken for this request (data class, denied deployments, …). */
  policy?: Record<string, unknown>;
  /** Redacted request and response bodies, only when payload capture is on. */
  payload?: { request?: unknown; response?: unknown };
}

export interface CascadeStepLogRecord {
  model: string;
  outcome: 'accepted' | 'escalated' | 'failed';
  check?: string;
  reason?: string;
}

export interface AttemptLogRecord {
  deployment: string;
  provider: string;
  /** `ok`, an error code, `cancelled` or `circuit_open`. */
  code: string;
  message?: string;
  upstreamStatus?: number;
  latencyMs: number;
  timeToFirstTokenMs?: number;
  retry?: number;
  hedge?: boolean;
  /** Cascade tier this attempt served, and `check` for agreement samples and judge calls. */
  tier?: number;
  purpose?: 'check';
  inputTokens?: number;
  outputTokens?: number;
  cachedInputTokens?: number;
  cacheWriteInputTokens?: number;
  costUsd?: number;
}

/** Answered by a cascade tier above the cheapest: the cheap answer failed a check (or its tier failed). */
export function isEscalated(record: RequestLogRecord): boolean {
  return record.status < 400 && (record.cascade?.tier ?? 0) > 0;
}

/**
 * Answered by a deployment other than the first attempted, because that one failed: a retry
 * elsewhere or a fallback model. A hedge that won while the first attempt was still running (it
 * ends `cancelled`) is not a fallback, as in the `switchyard_fallbacks_total` metric.
 */
export function isFallback(record: RequestLogRecord): boolean {
  const first = record.attempts.find((attempt) => attempt.purpose === undefined && (attempt.tier ?? 0) === (record.cascade?.tier ?? 0));
  return record.status < 400 && record.deployment !== undefined && first !== undefined && first.deployment !== record.deployment && first.code !== 'cancelled';
}
