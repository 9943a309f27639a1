import { Worker } from 'node:worker_threads';
import { workerEntry } from '../provider-utils/worker-entry.js';
import { InvalidRequestError } from '../spec/errors.js';
import type { RequestLogRecord } from '../core/telemetry/request-log-record.js';
import type { AggregateFilter, AggregateRow, ListRequestsFilter, ListRequestsPage, RequestLogStore } from './request-log-store.js';
import { ThreadedEvaluationStore } from './evaluation/threaded-evaluation-store.js';
import { ThreadedGovernanceStore } from './governance/threaded-governance-store.js';
import type { AppliedPriority, WorkerPriority } from './lower-thread-priority.js';
import type { StoreCall, StoreReply, StoreWorkerData } from './request-log-store-worker.js';
import type { StorageConfig } from './storage-config.js';
import { WorkerStarvationGuard } from './worker-starvation-guard.js';

/**
 * The request log, run in a worker thread so that neither SQLite's synchronous driver nor the
 * query building of PostgreSQL batches takes time from request handling. Every method is a
 * message to the worker; records are copied across by structured clone.
 */
export class ThreadedRequestLogStore implements RequestLogStore {
  /** The governance tables, served by the same worker and connection. */
  readonly governance = new ThreadedGovernanceStore((method, args) => this.call(method, args));
  /** The evaluation tables (migration 0006), served by the same worker and connection. */
  readonly evaluation = new ThreadedEvaluationStore((method, args) => this.call(method, args));
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  private nextId = 1;
  private closed = false;
  /** Set once the worker has failed or exited: later calls fail at once instead of waiting forever. */
  private failure: unknown;
  /** For an idle-priority worker: the request thread yields to it when it starves. */
  readonly starvationGuard: WorkerStarvationGuard | undefined;

  /**
   * `priority` is how the worker is scheduled against request handling (see WorkerPriority; a
   * gateway takes it from `request_log.writer_priority`), `low` by default.
   */
  constructor(config: StorageConfig = { type: 'sqlite' }, options: { priority?: WorkerPriority; chrtCommand?: string } = {}) {
    const priority = options.priority ?? 'low';
    const progressCell = priority === 'idle' ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
    const workerData: StoreWorkerData = {
      storage: config,
      priority,
      ...(options.chrtCommand === undefined ? {} : { chrtCommand: options.chrtCommand }),
      ...(progressCell === undefined ? {} : { progressCell }),
    };
    this.worker = new Worker(workerEntry('request-log-store-worker', import.meta.url), { workerData });
    if (progressCell !== undefined) this.starvationGuard = new WorkerStarvationGuard({ progressCell });
    this.worker.unref();
    this.worker.on('message', (reply: StoreReply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      this.starvationGuard?.end();
      if (reply.ok) waiter.resolve(reply.value);
      else waiter.reject(reviveError(reply.error));
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => {
      if (!this.closed) this.failAll(new Error(`request-log worker exited with code ${code}`));
    });
  }

  /** How the worker thread is scheduled, as the kernel reports it once the change is made. */
  scheduling(): Promise<AppliedPriority> {
    return this.call('scheduling', []) as Promise<AppliedPriority>;
  }
  migrate(): Promise<void> {
    return this.call('migrate', []) as Promise<void>;
  }
  insertBatch(records: RequestLogRecord[]): Promise<void> {
    return this.call('insertBatch', [records]) as Promise<void>;
  }
  /**
   * Inserts records the writer already serialised (one JSON document each). Copying a batch of
   * record objects to the worker (structured clone) ran on the request thread in one go: several
   * milliseconds for 500 records, a stall every request arriving meanwhile waited out. Strings
   * copy as flat memory, and the JSON work happened record by record as requests finished.
   */
  insertSerializedBatch(lines: string[]): Promise<void> {
    return this.call('insertSerializedBatch', [lines]) as Promise<void>;
  }
  insertSerializedBytes(bytes: Uint8Array): Promise<void> {
    // The writer's batches are views of SharedArrayBuffers, which cross as a reference, not a copy.
    // The worker decodes them as the call arrives; the writer keeps them until it is answered (to
    // spill them if the insert fails, even if the worker died) and only then reuses the buffer.
    return this.call('insertSerializedBytes', [bytes]) as Promise<void>;
  }
  getRequest(id: string): Promise<RequestLogRecord | undefined> {
    return this.call('getRequest', [id]) as Promise<RequestLogRecord | undefined>;
  }
  listRequests(filter: ListRequestsFilter): Promise<ListRequestsPage> {
    return this.call('listRequests', [filter]) as Promise<ListRequestsPage>;
  }
  aggregate(filter: AggregateFilter): Promise<AggregateRow[]> {
    return this.call('aggregate', [filter]) as Promise<AggregateRow[]>;
  }
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.call('close', []);
    } finally {
      this.closed = true;
      this.starvationGuard?.stop();
      await this.worker.terminate();
    }
  }

  private call(method: StoreCall['method'], args: unknown[]): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('request-log store is closed'));
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // A waiting call keeps the process alive; an idle worker does not.
      if (this.pending.size === 1) this.worker.ref();
      this.starvationGuard?.begin();
      this.worker.postMessage({ id, method, args } satisfies StoreCall);
    }).finally(() => {
      if (this.pending.size === 0) this.worker.unref();
    });
  }

  private failAll(error: unknown): void {
    this.failure ??= error;
    for (let count = this.pending.size; count > 0; count--) this.starvationGuard?.end();
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}

/**
 * The worker's entry. The build runs the compiled JavaScript; from TypeScript sources (tests, tsx)
 * a small bootstrap registers tsx's loader in the worker first.
 */

function reviveError(error: { name: string; message: string; code?: string; param?: string }): Error {
  if (error.name === 'InvalidRequestError') {
    return new InvalidRequestError(error.message, { ...(error.code ? { code: error.code } : {}), ...(error.param ? { param: error.param } : {}) });
  }
  const revived = new Error(error.message);
  revived.name = error.name;
  return revived;
}
