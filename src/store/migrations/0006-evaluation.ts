import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Continuous evaluation (issue 7): judge scores of sampled live answers, shadow pairs, eval-set runs
 * and gate verdicts. Column types are the ones both dialects share (see 0001): `bigint` times,
 * `double precision` scores and costs, 0/1 `integer` booleans, JSON as `text`.
 *
 * Scores and pairs are keyed by request id, so a batch written twice (a replay after a timeout that
 * did commit) inserts nothing the second time. Runs and gates are keyed by their own ids.
 *
 * Indexes follow the reads: the admin API and rolling quality scan a time range, usually of one
 * workload (or one model); `eval gate` approval looks up a candidate's gates, newest first.
 * Enumerations are checked by the database so a hand-written row cannot carry a value the readers
 * do not know.
 */
export const evaluationMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('online_scores')
      .addColumn('request_id', 'text', (column) => column.primaryKey())
      .addColumn('time_ms', 'bigint', (column) => column.notNull())
      .addColumn('workload', 'text', (column) => column.notNull())
      .addColumn('model', 'text', (column) => column.notNull())
      .addColumn('deployment', 'text')
      .addColumn('route', 'text', (column) => column.notNull())
      .addColumn('judge_model', 'text', (column) => column.notNull())
      .addColumn('score', 'double precision')
      .addColumn('rubric_score', 'double precision')
      .addColumn('unscored_reason', 'text')
      .addColumn('judge_cost_usd', 'double precision')
      .addColumn('messages_json', 'text')
      .addColumn('answer_json', 'text')
      .addColumn('tools_json', 'text')
      .execute();
    await db.schema.createIndex('online_scores_time_index').on('online_scores').columns(['time_ms']).execute();
    await db.schema.createIndex('online_scores_workload_time_index').on('online_scores').columns(['workload', 'time_ms']).execute();
    await db.schema.createIndex('online_scores_model_time_index').on('online_scores').columns(['model', 'time_ms']).execute();

    await db.schema
      .createTable('shadow_pairs')
      .addColumn('request_id', 'text', (column) => column.primaryKey())
      .addColumn('time_ms', 'bigint', (column) => column.notNull())
      .addColumn('workload', 'text', (column) => column.notNull())
      .addColumn('router', 'text', (column) => column.notNull())
      .addColumn('served', 'text', (column) => column.notNull())
      .addColumn('cheap_model', 'text', (column) => column.notNull())
      .addColumn('strong_model', 'text', (column) => column.notNull())
      .addColumn('judge_model', 'text', (column) => column.notNull())
      .addColumn('outcome', 'text', (column) => column.notNull())
      .addColumn('consistent', 'integer')
      .addColumn('reason', 'text')
      .addColumn('router_score', 'double precision')
      .addColumn('prompt', 'text', (column) => column.notNull())
      .addColumn('cost_usd', 'double precision')
      .addCheckConstraint('shadow_pairs_served_check', sql`served in ('cheap', 'strong')`)
      .addCheckConstraint('shadow_pairs_outcome_check', sql`outcome in ('strong_better', 'tie', 'cheap_better', 'unjudged')`)
      .addCheckConstraint('shadow_pairs_consistent_check', sql`consistent is null or consistent in (0, 1)`)
      .execute();
    await db.schema.createIndex('shadow_pairs_time_index').on('shadow_pairs').columns(['time_ms']).execute();
    await db.schema.createIndex('shadow_pairs_workload_time_index').on('shadow_pairs').columns(['workload', 'time_ms']).execute();

    await db.schema
      .createTable('eval_runs')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('time_ms', 'bigint', (column) => column.notNull())
      .addColumn('set_path', 'text', (column) => column.notNull())
      .addColumn('set_hash', 'text', (column) => column.notNull())
      .addColumn('model', 'text', (column) => column.notNull())
      .addColumn('workload', 'text')
      .addColumn('model_version', 'text', (column) => column.notNull())
      .addColumn('trigger', 'text', (column) => column.notNull())
      .addColumn('cases', 'integer', (column) => column.notNull())
      .addColumn('scored', 'integer', (column) => column.notNull())
      .addColumn('failed', 'integer', (column) => column.notNull())
      .addColumn('mean', 'double precision')
      .addColumn('lower', 'double precision')
      .addColumn('upper', 'double precision')
      .addColumn('confidence', 'double precision', (column) => column.notNull())
      .addColumn('cost_usd', 'double precision')
      .addColumn('report_json', 'text')
      .execute();
    await db.schema.createIndex('eval_runs_time_index').on('eval_runs').columns(['time_ms']).execute();
    await db.schema.createIndex('eval_runs_workload_time_index').on('eval_runs').columns(['workload', 'time_ms']).execute();
    await db.schema.createIndex('eval_runs_model_time_index').on('eval_runs').columns(['model', 'time_ms']).execute();

    await db.schema
      .createTable('eval_gates')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('time_ms', 'bigint', (column) => column.notNull())
      .addColumn('workload', 'text')
      .addColumn('set_path', 'text', (column) => column.notNull())
      .addColumn('set_hash', 'text', (column) => column.notNull())
      .addColumn('candidate', 'text', (column) => column.notNull())
      .addColumn('candidate_version', 'text', (column) => column.notNull())
      .addColumn('baseline', 'text', (column) => column.notNull())
      .addColumn('baseline_version', 'text', (column) => column.notNull())
      .addColumn('passed', 'integer', (column) => column.notNull())
      .addColumn('mode', 'text', (column) => column.notNull())
      .addColumn('max_drop', 'double precision', (column) => column.notNull())
      .addColumn('confidence', 'double precision', (column) => column.notNull())
      .addColumn('bound', 'double precision', (column) => column.notNull())
      .addColumn('mean_difference', 'double precision', (column) => column.notNull())
      .addColumn('reason', 'text', (column) => column.notNull())
      .addColumn('trigger', 'text', (column) => column.notNull())
      .addColumn('actor', 'text', (column) => column.notNull())
      .addColumn('candidate_run_id', 'text')
      .addColumn('baseline_run_id', 'text')
      .addCheckConstraint('eval_gates_passed_check', sql`passed in (0, 1)`)
      .addCheckConstraint('eval_gates_mode_check', sql`mode in ('regression', 'non-inferiority')`)
      .execute();
    await db.schema.createIndex('eval_gates_time_index').on('eval_gates').columns(['time_ms']).execute();
    await db.schema.createIndex('eval_gates_workload_candidate_time_index').on('eval_gates').columns(['workload', 'candidate', 'time_ms']).execute();
    // Approval reads a candidate's gates across workloads, which the index above cannot serve.
    await db.schema.createIndex('eval_gates_candidate_time_index').on('eval_gates').columns(['candidate', 'time_ms']).execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('eval_gates').execute();
    await db.schema.dropTable('eval_runs').execute();
    await db.schema.dropTable('shadow_pairs').execute();
    await db.schema.dropTable('online_scores').execute();
  },
};
