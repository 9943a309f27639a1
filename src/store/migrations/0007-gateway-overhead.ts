import type { Kysely, Migration } from 'kysely';

/**
 * Gateway overhead (issue 4): each answered request's own time at the gateway — its wall time less
 * what it waited on providers, on a slow client and on retry backoff — so usage reports what the
 * gateway adds per workload and model. NULL for older rows and for refused or failed requests.
 */
export const gatewayOverheadMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('requests').addColumn('overhead_ms', 'double precision').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('requests').dropColumn('overhead_ms').execute();
  },
};
