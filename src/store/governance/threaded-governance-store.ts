import type { AuditEntry, AuditEntryInput, ListAuditFilter } from '../../core/governance/audit/audit-entry.js';
import type { ListSightingsFilter, ModelVersionSighting } from '../../core/governance/drift/model-version-sighting.js';
import type { ExposureTraffic, ExposureTrafficQuery } from '../../core/governance/exposure/exposure-traffic.js';
import type { RegistryStateEntry } from '../../core/governance/registry-state/registry-state-entry.js';
import type { GovernanceStore } from './kysely-governance-store.js';

/** The store's methods as messages to the request log's worker (which owns the database connection). */
export const GOVERNANCE_STORE_METHODS = [
  'appendAudit',
  'listAudit',
  'recordSightings',
  'listSightings',
  'exposureTraffic',
  'setRegistryState',
  'listRegistryState',
] as const;
export type GovernanceStoreMethod = (typeof GOVERNANCE_STORE_METHODS)[number];

export function isGovernanceStoreMethod(method: string): method is GovernanceStoreMethod {
  return (GOVERNANCE_STORE_METHODS as readonly string[]).includes(method);
}

/** Worker side: runs one call on the store that lives there. */
export function callGovernanceStore(store: GovernanceStore, method: GovernanceStoreMethod, args: unknown[]): Promise<unknown> {
  const run = store[method] as (...callArgs: unknown[]) => Promise<unknown>;
  return run.apply(store, args);
}

/**
 * Main-thread side: the governance store over the request log's worker, so the gateway's queries
 * (an exposure scan of a million rows) never run on the thread that serves requests. `call`
 * posts one message and resolves with the reply (ThreadedRequestLogStore's `call`).
 */
export class ThreadedGovernanceStore implements GovernanceStore {
  readonly #call: (method: GovernanceStoreMethod, args: unknown[]) => Promise<unknown>;

  constructor(call: (method: GovernanceStoreMethod, args: unknown[]) => Promise<unknown>) {
    this.#call = call;
  }

  appendAudit(entries: readonly AuditEntryInput[]): Promise<void> {
    return this.#call('appendAudit', [entries]) as Promise<void>;
  }
  listAudit(filter?: ListAuditFilter): Promise<AuditEntry[]> {
    return this.#call('listAudit', [filter]) as Promise<AuditEntry[]>;
  }
  recordSightings(sightings: readonly ModelVersionSighting[]): Promise<void> {
    return this.#call('recordSightings', [sightings]) as Promise<void>;
  }
  listSightings(filter?: ListSightingsFilter): Promise<ModelVersionSighting[]> {
    return this.#call('listSightings', [filter]) as Promise<ModelVersionSighting[]>;
  }
  exposureTraffic(query: ExposureTrafficQuery): Promise<ExposureTraffic> {
    return this.#call('exposureTraffic', [query]) as Promise<ExposureTraffic>;
  }
  setRegistryState(entry: RegistryStateEntry): Promise<void> {
    return this.#call('setRegistryState', [entry]) as Promise<void>;
  }
  listRegistryState(): Promise<RegistryStateEntry[]> {
    return this.#call('listRegistryState', []) as Promise<RegistryStateEntry[]>;
  }
}
