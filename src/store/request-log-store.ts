import type { RequestLogRecord } from '../core/telemetry/request-log-record.js';

/** Which requests a listing returns. `since` is inclusive, `until` exclusive (Unix milliseconds). */
export interface ListRequestsFilter {
  since?: number;
  until?: number;
  workload?: string;
  apiKey?: string;
  /** Matches the model the client asked for or the logical model the route started with. */
  model?: string;
  deployment?: string;
  /** An exact HTTP status, or `ok` (< 400) / `error` (≥ 400). */
  status?: number | 'ok' | 'error';
  /** Page size; default 50, at most 1000. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface ListRequestsPage {
  /** Newest first (by time, then id). */
  items: RequestLogRecord[];
  /** Present when more items match; pass it back as `cursor` for the next page. */
  nextCursor?: string;
}

export type AggregateGroupBy = 'workload' | 'deployment' | 'model' | 'apiKey' | 'hour' | 'day';

export interface AggregateFilter {
  /** Inclusive, Unix milliseconds. */
  since: number;
  /** Exclusive, Unix milliseconds. */
  until: number;
  /** One grouping, or several (rows are then one per combination; each value is in `keys`). */
  groupBy: AggregateGroupBy | readonly AggregateGroupBy[];
  /** Only requests of this workload, API key or deployment (as `listRequests` matches them). */
  workload?: string;
  apiKey?: string;
  deployment?: string;
  /** Matches the model the client asked for or the logical model the route started with. */
  model?: string;
}

/** Totals of one group. Sums over absent values count them as 0. */
export interface AggregateRow {
  /**
   * The group: a workload, deployment, API key or model name (`null` when the requests had none);
   * for `hour`/`day`, the bucket's start as an ISO-8601 UTC timestamp. Grouped by several keys,
   * their values joined with ` / ` (an absent value as the empty string).
   */
  key: string | null;
  /** The value of each grouping, as `key` gives it for that grouping alone. */
  keys: Partial<Record<AggregateGroupBy, string | null>>;
  /** For `hour`/`day`: the bucket's start in Unix milliseconds. */
  bucketStart?: number;
  requests: number;
  /** Requests answered with a status ≥ 400. */
  errors: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costUsd: number;
  referenceCostUsd: number;
  /** Reference cost minus actual cost, over the requests that have a reference cost. */
  savingsUsd: number;
  /** Request duration percentiles (linear interpolation, as PostgreSQL's `percentile_cont`). */
  p50LatencyMs: number;
  p95LatencyMs: number;
  p99LatencyMs: number;
  /** Time-to-first-token percentiles over the group's streamed answers; absent when it had none. */
  p50TimeToFirstTokenMs?: number;
  p95TimeToFirstTokenMs?: number;
  p99TimeToFirstTokenMs?: number;
  /** Percentiles of the gateway's own time over the group's answered requests that have it; absent when none has. */
  p50OverheadMs?: number;
  p95OverheadMs?: number;
  p99OverheadMs?: number;
  /** Requests answered by a cascade tier above the cheapest (the cheap answer failed a check). */
  escalations: number;
  /**
   * Requests answered by a deployment other than the first one attempted: a retry elsewhere, a
   * hedge that won, or a fallback model.
   */
  fallbacks: number;
}

/**
 * Where the request log lives. Writes come in batches from `RequestLogWriter`, off the request path.
 * `insertBatch` is idempotent by request id: replaying records that are already stored is a no-op.
 */
export interface RequestLogStore {
  /** Applies pending schema migrations; safe to call repeatedly and from several processes at once. */
  migrate(): Promise<void>;
  insertBatch(records: RequestLogRecord[]): Promise<void>;
  /**
   * The same for records already serialised by `JSON.stringify` (what the writer queues), where
   * the store can take them so more cheaply than as objects (a worker thread: strings copy flat).
   */
  insertSerializedBatch?(lines: string[]): Promise<void>;
  /**
   * The same for a block of JSON lines as UTF-8 bytes, each ended by `\n` (the writer's queued
   * batches): one flat block for a worker thread instead of a string per record. The bytes may be
   * reused by the caller once the returned promise settles, so a store must not keep them.
   */
  insertSerializedBytes?(bytes: Uint8Array): Promise<void>;
  getRequest(id: string): Promise<RequestLogRecord | undefined>;
  listRequests(filter?: ListRequestsFilter): Promise<ListRequestsPage>;
  /** Groups ordered by time for `hour`/`day`, otherwise by request count (descending), then key. */
  aggregate(filter: AggregateFilter): Promise<AggregateRow[]>;
  close(): Promise<void>;
}
