import type { KyselyRequestLogStore } from './kysely-request-log-store.js';
import type { StorageConfig } from './storage-config.js';

/**
 * Opens the configured database for a one-off command, migrated, on this thread: a command has no
 * request path to protect, unlike the gateway (which reaches the store through the request log's
 * worker). migrate() runs under the same cross-process lock the gateway takes. Each driver is
 * imported lazily, as in createRequestLogStore.
 */
export async function openMigratedRequestLogStore(storage: StorageConfig, options: { maxConnections?: number } = {}): Promise<KyselyRequestLogStore> {
  const requestLog =
    storage.type === 'postgres'
      ? (await import('./postgres/open-postgres-request-log-store.js')).openPostgresRequestLogStore({ url: storage.url, maxConnections: options.maxConnections ?? 2 })
      : (await import('./sqlite/open-sqlite-request-log-store.js')).openSqliteRequestLogStore(storage.path === undefined ? {} : { path: storage.path });
  try {
    await requestLog.migrate();
  } catch (error) {
    await requestLog.close();
    throw error;
  }
  return requestLog;
}
