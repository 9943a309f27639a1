import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Routing decisions (issue 5): which router decided, the learned router's score, and the cascade
 * tier that answered.
 *
 * `escalated` changes meaning: it now counts cascade escalations (an answer from a tier above the
 * cheapest), which is what "escalation rate" means for routing. What it used to count — an answer
 * from a deployment other than the first attempted (retry elsewhere, hedge, fallback model) — moves
 * to `fallback`, backfilled from it; no cascade existed before this migration, so old rows are
 * not escalated. The usage index is rebuilt to cover the new columns.
 */
export const routingMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('requests').addColumn('fallback', 'integer').execute();
    await db.schema.alterTable('requests').addColumn('router', 'text').execute();
    await db.schema.alterTable('requests').addColumn('route_score', 'double precision').execute();
    await db.schema.alterTable('requests').addColumn('cascade_tier', 'integer').execute();
    await db.schema.alterTable('requests').addColumn('cascade_json', 'text').execute();
    await sql`update requests set fallback = escalated, escalated = 0`.execute(db);
    await db.schema.alterTable('request_attempts').addColumn('tier', 'integer').execute();
    await db.schema.alterTable('request_attempts').addColumn('purpose', 'text').execute();
    await db.schema.dropIndex('requests_usage_index').execute();
    await db.schema
      .createIndex('requests_usage_index')
      .on('requests')
      .columns([...USAGE_INDEX_COLUMNS])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('requests_usage_index').execute();
    await sql`update requests set escalated = fallback`.execute(db);
    for (const column of ['fallback', 'router', 'route_score', 'cascade_tier', 'cascade_json']) {
      await db.schema.alterTable('requests').dropColumn(column).execute();
    }
    await db.schema.alterTable('request_attempts').dropColumn('tier').execute();
    await db.schema.alterTable('request_attempts').dropColumn('purpose').execute();
    await db.schema
      .createIndex('requests_usage_index')
      .on('requests')
      .columns(USAGE_INDEX_COLUMNS.filter((column) => column !== 'fallback' && column !== 'router'))
      .execute();
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
  'fallback',
  'router',
  'duration_ms',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'cost_usd',
  'reference_cost_usd',
] as const;
