import type { RequestLogStore } from './request-log-store.js';
import type { StorageConfig } from './storage-config.js';

export { storageConfigSchema, type RawStorageConfig, type StorageConfig } from './storage-config.js';

/**
 * Opens the request log a `storage` section describes. The store is not migrated yet: call
 * `migrate()` once at start. Each driver is imported lazily, so a SQLite gateway never loads `pg`
 * and a PostgreSQL one never loads the native SQLite module.
 */
export async function createRequestLogStore(config: StorageConfig = { type: 'sqlite' }): Promise<RequestLogStore> {
  switch (config.type) {
    case 'sqlite': {
      // In a worker thread: the SQLite driver is synchronous and must not block request handling.
      const { ThreadedSqliteRequestLogStore } = await import('./sqlite/threaded-sqlite-request-log-store.js');
      return new ThreadedSqliteRequestLogStore(config.path === undefined ? {} : { path: config.path });
    }
    case 'postgres': {
      const { openPostgresRequestLogStore } = await import('./postgres/open-postgres-request-log-store.js');
      return openPostgresRequestLogStore({ url: config.url });
    }
    default: {
      const unknownType: never = config;
      throw new Error(`Unknown storage type: ${JSON.stringify(unknownType)}`);
    }
  }
}
