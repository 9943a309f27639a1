import type { Migration, MigrationProvider } from 'kysely';
import { requestLogMigration } from './0001-request-log.js';
import { usageQueriesMigration } from './0002-usage-queries.js';
import { routingMigration } from './0003-routing.js';
import { governanceMigration } from './0004-governance.js';
import { registryStateMigration } from './0005-registry-state.js';
import { evaluationMigration } from './0006-evaluation.js';
import { gatewayOverheadMigration } from './0007-gateway-overhead.js';

/**
 * Every migration, by name. Kysely applies them in name order and records each in
 * `kysely_migration`; a new migration gets the next number and is never renumbered or edited
 * once released.
 */
export const requestLogMigrations: Readonly<Record<string, Migration>> = {
  '0001-request-log': requestLogMigration,
  '0002-usage-queries': usageQueriesMigration,
  '0003-routing': routingMigration,
  '0004-governance': governanceMigration,
  '0005-registry-state': registryStateMigration,
  '0006-evaluation': evaluationMigration,
  '0007-gateway-overhead': gatewayOverheadMigration,
};

/** Migrations are defined in code (not read from a folder) so they ship inside the bundle. */
export const requestLogMigrationProvider: MigrationProvider = {
  async getMigrations() {
    return { ...requestLogMigrations };
  },
};
