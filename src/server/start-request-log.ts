import type { Logger } from 'pino';
import type { ResolvedConfig } from '../core/config/resolve-config.js';
import type { RequestSink } from '../core/telemetry/request-recorder.js';
import { RequestLogWriter } from '../core/telemetry/request-log-writer.js';
import { createRequestLogStore } from '../store/create-request-log-store.js';
import type { RequestLogStore } from '../store/request-log-store.js';
import type { AppliedPriority } from '../store/lower-thread-priority.js';
import type { EvaluationStore } from '../core/evaluation/evaluation-records.js';
import type { GovernanceStore } from '../store/governance/kysely-governance-store.js';
import { merged } from '../spec/merged.js';

/** The request log of a running gateway: the store (for queries) and the sink that feeds it. */
export interface RunningRequestLog {
  store: RequestLogStore;
  /** Audit log, model-version sightings and exposure reads, in the same database. */
  governance: GovernanceStore;
  /** Online scores, shadow pairs, eval runs and gates, in the same database (through the worker). */
  evaluation: EvaluationStore;
  sink: RequestSink;
  /** The writer's counts, and how often the request thread has yielded to an idle-priority worker. */
  stats(): ReturnType<RequestLogWriter['stats']> & { workerYields?: number };
  /** How the log's worker thread is scheduled (`request_log.writer_priority`), as the kernel reports it. */
  scheduling: AppliedPriority;
  close(): Promise<void>;
}

/**
 * Opens the request-log store, runs its migrations, replays anything a crash left in the spill
 * directory and starts the batched writer.
 */
export async function startRequestLog(config: ResolvedConfig, logger: Logger): Promise<RunningRequestLog> {
  const settings = config.requestLog;
  const store = await createRequestLogStore(config.storage, { priority: settings.writer_priority });
  await store.migrate();
  const scheduling = await store.scheduling();
  if (scheduling.note !== undefined) logger.info({ requested: scheduling.requested, policy: scheduling.policy, nice: scheduling.nice }, `request log worker: ${scheduling.note}`);
  const writer = new RequestLogWriter({
    store,
    spillDirectory: settings.spill_directory,
    flushIntervalMs: settings.flush_interval_ms,
    batchSize: settings.batch_size,
    maxQueue: settings.max_queue,
    onError: (error) => logger.warn({ err: error }, 'request log: storage failed; records are spilled and will be replayed'),
  });
  await writer.start();
  // An idle-priority worker that falls behind gets part of the request thread's core (see WorkerStarvationGuard).
  // It counts as behind past two batches waiting, and as caught up at one.
  store.starvationGuard?.watchBacklog(() => writer.backlog(), { high: 2 * settings.batch_size, low: settings.batch_size });
  return {
    store,
    governance: store.governance,
    evaluation: store.evaluation,
    sink: { record: (_summary, record) => writer.enqueue(record) },
    stats: () => (store.starvationGuard ? merged(writer.stats(), { workerYields: store.starvationGuard.yields }) : writer.stats()),
    scheduling,
    async close() {
      await writer.close();
      await store.close();
    },
  };
}
