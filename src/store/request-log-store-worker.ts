import { parentPort, workerData } from 'node:worker_threads';
import { GatewayError } from '../spec/errors.js';
import { KyselyEvaluationStore } from './evaluation/kysely-evaluation-store.js';
import { callEvaluationStore, isEvaluationStoreMethod, type EvaluationStoreMethod } from './evaluation/threaded-evaluation-store.js';
import { KyselyGovernanceStore } from './governance/kysely-governance-store.js';
import { callGovernanceStore, isGovernanceStoreMethod, type GovernanceStoreMethod } from './governance/threaded-governance-store.js';
import type { KyselyRequestLogStore } from './kysely-request-log-store.js';
import { lowerCurrentThreadPriority, type AppliedPriority, type WorkerPriority } from './lower-thread-priority.js';
import type { StorageConfig } from './storage-config.js';
import type { RequestLogRecord } from '../core/telemetry/request-log-record.js';

/**
 * Owns the request-log store in a worker thread. better-sqlite3 is synchronous (a batch insert on
 * the main thread would stall every request), and with PostgreSQL the query building and protocol
 * encoding of every batch would otherwise take CPU from request handling; so every call runs here.
 */
type Method = 'scheduling' | 'insertSerializedBatch' | 'insertSerializedBytes' | 'migrate' | 'insertBatch' | 'getRequest' | 'listRequests' | 'aggregate' | 'close' | GovernanceStoreMethod | EvaluationStoreMethod;

export interface StoreCall {
  id: number;
  method: Method;
  args: unknown[];
}

export type StoreReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { name: string; message: string; code?: string; param?: string } };

/** What the worker is started with. */
export interface StoreWorkerData {
  storage: StorageConfig;
  priority: WorkerPriority;
  /** The `chrt` to run for SCHED_IDLE (tests point it elsewhere). */
  chrtCommand?: string;
  /** Bumped and notified as each call is answered: a request thread yielding to this worker waits on it. */
  progressCell?: Int32Array;
}

const data = workerData as StoreWorkerData;
// Batch inserts yield to request handling on a shared core (see WorkerPriority).
const scheduling: Promise<AppliedPriority> = lowerCurrentThreadPriority(data.priority, data.chrtCommand);
const store: KyselyRequestLogStore = await openStore(data.storage, data.priority);
// Governance tables (audit log, version sightings, exposure reads) share the connection.
const governance = new KyselyGovernanceStore(store.database);
// So do the evaluation tables (online scores, shadow pairs, eval runs and gates).
const evaluation = new KyselyEvaluationStore(store.database);
const port = parentPort!;

/** Answers a call; a request thread sleeping to give this worker its core wakes as it does. */
function reply(message: StoreReply): void {
  port.postMessage(message);
  if (data.progressCell) {
    Atomics.add(data.progressCell, 0, 1);
    Atomics.notify(data.progressCell, 0);
  }
}

/** An unparsable line rejects the call (it must not throw out of the message handler and end the worker). */
async function insertSerialized(lines: string[]): Promise<void> {
  await store.insertBatch(lines.map((line) => JSON.parse(line) as RequestLogRecord));
}

const utf8 = new TextDecoder();

/** A block of JSON lines, each ended by a newline (JSON never contains a raw one). */
function insertSerializedBytes(bytes: Uint8Array): Promise<void> {
  const lines = utf8.decode(bytes).split('\n');
  lines.pop();
  return insertSerialized(lines);
}

port.on('message', (call: StoreCall) => {
  const run = call.method === 'scheduling'
    ? scheduling
    : call.method === 'insertSerializedBatch'
      ? insertSerialized(call.args[0] as string[])
      : call.method === 'insertSerializedBytes'
        ? insertSerializedBytes(call.args[0] as Uint8Array)
      : isGovernanceStoreMethod(call.method)
        ? callGovernanceStore(governance, call.method, call.args)
        : isEvaluationStoreMethod(call.method)
          ? callEvaluationStore(evaluation, call.method, call.args)
          : (store[call.method] as (...args: unknown[]) => Promise<unknown>).apply(store, call.args);
  run.then(
    (value) => reply({ id: call.id, ok: true, value }),
    (error: unknown) => {
      const typed = GatewayError.isInstance(error) ? { code: error.code, ...(error.param === undefined ? {} : { param: error.param }) } : {};
      const base = error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
      reply({ id: call.id, ok: false, error: { ...base, ...typed } });
    },
  );
});

async function openStore(config: StorageConfig, priority: WorkerPriority): Promise<KyselyRequestLogStore> {
  if (config.type === 'postgres') {
    const { openPostgresRequestLogStore } = await import('./postgres/open-postgres-request-log-store.js');
    return openPostgresRequestLogStore({ url: config.url });
  }
  const { openSqliteRequestLogStore } = await import('./sqlite/open-sqlite-request-log-store.js');
  // Pauses between insert slices hand the core back at nice 10; under SCHED_IDLE they only waste the request thread's yields.
  const sliceInserts = priority !== 'idle';
  return openSqliteRequestLogStore(config.path === undefined ? { sliceInserts } : { path: config.path, sliceInserts });
}
