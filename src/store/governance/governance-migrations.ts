import type { Migration, MigrationProvider } from 'kysely';
import { requestLogMigrations } from '../migrations/index.js';
import { governanceMigration } from '../migrations/0004-governance.js';

/**
 * The request log's migrations with the governance one. Until `0004-governance` is listed in
 * migrations/index.ts this is what creates the governance tables; once it is, both are the same.
 */
export const governanceMigrations: Readonly<Record<string, Migration>> = {
  ...requestLogMigrations,
  '0004-governance': governanceMigration,
};

export const governanceMigrationProvider: MigrationProvider = {
  async getMigrations() {
    return { ...governanceMigrations };
  },
};
