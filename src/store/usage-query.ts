import { InvalidRequestError } from '../spec/errors.js';
import type { AggregateGroupBy, AggregateRow, RequestLogStore } from './request-log-store.js';

/**
 * The usage report behind `GET /admin/usage` and `switchyard usage`: the request log grouped by
 * one or more keys over a time range, with rates and latency percentiles. Both edges parse their
 * input with the functions here, so they accept the same `by`, `since` and `until`.
 */

export const USAGE_GROUPINGS: readonly AggregateGroupBy[] = ['workload', 'model', 'deployment', 'apiKey', 'hour', 'day'];
/** Spellings accepted besides the grouping names themselves. */
const GROUPING_ALIASES: Readonly<Record<string, AggregateGroupBy>> = { api_key: 'apiKey', key: 'apiKey' };
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
export const DEFAULT_USAGE_SINCE = '7d';

export interface UsageQuery {
  by: AggregateGroupBy[];
  since: number;
  until: number;
  workload?: string;
  apiKey?: string;
  deployment?: string;
  model?: string;
}

export interface UsageRow {
  /** The group's value for each grouping (`null` when the requests had none). */
  keys: Partial<Record<AggregateGroupBy, string | null>>;
  requests: number;
  errors: number;
  /** errors / requests. */
  errorRate: number;
  /** Requests answered by a cascade tier above the cheapest: the cheap answer failed a check. */
  escalations: number;
  /** escalations / requests. */
  escalationRate: number;
  /** Requests answered by a deployment other than the first attempted (retry elsewhere, fallback model; not a winning hedge). */
  fallbacks: number;
  /** fallbacks / requests. */
  fallbackRate: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costUsd: number;
  referenceCostUsd: number;
  savingsUsd: number;
  p50LatencyMs: number;
  p95LatencyMs: number;
  p99LatencyMs: number;
  /** Time to first token over the group's streamed answers; absent when it had none. */
  p50TimeToFirstTokenMs?: number;
  p95TimeToFirstTokenMs?: number;
  p99TimeToFirstTokenMs?: number;
  /** The gateway's own time (wall time less waiting on providers, clients, backoff) over the group's answered requests; absent when none has it. */
  p50OverheadMs?: number;
  p95OverheadMs?: number;
  p99OverheadMs?: number;
}

export interface UsageReport {
  by: AggregateGroupBy[];
  since: number;
  until: number;
  rows: UsageRow[];
}

/** `workload,model` → the groupings, in order, without repeats. */
export function parseUsageGroupBy(text: string, param = 'by'): AggregateGroupBy[] {
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) throw new InvalidRequestError(`${param} must name at least one of ${USAGE_GROUPINGS.join(', ')}.`, { param });
  const groupings: AggregateGroupBy[] = [];
  for (const name of names) {
    const grouping = GROUPING_ALIASES[name] ?? USAGE_GROUPINGS.find((candidate) => candidate === name);
    if (grouping === undefined) {
      throw new InvalidRequestError(`${param} must be a comma-separated list of ${USAGE_GROUPINGS.join(', ')}; got '${name}'.`, { param });
    }
    if (!groupings.includes(grouping)) groupings.push(grouping);
  }
  return groupings;
}

/**
 * A point in time: a duration before `now` (`30m`, `24h`, `7d`, `2w`, `500ms`, `90s`), Unix
 * milliseconds, or an ISO-8601 date.
 */
export function parseUsageTime(text: string, param: string, now: number): number {
  const value = text.trim();
  const relative = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/.exec(value);
  if (relative) return now - Number(relative[1]) * UNIT_MS[relative[2]!]!;
  if (/^\d+$/.test(value)) return Number(value);
  const time = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new InvalidRequestError(
      `${param} must be a duration before now (30m, 24h, 7d), Unix milliseconds or an ISO-8601 date; got '${text}'.`,
      { param },
    );
  }
  return time;
}

export interface UsageQueryText {
  by?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  workload?: string | undefined;
  apiKey?: string | undefined;
  deployment?: string | undefined;
  model?: string | undefined;
}

/** Parses a query given as text (query string or command-line flags); `names` are how the edge spells each. */
export function parseUsageQuery(input: UsageQueryText, now: number, names: { by: string; since: string; until: string } = { by: 'by', since: 'since', until: 'until' }): UsageQuery {
  const since = parseUsageTime(input.since ?? DEFAULT_USAGE_SINCE, names.since, now);
  // `until` is exclusive; by default it includes requests logged in this very millisecond.
  const until = input.until === undefined ? now + 1 : parseUsageTime(input.until, names.until, now);
  if (until <= since) {
    // Without an explicit `until` the window ends now: the only way to get here is a future `since`.
    if (input.until === undefined) throw new InvalidRequestError(`${names.since} is in the future; nothing is logged after now.`, { param: names.since });
    throw new InvalidRequestError(`${names.until} must be after ${names.since}.`, { param: names.until });
  }
  return {
    by: parseUsageGroupBy(input.by ?? 'workload', names.by),
    since,
    until,
    ...(input.workload === undefined ? {} : { workload: input.workload }),
    ...(input.apiKey === undefined ? {} : { apiKey: input.apiKey }),
    ...(input.deployment === undefined ? {} : { deployment: input.deployment }),
    ...(input.model === undefined ? {} : { model: input.model }),
  };
}

export async function queryUsage(store: RequestLogStore, query: UsageQuery): Promise<UsageReport> {
  const rows = await store.aggregate({ ...query, groupBy: query.by });
  return { by: query.by, since: query.since, until: query.until, rows: rows.map(toUsageRow) };
}

function toUsageRow(row: AggregateRow): UsageRow {
  return {
    keys: row.keys,
    requests: row.requests,
    errors: row.errors,
    errorRate: row.requests === 0 ? 0 : row.errors / row.requests,
    escalations: row.escalations,
    escalationRate: row.requests === 0 ? 0 : row.escalations / row.requests,
    fallbacks: row.fallbacks,
    fallbackRate: row.requests === 0 ? 0 : row.fallbacks / row.requests,
    inputTokens: row.inputTokens,
    outputTokens: row.outputTokens,
    cachedInputTokens: row.cachedInputTokens,
    costUsd: row.costUsd,
    referenceCostUsd: row.referenceCostUsd,
    savingsUsd: row.savingsUsd,
    p50LatencyMs: row.p50LatencyMs,
    p95LatencyMs: row.p95LatencyMs,
    p99LatencyMs: row.p99LatencyMs,
    ...(row.p50TimeToFirstTokenMs === undefined
      ? {}
      : { p50TimeToFirstTokenMs: row.p50TimeToFirstTokenMs, p95TimeToFirstTokenMs: row.p95TimeToFirstTokenMs, p99TimeToFirstTokenMs: row.p99TimeToFirstTokenMs }),
    ...(row.p50OverheadMs === undefined ? {} : { p50OverheadMs: row.p50OverheadMs, p95OverheadMs: row.p95OverheadMs, p99OverheadMs: row.p99OverheadMs }),
  };
}
