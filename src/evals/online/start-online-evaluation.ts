import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { BackgroundQueue, BackgroundQueueStats } from '../../core/evaluation/background-queue.js';
import { DEFAULT_EVALUATION_CONFIG, type EvaluationConfig } from '../../core/evaluation/evaluation-config.js';
import type { EvaluationAlert, RollingQuality as RollingQualityRow } from '../../core/evaluation/evaluation-api.js';
import type { EvaluationStore } from '../../core/evaluation/evaluation-records.js';
import type { ResolvedConfig } from '../../core/config/resolve-config.js';
import type { GatewayRuntime } from '../../core/registry/gateway-runtime.js';
import { AlertNotifier } from './alert-notifier.js';
import { EvaluationMetrics } from './evaluation-metrics.js';
import { OnlineEvaluator } from './online-evaluator.js';
import { RollingQuality } from './rolling-quality.js';

/** Stored scores are read back an hour at a time, each read within the store's listing cap. */
const SEED_SLICE_MS = 3_600_000;
const SEED_SLICE_LIMIT = 10_000;

/** What GET /admin/quality reads besides the store. */
export interface QualitySource {
  rollingQuality(workload?: string): RollingQualityRow[];
  /** Newest first. */
  recentAlerts(workload?: string): EvaluationAlert[];
  queueStats(): BackgroundQueueStats;
}

export interface StartOnlineEvaluationOptions {
  runtime: () => GatewayRuntime;
  /** The background queue, shared with the shadow runner. */
  queue: BackgroundQueue;
  /** The gateway's metrics registry. */
  registry: Registry;
  logger: Logger;
  /** The evaluation store; absent when the request log is off. */
  store?: EvaluationStore;
  now?: () => number;
}

export interface OnlineEvaluation extends QualitySource {
  /** Add to the request recorder's sinks. */
  evaluator: OnlineEvaluator;
  rolling: RollingQuality;
  /** Also where other evaluation alerts go (a failing drift re-run). */
  notifier: AlertNotifier;
  metrics: EvaluationMetrics;
  /**
   * Lets running judgements finish for up to `drainMs` (default 5 s), aborts the rest, writes the
   * waiting scores and waits for webhook deliveries.
   */
  close(options?: { drainMs?: number }): Promise<void>;
}

function settingsOf(config: ResolvedConfig): EvaluationConfig {
  return config.evaluation ?? DEFAULT_EVALUATION_CONFIG;
}

/**
 * Wires online evaluation for a gateway: metrics, the alert notifier, rolling quality (seeded
 * from the store, so a restart keeps the baseline) and the evaluator. A reload's new quality
 * settings and webhook apply from the next sampled request on.
 */
export async function startOnlineEvaluation(options: StartOnlineEvaluationOptions): Promise<OnlineEvaluation> {
  const settings = settingsOf(options.runtime().config);
  const metrics = new EvaluationMetrics(options.registry);
  const notifier = new AlertNotifier({ logger: options.logger, metrics, ...(settings.alert_webhook ? { webhook: settings.alert_webhook } : {}) });
  const rolling = new RollingQuality({ settings: settings.quality, alerts: notifier, ...(options.now ? { now: options.now } : {}) });
  if (options.store) await seedRollingQuality(rolling, options.store, options.now?.() ?? Date.now(), options.logger);
  const evaluator = new OnlineEvaluator({
    runtime: options.runtime,
    queue: options.queue,
    rolling,
    metrics,
    ...(options.store ? { store: options.store } : {}),
    onError: (error) => options.logger.warn({ err: error }, 'online evaluation: storing judge scores failed; the batch is dropped'),
    onConfig: (config) => {
      const next = settingsOf(config);
      rolling.configure(next.quality);
      notifier.configure(next.alert_webhook);
    },
  });
  metrics.observe({ rolling: () => rolling.snapshot(), queue: () => options.queue.stats() });
  return {
    evaluator,
    rolling,
    notifier,
    metrics,
    rollingQuality: (workload) => rolling.snapshot(workload),
    recentAlerts: (workload) => notifier.recent(workload),
    queueStats: () => options.queue.stats(),
    async close(closeOptions = {}) {
      await evaluator.close(closeOptions);
      await notifier.settled();
    },
  };
}

/** Loads the scores of the baseline and window back into memory; a failed read is logged and skipped. */
async function seedRollingQuality(rolling: RollingQuality, store: EvaluationStore, now: number, logger: Logger): Promise<void> {
  try {
    for (let since = rolling.horizonStart(now); since <= now; since += SEED_SLICE_MS) {
      const scores = await store.listOnlineScores({ since, until: Math.min(since + SEED_SLICE_MS, now + 1), limit: SEED_SLICE_LIMIT });
      rolling.seed(scores);
      if (scores.length >= SEED_SLICE_LIMIT) logger.warn({ since }, 'online evaluation: more scores in an hour than are read back; rolling quality starts from a part of them');
    }
  } catch (error) {
    logger.warn({ err: error }, 'online evaluation: could not read stored scores; rolling quality starts empty');
  }
}
