import { existsSync } from 'node:fs';
import type { RegistryStateEntry } from '../../core/governance/registry-state/registry-state-entry.js';
import { openMigratedRequestLogStore } from '../open-migrated-request-log-store.js';
import { DEFAULT_SQLITE_PATH } from '../sqlite/open-sqlite-request-log-store.js';
import type { StorageConfig } from '../storage-config.js';
import { KyselyGovernanceStore } from './kysely-governance-store.js';

/**
 * The live registry state (lifecycle changes made through the admin API) stored in the configured
 * database, for a one-off command (`registry check`, `registry list`) that must see what the gateway
 * enforces. An embedded SQLite file that does not exist has none, and is not created to find out.
 */
export async function readLiveRegistryState(storage: StorageConfig): Promise<RegistryStateEntry[]> {
  if (storage.type === 'sqlite' && !existsSync(storage.path ?? DEFAULT_SQLITE_PATH)) return [];
  const requestLog = await openMigratedRequestLogStore(storage, { maxConnections: 1 });
  try {
    return await new KyselyGovernanceStore(requestLog.database).listRegistryState();
  } finally {
    await requestLog.close();
  }
}
