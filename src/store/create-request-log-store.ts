import type { EvaluationStore } from '../core/evaluation/evaluation-records.js';
import type { GovernanceStore } from './governance/kysely-governance-store.js';
import type { RequestLogStore } from './request-log-store.js';
import type { StorageConfig } from './storage-config.js';
import type { ThreadedRequestLogStore } from './threaded-request-log-store.js';
import type { WorkerPriority } from './lower-thread-priority.js';

export { storageConfigSchema, type RawStorageConfig, type StorageConfig } from './storage-config.js';

/**
 * Opens the request log a `storage` section describes. The store is not migrated yet: call
 * `migrate()` once at start. Each driver is imported lazily, so a SQLite gateway never loads `pg`
 * and a PostgreSQL one never loads the native SQLite module.
 */
export async function createRequestLogStore(
  config: StorageConfig = { type: 'sqlite' },
  options: { priority?: WorkerPriority } = {},
): Promise<RequestLogStore & { governance: GovernanceStore; evaluation: EvaluationStore; scheduling: ThreadedRequestLogStore['scheduling']; starvationGuard: ThreadedRequestLogStore['starvationGuard'] }> {
  // In a worker thread either way: SQLite's driver is synchronous, and PostgreSQL batches cost
  // query-building CPU; neither may take time from request handling.
  const { ThreadedRequestLogStore } = await import('./threaded-request-log-store.js');
  return new ThreadedRequestLogStore(config, options);
}
