import { sql, type Kysely, type RawBuilder } from 'kysely';
import type {
  EvalRunFilter,
  EvalRunRecord,
  EvaluationStore,
  GateFilter,
  GateRecord,
  OnlineScore,
  OnlineScoreFilter,
  QualitySeriesQuery,
  QualitySeriesRow,
  ShadowPair,
  ShadowPairFilter,
  ShadowSummaryRow,
} from '../../core/evaluation/evaluation-records.js';
import type { RequestLogDatabase } from '../request-log-database.js';
import type { EvaluationDatabase } from './evaluation-database.js';
import {
  servedTier,
  shadowOutcome,
  toEvalGateRow,
  toEvalRun,
  toEvalRunRow,
  toGate,
  toOnlineScore,
  toOnlineScoreRow,
  toShadowPair,
  toShadowPairRow,
} from './evaluation-rows.js';

const DEFAULT_PAGE_SIZE = 100;
const MAX_ONLINE_SCORES = 10_000;
/** Router training reads many pairs at once. */
const MAX_SHADOW_PAIRS = 100_000;
const MAX_RUNS_OR_GATES = 1000;
/** Rows per INSERT: 14 columns × 200 stays well under SQLite's and PostgreSQL's bound-parameter limits (32766, 65535). */
const ROWS_PER_STATEMENT = 200;
const BUCKET_MS: Readonly<Record<QualitySeriesQuery['bucket'], number>> = { hour: 3_600_000, day: 86_400_000 };

type EvaluationTables = Pick<EvaluationDatabase, 'online_scores' | 'shadow_pairs' | 'eval_runs' | 'eval_gates'>;

/**
 * Evaluation results over Kysely; the same statements run on SQLite and PostgreSQL. Times are
 * filtered as `since <= time < until`. Lists are newest first, ties broken by id so pages are stable.
 */
export class KyselyEvaluationStore implements EvaluationStore {
  readonly #db: Kysely<EvaluationDatabase>;

  /** Shares the request log's connection (and its migrations: 0006 creates these tables). */
  constructor(db: Kysely<RequestLogDatabase>) {
    this.#db = db.withTables<EvaluationTables>();
  }

  async recordOnlineScores(scores: readonly OnlineScore[]): Promise<void> {
    const rows = uniqueBy(scores, (score) => score.requestId).map(toOnlineScoreRow);
    if (rows.length === 0) return;
    await this.#db.transaction().execute(async (transaction) => {
      for (const chunk of chunks(rows, ROWS_PER_STATEMENT)) {
        // A replayed batch (spilled after a timeout that did commit) changes nothing: the first write stands.
        await transaction.insertInto('online_scores').values(chunk).onConflict((conflict) => conflict.column('request_id').doNothing()).execute();
      }
    });
  }

  async listOnlineScores(filter: OnlineScoreFilter = {}): Promise<OnlineScore[]> {
    let query = this.#db.selectFrom('online_scores').selectAll();
    if (filter.since !== undefined) query = query.where('time_ms', '>=', filter.since);
    if (filter.until !== undefined) query = query.where('time_ms', '<', filter.until);
    if (filter.workload !== undefined) query = query.where('workload', '=', filter.workload);
    if (filter.model !== undefined) query = query.where('model', '=', filter.model);
    // NULL scores (unscored samples) fail the comparison, so they are left out as they should be.
    if (filter.minScore !== undefined) query = query.where('score', '>=', filter.minScore);
    if (filter.withConversation === true) query = query.where('messages_json', 'is not', null);
    const rows = await query
      .orderBy('time_ms', 'desc')
      .orderBy('request_id', 'desc')
      .limit(pageSize(filter.limit, MAX_ONLINE_SCORES))
      .execute();
    return rows.map(toOnlineScore);
  }

  async qualitySeries(query: QualitySeriesQuery): Promise<QualitySeriesRow[]> {
    const bucketStart = bucketExpression(query.bucket);
    let select = this.#db
      .selectFrom('online_scores')
      .where('time_ms', '>=', query.since)
      .where('time_ms', '<', query.until);
    if (query.workload !== undefined) select = select.where('workload', '=', query.workload);
    const rows = await select
      .select([
        bucketStart.as('bucket_start'),
        'workload',
        'model',
        'route',
        // count(score) skips NULLs: unscored samples never count toward the mean.
        sql<number>`count(score)`.as('scored'),
        sql<number>`count(*) - count(score)`.as('unscored'),
        sql<number | null>`avg(score)`.as('mean'),
      ])
      .groupBy([bucketStart, 'workload', 'model', 'route'])
      .execute();
    return rows
      .map((row): QualitySeriesRow => {
        const scored = Number(row.scored);
        return {
          bucketStart: Number(row.bucket_start),
          workload: row.workload,
          model: row.model,
          route: row.route,
          scored,
          unscored: Number(row.unscored),
          ...(scored === 0 || row.mean === null ? {} : { mean: Number(row.mean) }),
        };
      })
      .sort((left, right) => left.bucketStart - right.bucketStart || compareText(left.workload, right.workload) || compareText(left.model, right.model) || compareText(left.route, right.route));
  }

  async recordShadowPairs(pairs: readonly ShadowPair[]): Promise<void> {
    const rows = uniqueBy(pairs, (pair) => pair.requestId).map(toShadowPairRow);
    if (rows.length === 0) return;
    await this.#db.transaction().execute(async (transaction) => {
      for (const chunk of chunks(rows, ROWS_PER_STATEMENT)) {
        await transaction.insertInto('shadow_pairs').values(chunk).onConflict((conflict) => conflict.column('request_id').doNothing()).execute();
      }
    });
  }

  async listShadowPairs(filter: ShadowPairFilter = {}): Promise<ShadowPair[]> {
    let query = this.#db.selectFrom('shadow_pairs').selectAll();
    if (filter.since !== undefined) query = query.where('time_ms', '>=', filter.since);
    if (filter.until !== undefined) query = query.where('time_ms', '<', filter.until);
    if (filter.workload !== undefined) query = query.where('workload', '=', filter.workload);
    const rows = await query
      .orderBy('time_ms', 'desc')
      .orderBy('request_id', 'desc')
      .limit(pageSize(filter.limit, MAX_SHADOW_PAIRS))
      .execute();
    return rows.map(toShadowPair);
  }

  async shadowSummary(query: { since: number; until: number; workload?: string }): Promise<ShadowSummaryRow[]> {
    let select = this.#db
      .selectFrom('shadow_pairs')
      .where('time_ms', '>=', query.since)
      .where('time_ms', '<', query.until);
    if (query.workload !== undefined) select = select.where('workload', '=', query.workload);
    const rows = await select
      .select(['workload', 'served', 'outcome', sql<number>`count(*)`.as('pairs'), sql<number>`coalesce(sum(cost_usd), 0)`.as('cost_usd')])
      .groupBy(['workload', 'served', 'outcome'])
      .execute();
    return rows
      .map((row): ShadowSummaryRow => {
        const context = `${row.workload}/${row.served}/${row.outcome}`;
        return {
          workload: row.workload,
          served: servedTier(row.served, context),
          outcome: shadowOutcome(row.outcome, context),
          pairs: Number(row.pairs),
          costUsd: Number(row.cost_usd),
        };
      })
      .sort((left, right) => compareText(left.workload, right.workload) || compareText(left.served, right.served) || compareText(left.outcome, right.outcome));
  }

  async recordEvalRun(run: EvalRunRecord): Promise<void> {
    // Ids are unique per run, so a second write of the same id is a replay: the first stands.
    await this.#db.insertInto('eval_runs').values(toEvalRunRow(run)).onConflict((conflict) => conflict.column('id').doNothing()).execute();
  }

  async listEvalRuns(filter: EvalRunFilter = {}): Promise<EvalRunRecord[]> {
    let query = this.#db.selectFrom('eval_runs').selectAll();
    if (filter.since !== undefined) query = query.where('time_ms', '>=', filter.since);
    if (filter.workload !== undefined) query = query.where('workload', '=', filter.workload);
    if (filter.model !== undefined) query = query.where('model', '=', filter.model);
    const rows = await query
      .orderBy('time_ms', 'desc')
      .orderBy('id', 'desc')
      .limit(pageSize(filter.limit, MAX_RUNS_OR_GATES))
      .execute();
    return rows.map(toEvalRun);
  }

  async recordGate(gate: GateRecord): Promise<void> {
    await this.#db.insertInto('eval_gates').values(toEvalGateRow(gate)).onConflict((conflict) => conflict.column('id').doNothing()).execute();
  }

  async listGates(filter: GateFilter = {}): Promise<GateRecord[]> {
    let query = this.#db.selectFrom('eval_gates').selectAll();
    if (filter.since !== undefined) query = query.where('time_ms', '>=', filter.since);
    if (filter.workload !== undefined) query = query.where('workload', '=', filter.workload);
    if (filter.candidate !== undefined) query = query.where('candidate', '=', filter.candidate);
    if (filter.passed !== undefined) query = query.where('passed', '=', filter.passed ? 1 : 0);
    const rows = await query
      .orderBy('time_ms', 'desc')
      .orderBy('id', 'desc')
      .limit(pageSize(filter.limit, MAX_RUNS_OR_GATES))
      .execute();
    return rows.map(toGate);
  }
}

/**
 * The bucket's start in Unix ms: integer division on the `bigint` column in both databases. The
 * width is inlined (`sql.lit`), not bound: PostgreSQL treats two bound parameters as different
 * expressions, so the SELECT and GROUP BY would no longer match.
 */
function bucketExpression(bucket: QualitySeriesQuery['bucket']): RawBuilder<number> {
  const width = BUCKET_MS[bucket];
  return sql<number>`(time_ms / ${sql.lit(width)}) * ${sql.lit(width)}`;
}

function pageSize(limit: number | undefined, max: number): number {
  const requested = limit === undefined || Number.isNaN(limit) ? DEFAULT_PAGE_SIZE : Math.trunc(limit);
  return Math.min(Math.max(requested, 1), max);
}

/** Code-unit order, the same whatever the database's collation. */
function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The first of each key: a batch that names a request twice writes it once, as a replay would. */
function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}
