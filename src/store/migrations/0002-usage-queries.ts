import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Usage queries (`GET /admin/usage`, `switchyard usage`) over millions of requests.
 *
 * `escalated` is denormalised from the attempts (1 when a deployment other than the first attempted
 * answered) so the escalation rate needs no join with `request_attempts`; the UPDATE backfills
 * the requests already logged.
 *
 * `requests_usage_index` covers every column the usage query reads, in time order: a range scan
 * of it answers the query without touching the table, whose rows also carry route reasons,
 * policies and payloads. Measured with `npm run bench:usage` (see bench/usage-query.ts).
 */
export const usageQueriesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('requests').addColumn('escalated', 'integer').execute();
    await sql`update requests set escalated = case when status < 400 and deployment is not null and exists (
      select 1 from request_attempts
      where request_attempts.request_id = requests.id and request_attempts.attempt_index = 0
        and request_attempts.deployment <> requests.deployment
    ) then 1 else 0 end`.execute(db);
    await db.schema
      .createIndex('requests_usage_index')
      .on('requests')
      .columns([...USAGE_INDEX_COLUMNS])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('requests_usage_index').execute();
    await db.schema.alterTable('requests').dropColumn('escalated').execute();
  },
};

const USAGE_INDEX_COLUMNS = [
  'time_ms',
  'workload',
  'requested_model',
  'route_model',
  'deployment',
  'api_key',
  'status',
  'escalated',
  'duration_ms',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'cost_usd',
  'reference_cost_usd',
] as const;
