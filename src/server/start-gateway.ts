import { getRequestListener } from '@hono/node-server';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { closeSharedDispatcher } from '../provider-utils/http-client.js';
import type { RequestObserver } from '../core/pipeline/request-summary.js';
import { buildGatewayRuntime } from '../core/registry/gateway-runtime.js';
import { RuntimeHolder } from '../core/registry/runtime-holder.js';
import { createRateLimitStore } from '../core/limits/create-rate-limit-store.js';
import { createCacheBackend } from '../core/cache/create-cache-backend.js';
import type { ResolvedConfig } from '../core/config/resolve-config.js';
import { createGatewayHttp } from './app.js';
import { RequestRecorder, type RequestSink } from '../core/telemetry/request-recorder.js';
import { GatewayMetrics } from '../core/telemetry/metrics/gateway-metrics.js';
import { runtimeMetricsSnapshot } from '../core/telemetry/metrics/runtime-metrics-snapshot.js';
import { currentThreadId, registerThreadSchedulingMetrics } from './thread-scheduling-metrics.js';
import { startRequestLog } from './start-request-log.js';
import { DriftTracker, versionPins } from '../core/governance/drift/drift-tracker.js';
import { DriftMetrics } from '../core/governance/drift/drift-metrics.js';
import { AuditRecorder } from '../core/governance/audit/audit-recorder.js';
import { recordReload } from './record-reload.js';
import { loadRegistryOverlay, refreshRegistryOverlay, RegistryOverlay } from '../core/governance/registry-state/registry-overlay.js';

/** How often live registry state is re-read, so every replica applies a lifecycle change. */
const REGISTRY_STATE_REFRESH_MS = 10_000;
import { startRequestTracing } from '../core/telemetry/tracing/start-request-tracing.js';
import { BackgroundQueue } from '../core/evaluation/background-queue.js';
import { DEFAULT_EVALUATION_CONFIG } from '../core/evaluation/evaluation-config.js';
import { startOnlineEvaluation } from '../evals/online/index.js';
import { ShadowRunner } from '../evals/shadow/shadow-runner.js';
import { DriftRerunScheduler } from '../evals/gating/drift-rerun-scheduler.js';

export interface StartGatewayOptions {
  config: ResolvedConfig;
  /** The file to re-read on reload; without one, reload is refused. */
  configFile?: string;
  host?: string;
  port?: number;
  logger: Logger;
  observer?: RequestObserver;
  /** Reload on SIGHUP (the CLI turns this on; tests leave it off). */
  handleSignals?: boolean;
  /** Write the request log (default: as `request_log.enabled` says). Tests that need no database turn it off. */
  recordRequests?: boolean;
}

export interface RunningGateway {
  url: string;
  port: number;
  holder: RuntimeHolder;
  metrics: GatewayMetrics;
  /** Stops accepting connections, lets in-flight requests finish (up to the grace period), then closes. */
  close(): Promise<void>;
}

/** Starts the gateway's HTTP server on node. */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const onLimiterError = (error: unknown) => options.logger.warn({ err: error }, 'rate-limit store failed while releasing a request');
  const limitStore = await createRateLimitStore(options.config.limitsStore);
  const onCacheError = (error: unknown) => options.logger.warn({ err: error }, 'response cache store failed; answering without it');
  const responseCache = await createCacheBackend(options.config.cacheStore, { onError: onCacheError });
  const requestLog =
    options.recordRequests ?? options.config.requestLog.enabled ? await startRequestLog(options.config, options.logger) : undefined;
  // Live registry state (lifecycle changes made through the admin API) from the database.
  const registryOverlay = requestLog ? await loadRegistryOverlay(requestLog.governance) : new RegistryOverlay();
  // Replicas sharing a database see each other's lifecycle changes within this interval.
  const overlayRefresh = requestLog
    ? setInterval(() => {
        refreshRegistryOverlay(registryOverlay, requestLog.governance).catch((error: unknown) =>
          options.logger.warn({ err: error }, 'registry state: refresh from the database failed; the last known state stays in force'),
        );
      }, REGISTRY_STATE_REFRESH_MS)
    : undefined;
  overlayRefresh?.unref();
  const holder = new RuntimeHolder(
    buildGatewayRuntime(options.config, { limitStore, onLimiterError, responseCache, registryOverlay }),
    options.configFile,
    onLimiterError,
    onCacheError,
  );
  const metrics = new GatewayMetrics({
    snapshot: () => runtimeMetricsSnapshot(holder.current, requestLog ? () => requestLog.stats() : undefined),
    onError: (error) => options.logger.warn({ err: error }, 'metrics snapshot failed'),
  });
  // Per-thread CPU and run-queue wait (Linux): what the request thread waits for its core, and what the log's worker costs.
  const requestThreadId = await currentThreadId();
  const logWorkerThreadId = requestLog?.scheduling.threadId;
  registerThreadSchedulingMetrics(metrics.registry, {
    threads: () => [
      ...(requestThreadId === undefined ? [] : [{ name: 'request', threadId: requestThreadId }]),
      ...(logWorkerThreadId === undefined ? [] : [{ name: 'request_log_worker', threadId: logWorkerThreadId }]),
    ],
  });
  const tracingConfig = options.config.telemetry?.tracing;
  const tracing = tracingConfig?.enabled
    ? startRequestTracing(tracingConfig, {
        serviceVersion: '0.1.0',
        lookups: {
          providerTypeOf: (name) => holder.current.config.providers[name]?.type,
          upstreamModelOf: (deploymentId) => holder.current.config.deployments[deploymentId]?.model,
        },
      })
    : undefined;
  // Which model versions answer each deployment: sightings persisted with the request log, drift logged and counted.
  let driftReruns: DriftRerunScheduler | undefined;
  const driftTracker = requestLog
    ? new DriftTracker({
        pins: versionPins(options.config),
        sink: requestLog.governance,
        metrics: new DriftMetrics(metrics.registry),
        onDrift: (event) => {
          options.logger.warn({ drift: event }, 'model version drift');
          // Set below, once online evaluation (whose alert notifier it uses) exists; drift is only seen after requests.
          driftReruns?.onDrift(event);
        },
        onError: (error) => options.logger.warn({ err: error }, 'drift tracking: could not persist sightings'),
      })
    : undefined;
  if (requestLog && driftTracker) driftTracker.load(await requestLog.governance.listSightings({ limit: 1000 }));
  const audit = requestLog ? new AuditRecorder(requestLog.governance) : undefined;
  // Judge and shadow calls share one bounded queue: evaluation falls behind (and drops samples) before it can slow a request.
  const evaluationSettings = options.config.evaluation ?? DEFAULT_EVALUATION_CONFIG;
  const evaluationQueue = new BackgroundQueue({
    concurrency: evaluationSettings.concurrency,
    maxQueued: evaluationSettings.max_queue,
    onError: (error) => options.logger.warn({ err: error }, 'background evaluation job failed'),
  });
  const onlineEvaluation = await startOnlineEvaluation({
    runtime: () => holder.current,
    queue: evaluationQueue,
    registry: metrics.registry,
    logger: options.logger,
    ...(requestLog ? { store: requestLog.evaluation } : {}),
  });
  // A drift re-runs the eval sets of the workloads using the drifted model (rerun_on_drift), one at a time, off the request path.
  driftReruns = requestLog
    ? new DriftRerunScheduler({
        runtime: () => holder.current,
        store: requestLog.evaluation,
        logger: options.logger,
        alerts: onlineEvaluation.notifier,
        debounceMs: evaluationSettings.drift_rerun_debounce_ms,
      })
    : undefined;
  // Router quality: the other tier answers sampled cascade / learned-router requests off the request path; a judge compares the pair.
  const shadowSink: RequestSink[] = requestLog
    ? [
        new ShadowRunner({
          runtime: () => holder.current,
          queue: evaluationQueue,
          store: requestLog.evaluation,
          registry: metrics.registry,
          onError: (error, message) => options.logger.warn({ err: error }, `shadow evaluation: ${message}`),
        }),
      ]
    : [];
  const metricsSink: RequestSink = {
    record: (summary, record, cost) =>
      metrics.record(summary, { costUsd: cost.costUsd, referenceCostUsd: cost.referenceCostUsd, perAttempt: cost.perAttempt }, record.overheadMs),
  };
  const driftSink: RequestSink[] = driftTracker ? [{ record: (summary) => driftTracker.onRequestEnd(summary) }] : [];
  const recorder = new RequestRecorder(() => holder.current, [metricsSink, ...(requestLog ? [requestLog.sink] : []), ...(tracing ? [tracing.sink] : []), ...driftSink, onlineEvaluation.evaluator, ...shadowSink], (error) =>
    options.logger.warn({ err: error }, 'request recording failed'),
  );
  const extra = options.observer;
  const observer: RequestObserver = {
    onRequestEnd(summary) {
      recorder.onRequestEnd(summary);
      // An embedding application's observer must never turn an answered request into a failure.
      try {
        extra?.onRequestEnd(summary);
      } catch (error) {
        options.logger.warn({ err: error }, 'request observer failed');
      }
    },
  };
  const { app, handleApiRequest } = createGatewayHttp({
    holder,
    logger: options.logger,
    observer,
    metrics,
    ...(requestLog ? { requestLog: requestLog.store, governance: requestLog.governance, evaluation: requestLog.evaluation } : {}),
    quality: onlineEvaluation,
    ...(driftTracker ? { driftTracker } : {}),
    ...(audit ? { audit } : {}),
    registryOverlay,
  });
  const host = options.host ?? options.config.server.host ?? '127.0.0.1';
  const port = options.port ?? options.config.server.port ?? 4000;
  // The API's POST endpoints are answered by their own listener; Hono's node adapter serves the rest.
  const appListener = getRequestListener(app.fetch, { hostname: host });
  const nodeServer: Server = createServer((incoming, outgoing) => {
    if (!handleApiRequest(incoming, outgoing)) void appListener(incoming, outgoing);
  });
  await new Promise<void>((resolve, reject) => {
    nodeServer.once('error', reject);
    nodeServer.listen(port, host, () => {
      nodeServer.off('error', reject);
      resolve();
    });
  });
  nodeServer.keepAliveTimeout = 65_000;
  nodeServer.headersTimeout = 66_000;
  nodeServer.requestTimeout = 0;
  const address = nodeServer.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  const onHangup = () => {
    const previous = holder.current.config;
    holder.reload().then(
      (runtime) => {
        options.logger.info({ generation: runtime.generation }, 'config reloaded on SIGHUP');
        void recordReload({ audit, driftTracker, logger: options.logger }, previous, runtime, 'signal');
      },
      (error: unknown) => options.logger.warn({ err: error }, 'config reload on SIGHUP rejected; the previous config keeps serving'),
    );
  };
  if (options.handleSignals) process.on('SIGHUP', onHangup);

  return {
    url,
    port: address.port,
    holder,
    metrics,
    async close() {
      if (options.handleSignals) process.off('SIGHUP', onHangup);
      const grace = holder.current.config.server.shutdown_grace_ms;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => nodeServer.closeAllConnections(), grace);
        timer.unref();
        nodeServer.close(() => {
          clearTimeout(timer);
          resolve();
        });
        nodeServer.closeIdleConnections();
      });
      recorder.drain();
      // Running judgements get the grace period, then are aborted; their scores are written before the store closes.
      await onlineEvaluation.close({ drainMs: grace });
      await evaluationQueue.close();
      await closeSharedDispatcher();
      clearInterval(overlayRefresh);
      await driftTracker?.close();
      // A re-run in progress stops after its cases in flight and is not recorded; the store is still open for it.
      await driftReruns?.close();
      await requestLog?.close();
      await tracing?.shutdown().catch((error: unknown) => options.logger.warn({ err: error }, 'trace export failed at shutdown'));
      await holder.close();
    },
  };
}
