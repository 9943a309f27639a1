import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Governance (issue 6): the registry's live state. Config holds each model's lifecycle, reviewable
 * in git; `registry_state` holds the lifecycle set at run time through the admin API, one row per
 * model (setting it again replaces the row; the history of changes is in `audit_log`). The gateway
 * loads it at start-up and lays it over config's registry.
 *
 * The lifecycle is checked by the database too, so a hand-written row cannot smuggle in a value the
 * policy engine does not know.
 */
export const registryStateMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('registry_state')
      .addColumn('model', 'text', (column) => column.primaryKey())
      .addColumn('lifecycle', 'text', (column) => column.notNull())
      .addColumn('deprecation_date', 'text')
      .addColumn('reason', 'text', (column) => column.notNull())
      .addColumn('actor', 'text', (column) => column.notNull())
      .addColumn('updated_at_ms', 'bigint', (column) => column.notNull())
      .addCheckConstraint('registry_state_lifecycle_check', sql`lifecycle in ('candidate', 'approved', 'deprecated', 'retired')`)
      .addCheckConstraint('registry_state_deprecation_date_check', sql`lifecycle <> 'deprecated' or deprecation_date is not null`)
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('registry_state').execute();
  },
};
