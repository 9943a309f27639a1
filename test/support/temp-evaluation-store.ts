import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EvaluationStore } from '../../src/core/evaluation/evaluation-records.js';
import { openEvaluationStore } from '../../src/store/evaluation/open-evaluation-store.js';

export interface TemporaryEvaluationStore {
  store: EvaluationStore;
  /** Closes the database and removes its directory; safe to call twice. */
  close(): Promise<void>;
}

/**
 * The real SQLite evaluation store, migrated, in a fresh temporary directory: what `eval gate`
 * and `export finetune` open, so tests exercise the real SQL (filters, ordering, JSON columns,
 * replay de-duplication) rather than a re-implementation of it. Measured: about 40 ms to open,
 * migrate and remove (the first in a process ~0.4 s, mostly imports), so one per test is fine where
 * tests reuse request ids; files that only read seeded rows share one.
 */
export async function openTemporaryEvaluationStore(): Promise<TemporaryEvaluationStore> {
  const directory = await mkdtemp(join(tmpdir(), 'switchyard-evaluation-'));
  let opened: Awaited<ReturnType<typeof openEvaluationStore>>;
  try {
    opened = await openEvaluationStore({ type: 'sqlite', path: join(directory, 'switchyard.db') });
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    store: opened.store,
    close: () =>
      (closing ??= (async () => {
        try {
          await opened.close();
        } finally {
          await rm(directory, { recursive: true, force: true });
        }
      })()),
  };
}

/**
 * Fault injection, not a fake: the real store, except that `method` rejects with `error` while
 * `failing()` says so — for proving a store outage is reported and never thrown. Every other call
 * (and `method` once `failing()` is false) reaches the real store.
 */
export function failingWhile<Method extends keyof EvaluationStore>(store: EvaluationStore, method: Method, error: Error, failing: () => boolean): EvaluationStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === method && failing()) return () => Promise.reject(error);
      const value: unknown = Reflect.get(target, property);
      // Bound to the real store: its methods use private fields a proxy receiver would not have.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
