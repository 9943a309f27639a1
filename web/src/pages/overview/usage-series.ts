import type { UsageRow } from '../../api/admin-types.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface UsageTotals {
  requests: number;
  errors: number;
  escalations: number;
  fallbacks: number;
  costUsd: number;
  referenceCostUsd: number;
  savingsUsd: number;
}

/**
 * The all-frontier baseline of a usage row: cost plus savings. The server's `referenceCostUsd`
 * sums only requests whose workload has a reference model, while `costUsd` sums them all; a
 * request without a reference counts at its own cost here, so baseline − cost = savings always.
 */
export function baselineUsdOf(row: { costUsd: number; savingsUsd: number }): number {
  return row.costUsd + row.savingsUsd;
}

export function rate(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

/** Sums of the additive columns over rows that partition the traffic (one grouping). */
export function totalsOf(rows: readonly UsageRow[]): UsageTotals {
  const totals: UsageTotals = { requests: 0, errors: 0, escalations: 0, fallbacks: 0, costUsd: 0, referenceCostUsd: 0, savingsUsd: 0 };
  for (const row of rows) {
    totals.requests += row.requests;
    totals.errors += row.errors;
    totals.escalations += row.escalations;
    totals.fallbacks += row.fallbacks;
    totals.costUsd += row.costUsd;
    totals.referenceCostUsd += baselineUsdOf(row);
    totals.savingsUsd += row.savingsUsd;
  }
  return totals;
}

export interface SeriesPoint {
  bucketStart: number;
  requests: number;
  ok: number;
  errors: number;
  costUsd: number;
  referenceCostUsd: number;
  savingsUsd: number;
  /** Null for a bucket without requests, so latency lines break instead of dropping to 0. */
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  p99LatencyMs: number | null;
  errorRate: number | null;
  fallbackRate: number | null;
  escalationRate: number | null;
}

/** The start of a row's time bucket (the `hour`/`day` key is the bucket's start as ISO UTC). */
export function bucketStartOf(row: UsageRow, bucket: 'hour' | 'day'): number | undefined {
  const key = row.keys[bucket];
  if (key === undefined || key === null) return undefined;
  const time = Date.parse(key);
  return Number.isNaN(time) ? undefined : time;
}

/** Every bucket start from `since` to `until` (exclusive), aligned as the request log aligns them (UTC). */
export function bucketStarts(since: number, until: number, bucket: 'hour' | 'day'): number[] {
  const size = bucket === 'hour' ? HOUR_MS : DAY_MS;
  const starts: number[] = [];
  for (let start = Math.floor(since / size) * size; start < until; start += size) starts.push(start);
  return starts;
}

/** One point per bucket over the whole range, empty buckets included (charts should show quiet hours). */
export function timeSeries(rows: readonly UsageRow[], bucket: 'hour' | 'day', since: number, until: number): SeriesPoint[] {
  const byStart = new Map<number, UsageRow>();
  for (const row of rows) {
    const start = bucketStartOf(row, bucket);
    if (start !== undefined) byStart.set(start, row);
  }
  return bucketStarts(since, until, bucket).map((bucketStart) => {
    const row = byStart.get(bucketStart);
    if (row === undefined || row.requests === 0) {
      return {
        bucketStart,
        requests: 0,
        ok: 0,
        errors: 0,
        costUsd: 0,
        referenceCostUsd: 0,
        savingsUsd: 0,
        p50LatencyMs: null,
        p95LatencyMs: null,
        p99LatencyMs: null,
        errorRate: null,
        fallbackRate: null,
        escalationRate: null,
      };
    }
    return {
      bucketStart,
      requests: row.requests,
      ok: row.requests - row.errors,
      errors: row.errors,
      costUsd: row.costUsd,
      referenceCostUsd: baselineUsdOf(row),
      savingsUsd: row.savingsUsd,
      p50LatencyMs: row.p50LatencyMs,
      p95LatencyMs: row.p95LatencyMs,
      p99LatencyMs: row.p99LatencyMs,
      errorRate: row.errorRate,
      fallbackRate: row.fallbackRate,
      escalationRate: row.escalationRate,
    };
  });
}

/** The name a group shows under; requests without a workload (a model named directly) have none. */
export function groupName(value: string | null | undefined): string {
  return value === null || value === undefined || value === '' ? '(none)' : value;
}

export interface StackedSeries {
  points: Array<Record<string, number>>;
  /** Series names, largest total first. */
  keys: string[];
}

/** Rows grouped by [bucket, other] → one point per bucket with one field per `other` value. */
export function stackBy(rows: readonly UsageRow[], bucket: 'hour' | 'day', other: 'workload' | 'model', value: (row: UsageRow) => number, since: number, until: number): StackedSeries {
  const totals = new Map<string, number>();
  const byStart = new Map<number, Record<string, number>>();
  for (const row of rows) {
    const start = bucketStartOf(row, bucket);
    if (start === undefined) continue;
    const name = groupName(row.keys[other]);
    const point = byStart.get(start) ?? {};
    point[name] = (point[name] ?? 0) + value(row);
    byStart.set(start, point);
    totals.set(name, (totals.get(name) ?? 0) + value(row));
  }
  const keys = [...totals.entries()].sort((left, right) => right[1] - left[1] || left[0].localeCompare(right[0])).map(([name]) => name);
  const points = bucketStarts(since, until, bucket).map((bucketStart) => {
    const point: Record<string, number> = { bucketStart };
    const values = byStart.get(bucketStart) ?? {};
    for (const key of keys) point[key] = values[key] ?? 0;
    return point;
  });
  return { points, keys };
}
