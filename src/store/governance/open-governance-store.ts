import { Migrator } from 'kysely';
import type { StorageConfig } from '../storage-config.js';
import { governanceMigrationProvider } from './governance-migrations.js';
import { KyselyGovernanceStore, type GovernanceStore } from './kysely-governance-store.js';

export interface OpenedGovernanceStore {
  store: GovernanceStore;
  close(): Promise<void>;
}

/**
 * Opens the configured database for a one-off governance command (the CLI), migrated, on this
 * thread: a command has no request path to protect, unlike the gateway (which reaches the store
 * through the request log's worker; see threaded-governance-store.ts).
 */
export async function openGovernanceStore(storage: StorageConfig): Promise<OpenedGovernanceStore> {
  const requestLog =
    storage.type === 'postgres'
      ? (await import('../postgres/open-postgres-request-log-store.js')).openPostgresRequestLogStore({ url: storage.url, maxConnections: 2 })
      : (await import('../sqlite/open-sqlite-request-log-store.js')).openSqliteRequestLogStore(storage.path === undefined ? {} : { path: storage.path });
  try {
    const result = await new Migrator({ db: requestLog.database, provider: governanceMigrationProvider }).migrateToLatest();
    if (result.error !== undefined) {
      const message = result.error instanceof Error ? result.error.message : String(result.error);
      throw new Error(`Governance migration failed: ${message}`, { cause: result.error });
    }
  } catch (error) {
    await requestLog.close();
    throw error;
  }
  return { store: new KyselyGovernanceStore(requestLog.database), close: () => requestLog.close() };
}
