import type { Registry } from 'prom-client';
import type { RequestCost } from '../../core/cost/cost-request.js';
import type { BackgroundQueue } from '../../core/evaluation/background-queue.js';
import type { EvaluationStore, ShadowPair } from '../../core/evaluation/evaluation-records.js';
import type { RequestSummary } from '../../core/pipeline/request-summary.js';
import type { GatewayRuntime } from '../../core/registry/gateway-runtime.js';
import type { RequestLogRecord } from '../../core/telemetry/request-log-record.js';
import type { RequestSink } from '../../core/telemetry/request-recorder.js';
import { runShadow } from './run-shadow.js';
import { ShadowMetrics } from './shadow-metrics.js';
import { planShadow } from './shadow-plan.js';

export interface ShadowRunnerOptions {
  /** The runtime in force (it changes on reload). */
  runtime: () => GatewayRuntime;
  /** The background queue shared with the online judge: one concurrency cap for all evaluation calls. */
  queue: Pick<BackgroundQueue, 'offer'>;
  store: Pick<EvaluationStore, 'recordShadowPairs'>;
  /** Counts pairs and their cost when given. */
  registry?: Registry;
  /** Called with what went wrong (a store write, a bug); the runner itself never throws. */
  onError?: (error: unknown, message: string) => void;
}

/**
 * Router quality in production. For each finished request drawn for a shadow run whose route was
 * a choice between a cheap and a strong tier (a cascade, or the learned router), it queues a
 * background job that produces the other tier's answer, has the workload's shadow judge compare
 * the pair, and stores the pair. `record` only plans and offers the job (no copies, no calls); a
 * full queue drops the shadow, never the request.
 */
export class ShadowRunner implements RequestSink {
  readonly #metrics: ShadowMetrics | undefined;

  constructor(private readonly options: ShadowRunnerOptions) {
    this.#metrics = options.registry ? new ShadowMetrics(options.registry) : undefined;
  }

  record(summary: RequestSummary, record: RequestLogRecord, _cost: RequestCost): void {
    if (!summary.evaluationSample?.shadow) return;
    try {
      const plan = planShadow(summary, this.options.runtime().config);
      if (!plan) return;
      const time = record.time;
      this.options.queue.offer(async () => {
        let pair: ShadowPair;
        try {
          pair = await runShadow(this.options.runtime(), plan, time);
          this.#metrics?.recordPair(pair.workload, pair.served, pair.outcome, pair.costUsd);
        } catch (error) {
          this.#report(error, `shadow run of request ${plan.requestId} failed`);
          return;
        }
        try {
          await this.options.store.recordShadowPairs([pair]);
        } catch (error) {
          // A pair is a sample: losing one to a store outage is logged, not retried.
          this.#report(error, `shadow pair of request ${plan.requestId} could not be stored`);
        }
      });
    } catch (error) {
      this.#report(error, `shadow run of request ${summary.requestId} could not be planned`);
    }
  }

  #report(error: unknown, message: string): void {
    try {
      this.options.onError?.(error, message);
    } catch {
      // A failing error handler must not turn into a failed job or an unhandled rejection.
    }
  }
}
