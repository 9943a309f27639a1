import type { Migration, MigrationProvider } from 'kysely';
import { requestLogMigrations } from '../migrations/index.js';
import { governanceMigration } from '../migrations/0004-governance.js';
import { registryStateMigration } from '../migrations/0005-registry-state.js';

/**
 * The request log's migrations with the governance ones. Until `0005-registry-state` is listed in
 * migrations/index.ts this is what creates the `registry_state` table; once it is, both are the same.
 */
export const governanceMigrations: Readonly<Record<string, Migration>> = {
  ...requestLogMigrations,
  '0004-governance': governanceMigration,
  '0005-registry-state': registryStateMigration,
};

export const governanceMigrationProvider: MigrationProvider = {
  async getMigrations() {
    return { ...governanceMigrations };
  },
};
