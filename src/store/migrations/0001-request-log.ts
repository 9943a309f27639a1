import type { Kysely, Migration } from 'kysely';

/**
 * The request log: one `requests` row per request and one `request_attempts` row per attempt.
 * Only column types both SQLite and PostgreSQL understand are used (`bigint` and `integer` map to
 * SQLite's INTEGER affinity, `double precision` to REAL), so one migration serves both dialects.
 * Durations are `double precision` because the pipeline measures them with sub-millisecond clocks.
 */
export const requestLogMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('requests')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('time_ms', 'bigint', (column) => column.notNull())
      .addColumn('duration_ms', 'double precision', (column) => column.notNull())
      .addColumn('endpoint', 'text', (column) => column.notNull())
      .addColumn('stream', 'integer', (column) => column.notNull())
      .addColumn('api_key', 'text')
      .addColumn('workload', 'text')
      .addColumn('requested_model', 'text', (column) => column.notNull())
      .addColumn('route_model', 'text')
      .addColumn('route_reason', 'text')
      .addColumn('deployment', 'text')
      .addColumn('upstream_model', 'text')
      .addColumn('status', 'integer', (column) => column.notNull())
      .addColumn('error_code', 'text')
      .addColumn('cache_hit', 'integer', (column) => column.notNull())
      .addColumn('time_to_first_token_ms', 'double precision')
      .addColumn('input_tokens', 'integer')
      .addColumn('output_tokens', 'integer')
      .addColumn('cached_input_tokens', 'integer')
      .addColumn('cache_write_input_tokens', 'integer')
      .addColumn('cost_usd', 'double precision')
      .addColumn('reference_cost_usd', 'double precision')
      .addColumn('policy_json', 'text')
      .addColumn('payload_json', 'text')
      .execute();
    // Listings are newest-first over a time range, usually narrowed by one of these columns.
    await db.schema.createIndex('requests_time_index').on('requests').columns(['time_ms', 'id']).execute();
    await db.schema.createIndex('requests_workload_time_index').on('requests').columns(['workload', 'time_ms']).execute();
    await db.schema.createIndex('requests_api_key_time_index').on('requests').columns(['api_key', 'time_ms']).execute();
    await db.schema.createIndex('requests_deployment_time_index').on('requests').columns(['deployment', 'time_ms']).execute();

    await db.schema
      .createTable('request_attempts')
      .addColumn('request_id', 'text', (column) => column.notNull().references('requests.id').onDelete('cascade'))
      .addColumn('attempt_index', 'integer', (column) => column.notNull())
      .addColumn('deployment', 'text', (column) => column.notNull())
      .addColumn('provider', 'text', (column) => column.notNull())
      .addColumn('code', 'text', (column) => column.notNull())
      .addColumn('message', 'text')
      .addColumn('upstream_status', 'integer')
      .addColumn('latency_ms', 'double precision', (column) => column.notNull())
      .addColumn('time_to_first_token_ms', 'double precision')
      .addColumn('retry', 'integer')
      .addColumn('hedge', 'integer')
      .addColumn('input_tokens', 'integer')
      .addColumn('output_tokens', 'integer')
      .addColumn('cached_input_tokens', 'integer')
      .addColumn('cache_write_input_tokens', 'integer')
      .addColumn('cost_usd', 'double precision')
      .addPrimaryKeyConstraint('request_attempts_primary_key', ['request_id', 'attempt_index'])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('request_attempts').execute();
    await db.schema.dropTable('requests').execute();
  },
};
