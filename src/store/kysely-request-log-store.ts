import { Migrator, sql, type Kysely, type MigrationResultSet, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { RequestLogRecord } from '../core/telemetry/request-log-record.js';
import { requestLogMigrationProvider } from './migrations/index.js';
import { percentile } from './percentile.js';
import { decodeRequestLogCursor, encodeRequestLogCursor } from './request-log-cursor.js';
import type { RequestAttemptRow, RequestLogDatabase, RequestRow } from './request-log-database.js';
import { fromRows, toAttemptRow, toRequestRow } from './request-log-rows.js';
import type {
  AggregateFilter,
  AggregateGroupBy,
  AggregateRow,
  ListRequestsFilter,
  ListRequestsPage,
  RequestLogStore,
} from './request-log-store.js';

/** Time columns that only some requests have; their percentiles skip the rest. */
const OPTIONAL_TIME_COLUMNS = ['time_to_first_token_ms', 'overhead_ms'] as const;
type OptionalTimeColumn = (typeof OPTIONAL_TIME_COLUMNS)[number];

/** What differs between SQLite and PostgreSQL beyond what Kysely hides. */
export interface RequestLogDialect {
  readonly name: 'sqlite' | 'postgres';
  /** Whether the database computes `percentile_cont` (PostgreSQL); otherwise percentiles are computed here. */
  readonly percentilesInDatabase: boolean;
  /**
   * Whether `percentile_cont(value, fraction)` is an ordinary aggregate (SQLite built with its
   * percentile extension, as better-sqlite3's is): percentiles are then computed in the database
   * too, rather than by fetching every duration.
   */
  readonly percentileFunction?: boolean;
  /** Runs the migrator so that two processes migrating at once apply each migration exactly once. */
  withMigrationLock(run: () => Promise<MigrationResultSet>): Promise<MigrationResultSet>;
  /**
   * Writes one batch in one transaction without Kysely: what `insertBatch` does, at a fraction of
   * the cost (SQLite, with prepared statements kept across batches). Called only while the store
   * holds its connection, so nothing else runs on it until the returned promise settles.
   */
  insertRows?(requestRows: RequestRow[], attemptRows: RequestAttemptRow[]): Promise<void>;
}

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;
/** Rows per INSERT, well under SQLite's and PostgreSQL's bound-parameter limits (32766 and 65535). */
const ROWS_PER_STATEMENT = 200;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The request log over Kysely; the same queries run on SQLite and PostgreSQL. */
export class KyselyRequestLogStore implements RequestLogStore {
  readonly #db: Kysely<RequestLogDatabase>;
  readonly #dialect: RequestLogDialect;
  #migrating: Promise<void> = Promise.resolve();

  constructor(db: Kysely<RequestLogDatabase>, dialect: RequestLogDialect) {
    this.#db = db;
    this.#dialect = dialect;
  }

  /** For tests and admin tooling that need raw access. */
  get database(): Kysely<RequestLogDatabase> {
    return this.#db;
  }

  async migrate(): Promise<void> {
    // Calls on one store share a connection, so they take turns; other processes are held off by the dialect's lock.
    const run = this.#migrating.then(() => this.#migrate());
    this.#migrating = run.catch(() => {});
    return run;
  }

  async #migrate(): Promise<void> {
    const migrator = new Migrator({ db: this.#db, provider: requestLogMigrationProvider });
    const result = await this.#dialect.withMigrationLock(() => migrator.migrateToLatest());
    if (result.error !== undefined) {
      const failed = result.results?.find((migration) => migration.status === 'Error');
      const message = result.error instanceof Error ? result.error.message : String(result.error);
      throw new Error(`Request-log migration ${failed?.migrationName ?? ''} failed: ${message}`, { cause: result.error });
    }
  }

  async insertBatch(records: RequestLogRecord[]): Promise<void> {
    if (records.length === 0) return;
    // A spill file may hold the same record twice (a batch spilled after a timeout that did commit).
    const unique = [...new Map(records.map((record) => [record.id, record])).values()];
    const requestRows = unique.map(toRequestRow);
    const attemptRows = unique.flatMap((record) => record.attempts.map((attempt, index) => toAttemptRow(record.id, index, attempt, record)));
    const insertRows = this.#dialect.insertRows;
    if (insertRows) {
      // Holding Kysely's connection keeps every other query, and any transaction, off it meanwhile.
      await this.#db.connection().execute(async () => insertRows.call(this.#dialect, requestRows, attemptRows));
      return;
    }
    await this.#db.transaction().execute(async (transaction) => {
      // Attempts are written only for requests this batch inserted, so a replayed record that
      // differs from the stored one (more attempts) cannot graft rows onto it.
      const inserted = new Set<string>();
      for (const chunk of chunks(requestRows, ROWS_PER_STATEMENT)) {
        const rows = await transaction
          .insertInto('requests')
          .values(chunk)
          .onConflict((conflict) => conflict.column('id').doNothing())
          .returning('id')
          .execute();
        for (const row of rows) inserted.add(row.id);
      }
      const newAttemptRows = attemptRows.filter((row) => inserted.has(row.request_id));
      for (const chunk of chunks(newAttemptRows, ROWS_PER_STATEMENT)) {
        await transaction
          .insertInto('request_attempts')
          .values(chunk)
          .onConflict((conflict) => conflict.columns(['request_id', 'attempt_index']).doNothing())
          .execute();
      }
    });
  }

  async getRequest(id: string): Promise<RequestLogRecord | undefined> {
    const row = await this.#db.selectFrom('requests').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) return undefined;
    const attempts = await this.#attemptsOf([id]);
    return fromRows(row, attempts.get(id) ?? []);
  }

  async listRequests(filter: ListRequestsFilter = {}): Promise<ListRequestsPage> {
    const limit = Math.min(Math.max(Math.trunc(filter.limit ?? DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE);
    let query = this.#filtered(this.#db.selectFrom('requests'), filter);
    if (filter.cursor !== undefined) {
      const cursor = decodeRequestLogCursor(filter.cursor);
      query = query.where((eb) =>
        eb.or([eb('time_ms', '<', cursor.time), eb.and([eb('time_ms', '=', cursor.time), eb('id', '<', cursor.id)])]),
      );
    }
    const rows = await query
      .selectAll()
      .orderBy('time_ms', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const pageRows: RequestRow[] = rows.slice(0, limit);
    const attempts = await this.#attemptsOf(pageRows.map((row) => row.id));
    const items = pageRows.map((row) => fromRows(row, attempts.get(row.id) ?? []));
    const last = pageRows.at(-1);
    if (rows.length > limit && last !== undefined) {
      return { items, nextCursor: encodeRequestLogCursor({ time: Number(last.time_ms), id: last.id }) };
    }
    return { items };
  }

  async aggregate(filter: AggregateFilter): Promise<AggregateRow[]> {
    const groupings: readonly AggregateGroupBy[] = typeof filter.groupBy === 'string' ? [filter.groupBy] : filter.groupBy;
    if (groupings.length === 0) throw new Error('aggregate: groupBy names no grouping');
    const groupKeys = groupings.map(groupKeyExpression);
    const inRange = this.#filtered(this.#db.selectFrom('requests'), filter);
    const percentiles = this.#dialect.percentilesInDatabase ? 'within-group' : this.#dialect.percentileFunction ? 'function' : 'in-memory';
    // The aggregates skip NULLs: time to first token exists only for streamed answers, overhead only for answered ones.
    const percentileOf = (fraction: number, column: 'duration_ms' | OptionalTimeColumn = 'duration_ms') =>
      percentiles === 'within-group'
        ? sql<number | null>`percentile_cont(${sql.lit(fraction)}) within group (order by ${sql.ref(column)})`
        : percentiles === 'function'
          ? sql<number | null>`percentile_cont(${sql.ref(column)}, ${sql.lit(fraction)})`
          : sql<number | null>`0`;
    const totals = await inRange
      .select(groupKeys.map((groupKey, index) => groupKey.as(`group_key_${index}`)))
      .select([
        sql<number>`count(*)`.as('requests'),
        sql<number>`sum(case when status >= 400 then 1 else 0 end)`.as('errors'),
        sql<number>`coalesce(sum(escalated), 0)`.as('escalations'),
        sql<number>`coalesce(sum(fallback), 0)`.as('fallbacks'),
        sql<number>`coalesce(sum(input_tokens), 0)`.as('input_tokens'),
        sql<number>`coalesce(sum(output_tokens), 0)`.as('output_tokens'),
        sql<number>`coalesce(sum(cached_input_tokens), 0)`.as('cached_input_tokens'),
        sql<number>`coalesce(sum(cost_usd), 0)`.as('cost_usd'),
        sql<number>`coalesce(sum(reference_cost_usd), 0)`.as('reference_cost_usd'),
        sql<number>`coalesce(sum(case when reference_cost_usd is not null then reference_cost_usd - coalesce(cost_usd, 0) else 0 end), 0)`.as(
          'savings_usd',
        ),
        percentileOf(0.5).as('p50'),
        percentileOf(0.95).as('p95'),
        percentileOf(0.99).as('p99'),
        percentileOf(0.5, 'time_to_first_token_ms').as('ttft_p50'),
        percentileOf(0.95, 'time_to_first_token_ms').as('ttft_p95'),
        percentileOf(0.99, 'time_to_first_token_ms').as('ttft_p99'),
        percentileOf(0.5, 'overhead_ms').as('overhead_p50'),
        percentileOf(0.95, 'overhead_ms').as('overhead_p95'),
        percentileOf(0.99, 'overhead_ms').as('overhead_p99'),
      ])
      .groupBy(groupKeys)
      .execute();
    const groupValues = (row: Record<string, unknown>) =>
      groupings.map((_grouping, index) => (row[`group_key_${index}`] ?? null) as string | number | null);

    // Without a percentile aggregate: fetch the durations of each group and compute them here.
    const durations = new Map<string, number[]>();
    const optionalTimes: Record<OptionalTimeColumn, Map<string, number[]>> = { time_to_first_token_ms: new Map(), overhead_ms: new Map() };
    if (percentiles === 'in-memory') {
      const rows = await inRange
        .select(groupKeys.map((groupKey, index) => groupKey.as(`group_key_${index}`)))
        .select(['duration_ms', 'time_to_first_token_ms', 'overhead_ms'])
        .orderBy('duration_ms')
        .execute();
      for (const row of rows) {
        const id = JSON.stringify(groupValues(row));
        const list = durations.get(id) ?? [];
        list.push(Number(row.duration_ms));
        durations.set(id, list);
        for (const column of OPTIONAL_TIME_COLUMNS) {
          const value = row[column];
          if (value === null || value === undefined) continue;
          const byGroup = optionalTimes[column];
          const values = byGroup.get(id) ?? [];
          values.push(Number(value));
          byGroup.set(id, values);
        }
      }
      for (const byGroup of Object.values(optionalTimes)) for (const list of byGroup.values()) list.sort((left, right) => left - right);
    }

    const bucketIndex = groupings.findIndex((grouping) => grouping === 'hour' || grouping === 'day');
    const result = totals.map((row): AggregateRow => {
      const values = groupValues(row);
      const id = JSON.stringify(values);
      const sorted = durations.get(id) ?? [];
      /** A percentile of a column that may be NULL: undefined when the group has no value in it. */
      const optionalPercentile = (column: OptionalTimeColumn, fraction: number, value: unknown): number | undefined => {
        if (percentiles === 'in-memory') {
          const sortedValues = optionalTimes[column].get(id) ?? [];
          return sortedValues.length === 0 ? undefined : percentile(sortedValues, fraction);
        }
        return value === null || value === undefined ? undefined : Number(value);
      };
      const keys: AggregateRow['keys'] = {};
      groupings.forEach((grouping, index) => {
        const value = values[index] ?? null;
        keys[grouping] = value === null ? null : grouping === 'hour' || grouping === 'day' ? new Date(Number(value)).toISOString() : String(value);
      });
      const keyValues = groupings.map((grouping) => keys[grouping] ?? null);
      const aggregate: AggregateRow = {
        key: keyValues.length === 1 ? keyValues[0]! : keyValues.map((value) => value ?? '').join(' / '),
        keys,
        requests: Number(row.requests),
        errors: Number(row.errors),
        inputTokens: Number(row.input_tokens),
        outputTokens: Number(row.output_tokens),
        cachedInputTokens: Number(row.cached_input_tokens),
        costUsd: Number(row.cost_usd),
        referenceCostUsd: Number(row.reference_cost_usd),
        savingsUsd: Number(row.savings_usd),
        p50LatencyMs: percentiles === 'in-memory' ? percentile(sorted, 0.5) : Number(row.p50),
        p95LatencyMs: percentiles === 'in-memory' ? percentile(sorted, 0.95) : Number(row.p95),
        p99LatencyMs: percentiles === 'in-memory' ? percentile(sorted, 0.99) : Number(row.p99),
        escalations: Number(row.escalations),
        fallbacks: Number(row.fallbacks),
      };
      const firstTokenP50 = optionalPercentile('time_to_first_token_ms', 0.5, row.ttft_p50);
      if (firstTokenP50 !== undefined) {
        aggregate.p50TimeToFirstTokenMs = firstTokenP50;
        aggregate.p95TimeToFirstTokenMs = optionalPercentile('time_to_first_token_ms', 0.95, row.ttft_p95)!;
        aggregate.p99TimeToFirstTokenMs = optionalPercentile('time_to_first_token_ms', 0.99, row.ttft_p99)!;
      }
      const overheadP50 = optionalPercentile('overhead_ms', 0.5, row.overhead_p50);
      if (overheadP50 !== undefined) {
        aggregate.p50OverheadMs = overheadP50;
        aggregate.p95OverheadMs = optionalPercentile('overhead_ms', 0.95, row.overhead_p95)!;
        aggregate.p99OverheadMs = optionalPercentile('overhead_ms', 0.99, row.overhead_p99)!;
      }
      if (bucketIndex >= 0) aggregate.bucketStart = Number(values[bucketIndex]);
      return aggregate;
    });
    return result.sort(bucketIndex >= 0 ? byBucketStart : byRequestsThenKey);
  }

  async close(): Promise<void> {
    await this.#db.destroy();
  }

  #filtered<O>(query: SelectQueryBuilder<RequestLogDatabase, 'requests', O>, filter: ListRequestsFilter) {
    let filtered = query;
    if (filter.since !== undefined) filtered = filtered.where('time_ms', '>=', filter.since);
    if (filter.until !== undefined) filtered = filtered.where('time_ms', '<', filter.until);
    if (filter.workload !== undefined) filtered = filtered.where('workload', '=', filter.workload);
    if (filter.apiKey !== undefined) filtered = filtered.where('api_key', '=', filter.apiKey);
    if (filter.deployment !== undefined) filtered = filtered.where('deployment', '=', filter.deployment);
    const model = filter.model;
    if (model !== undefined) {
      filtered = filtered.where((eb) => eb.or([eb('requested_model', '=', model), eb('route_model', '=', model)]));
    }
    if (filter.status === 'ok') filtered = filtered.where('status', '<', 400);
    else if (filter.status === 'error') filtered = filtered.where('status', '>=', 400);
    else if (filter.status !== undefined) filtered = filtered.where('status', '=', filter.status);
    return filtered;
  }

  async #attemptsOf(requestIds: string[]): Promise<Map<string, RequestAttemptRow[]>> {
    const byRequest = new Map<string, RequestAttemptRow[]>();
    if (requestIds.length === 0) return byRequest;
    const rows = await this.#db.selectFrom('request_attempts').selectAll().where('request_id', 'in', requestIds).execute();
    for (const row of rows) {
      const list = byRequest.get(row.request_id) ?? [];
      list.push({ ...row, attempt_index: Number(row.attempt_index) });
      byRequest.set(row.request_id, list);
    }
    return byRequest;
  }
}

/**
 * The grouping expression. Constants are inlined (`sql.lit`), not bound: PostgreSQL treats two bound
 * parameters as different expressions, so the SELECT and GROUP BY would no longer match.
 */
function groupKeyExpression(groupBy: AggregateGroupBy): RawBuilder<string | number | null> {
  switch (groupBy) {
    case 'workload':
      return sql<string | null>`workload`;
    case 'deployment':
      return sql<string | null>`deployment`;
    case 'apiKey':
      return sql<string | null>`api_key`;
    case 'model':
      return sql<string>`coalesce(route_model, requested_model)`;
    case 'hour':
      return sql<number>`(time_ms / ${sql.lit(HOUR_MS)}) * ${sql.lit(HOUR_MS)}`;
    case 'day':
      return sql<number>`(time_ms / ${sql.lit(DAY_MS)}) * ${sql.lit(DAY_MS)}`;
    default: {
      const unknownGroupBy: never = groupBy;
      throw new Error(`Unknown groupBy: ${String(unknownGroupBy)}`);
    }
  }
}

function byBucketStart(left: AggregateRow, right: AggregateRow): number {
  return (left.bucketStart ?? 0) - (right.bucketStart ?? 0) || byRequestsThenKey(left, right);
}

function byRequestsThenKey(left: AggregateRow, right: AggregateRow): number {
  return right.requests - left.requests || String(left.key ?? '').localeCompare(String(right.key ?? ''));
}

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}
