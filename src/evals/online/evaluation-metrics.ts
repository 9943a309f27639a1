import { Counter, Gauge, type Registry } from 'prom-client';
import type { BackgroundQueueStats } from '../../core/evaluation/background-queue.js';
import type { EvaluationAlert, RollingQuality } from '../../core/evaluation/evaluation-api.js';
import { evaluationCostCounter } from '../shadow/shadow-metrics.js';

/** What the scrape-time gauges read. */
export interface EvaluationMetricsSources {
  rolling?: () => readonly RollingQuality[];
  queue?: () => BackgroundQueueStats;
}

const QUEUE_STATES = ['queued', 'running', 'dropped', 'completed', 'failed'] as const satisfies ReadonlyArray<keyof BackgroundQueueStats>;

/**
 * Online evaluation in Prometheus, on the gateway's registry: one instance per gateway, shared by
 * the online judge and the alert notifier (a metric name can be registered once per registry; the
 * cost counter is shared with the shadow runner's metrics). Labels are config names (workload, model)
 * and fixed words, never client input. The quality and queue gauges are read at scrape time, so
 * a window that ages without new scores is still reported as it stands.
 */
export class EvaluationMetrics {
  readonly #judgements: Counter<'workload' | 'model' | 'outcome'>;
  readonly #cost: Counter<'workload' | 'kind'>;
  readonly #alerts: Counter<'kind' | 'workload' | 'model'>;
  #sources: EvaluationMetricsSources = {};

  constructor(registry: Registry) {
    const registers = [registry];
    this.#judgements = new Counter({
      name: 'switchyard_online_judgements_total',
      help: 'Sampled live answers judged, by outcome: scored, or unscored (judge failed, refused by policy or malformed twice; never a pass).',
      labelNames: ['workload', 'model', 'outcome'],
      registers,
    });
    // Shared with the shadow runner's metrics: whichever is built first registers it.
    this.#cost = evaluationCostCounter(registry);
    this.#alerts = new Counter({
      name: 'switchyard_evaluation_alerts_total',
      help: 'Evaluation alerts raised: quality_drop (a significant fall of the judge score) or drift_rerun_failed.',
      labelNames: ['kind', 'workload', 'model'],
      registers,
    });
    const sources = () => this.#sources;
    new Gauge({
      name: 'switchyard_online_quality_score',
      help: 'Mean judge score (0–1) over the rolling quality window, per workload, answering model and route.',
      labelNames: ['workload', 'model', 'route'],
      registers,
      collect() {
        this.reset();
        for (const row of sources().rolling?.() ?? []) {
          if (row.window.mean !== undefined) this.set({ workload: row.workload, model: row.model, route: row.route }, row.window.mean);
        }
      },
    });
    new Gauge({
      name: 'switchyard_online_quality_baseline',
      help: 'Mean judge score (0–1) over the baseline window before the rolling window, per workload, answering model and route.',
      labelNames: ['workload', 'model', 'route'],
      registers,
      collect() {
        this.reset();
        for (const row of sources().rolling?.() ?? []) {
          if (row.baseline.mean !== undefined) this.set({ workload: row.workload, model: row.model, route: row.route }, row.baseline.mean);
        }
      },
    });
    new Gauge({
      name: 'switchyard_evaluation_queue',
      help: 'Background evaluation queue (judge and shadow jobs): queued and running now; dropped (queue full), completed and failed since start.',
      labelNames: ['state'],
      registers,
      collect() {
        const stats = sources().queue?.();
        if (!stats) return;
        for (const state of QUEUE_STATES) this.set({ state }, stats[state]);
      },
    });
  }

  /** Where the scrape-time gauges read from; set once the evaluator and queue exist. */
  observe(sources: EvaluationMetricsSources): void {
    this.#sources = { ...this.#sources, ...sources };
  }

  recordJudgement(workload: string, model: string, outcome: 'scored' | 'unscored'): void {
    this.#judgements.inc({ workload, model, outcome });
  }

  recordJudgeCost(workload: string, costUsd: number | undefined): void {
    if (costUsd !== undefined && costUsd > 0) this.#cost.inc({ workload, kind: 'judge' }, costUsd);
  }

  recordAlert(alert: EvaluationAlert): void {
    this.#alerts.inc({ kind: alert.kind, workload: alert.workload, model: alert.model });
  }
}
