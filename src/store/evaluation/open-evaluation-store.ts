import type { EvaluationStore } from '../../core/evaluation/evaluation-records.js';
import type { StorageConfig } from '../storage-config.js';
import { openMigratedRequestLogStore } from '../open-migrated-request-log-store.js';
import { KyselyEvaluationStore } from './kysely-evaluation-store.js';

export interface OpenedEvaluationStore {
  store: EvaluationStore;
  close(): Promise<void>;
}

/**
 * Opens the configured database for a one-off evaluation command (`eval gate`, `export finetune`,
 * `router train`), migrated, on this thread: a command has no request path to protect, unlike the
 * gateway (which reaches the store through the request log's worker; see threaded-evaluation-store.ts).
 * The request log's own migrate() applies 0006, under the same cross-process lock the gateway takes.
 */
export async function openEvaluationStore(storage: StorageConfig): Promise<OpenedEvaluationStore> {
  const requestLog = await openMigratedRequestLogStore(storage);
  return { store: new KyselyEvaluationStore(requestLog.database), close: () => requestLog.close() };
}
