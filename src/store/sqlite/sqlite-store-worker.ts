import { parentPort, workerData } from 'node:worker_threads';
import { GatewayError } from '../../spec/errors.js';
import type { RequestLogStore } from '../request-log-store.js';
import { openSqliteRequestLogStore, type SqliteRequestLogStoreOptions } from './open-sqlite-request-log-store.js';

/**
 * Owns the SQLite connection in a worker thread. better-sqlite3 is synchronous: a batch insert on
 * the main thread would stall every request for its duration, so every store call runs here.
 */
type Method = 'migrate' | 'insertBatch' | 'getRequest' | 'listRequests' | 'aggregate' | 'close';

export interface StoreCall {
  id: number;
  method: Method;
  args: unknown[];
}

export type StoreReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { name: string; message: string; code?: string; param?: string } };

const store: RequestLogStore = openSqliteRequestLogStore(workerData as SqliteRequestLogStoreOptions);
const port = parentPort!;

port.on('message', (call: StoreCall) => {
  const method = store[call.method] as (...args: unknown[]) => Promise<unknown>;
  method.apply(store, call.args).then(
    (value) => port.postMessage({ id: call.id, ok: true, value } satisfies StoreReply),
    (error: unknown) => {
      const typed = GatewayError.isInstance(error) ? { code: error.code, ...(error.param === undefined ? {} : { param: error.param }) } : {};
      const base = error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
      port.postMessage({ id: call.id, ok: false, error: { ...base, ...typed } } satisfies StoreReply);
    },
  );
});
