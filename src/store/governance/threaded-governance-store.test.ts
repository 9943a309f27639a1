import { describe, expect, it } from 'vitest';
import { openSqliteRequestLogStore } from '../sqlite/open-sqlite-request-log-store.js';
import { NOW, openMigrated } from './__fixtures__/governance-store-behaviour.js';
import { callGovernanceStore, GOVERNANCE_STORE_METHODS, isGovernanceStoreMethod, ThreadedGovernanceStore, type GovernanceStoreMethod } from './threaded-governance-store.js';

describe('ThreadedGovernanceStore', () => {
  it('carries every store method as a message, including the registry state ones', async () => {
    const { requestLog, store } = await openMigrated({ open: () => openSqliteRequestLogStore({ path: ':memory:' }) });
    try {
      const sent: GovernanceStoreMethod[] = [];
      // In-process stand-in for the worker's message loop: the same dispatch, without the thread.
      const threaded = new ThreadedGovernanceStore((method, args) => {
        sent.push(method);
        return callGovernanceStore(store, method, args);
      });
      await threaded.setRegistryState({ model: 'gpt-4o', lifecycle: 'retired', reason: 'incident', actor: 'admin', updatedAt: NOW });
      expect(await threaded.listRegistryState()).toEqual([{ model: 'gpt-4o', lifecycle: 'retired', reason: 'incident', actor: 'admin', updatedAt: NOW }]);
      expect(sent).toEqual(['setRegistryState', 'listRegistryState']);
      // Every method of the store is dispatchable by name (a missing entry would fail in the worker at run time).
      const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(store)).filter((method) => method !== 'constructor');
      expect([...GOVERNANCE_STORE_METHODS].sort()).toEqual(methods.sort());
      expect(methods.every(isGovernanceStoreMethod)).toBe(true);
    } finally {
      await requestLog.close();
    }
  });
});
