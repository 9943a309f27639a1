import { parentPort, workerData } from 'node:worker_threads';
import { GatewayError } from '../spec/errors.js';
import type { RequestLogStore } from './request-log-store.js';
import type { StorageConfig } from './storage-config.js';

/**
 * Owns the request-log store in a worker thread. better-sqlite3 is synchronous (a batch insert on
 * the main thread would stall every request), and with PostgreSQL the query building and protocol
 * encoding of every batch would otherwise take CPU from request handling; so every call runs here.
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

const store: RequestLogStore = await openStore(workerData as StorageConfig);
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

async function openStore(config: StorageConfig): Promise<RequestLogStore> {
  if (config.type === 'postgres') {
    const { openPostgresRequestLogStore } = await import('./postgres/open-postgres-request-log-store.js');
    return openPostgresRequestLogStore({ url: config.url });
  }
  const { openSqliteRequestLogStore } = await import('./sqlite/open-sqlite-request-log-store.js');
  return openSqliteRequestLogStore(config.path === undefined ? {} : { path: config.path });
}
