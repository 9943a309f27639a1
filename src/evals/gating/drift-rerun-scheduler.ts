import type { Logger } from 'pino';
import type { EvaluationAlert, AlertSink } from '../../core/evaluation/evaluation-api.js';
import type { EvaluationStore } from '../../core/evaluation/evaluation-records.js';
import type { DriftEvent } from '../../core/governance/drift/model-version-sighting.js';
import { workloadUsage } from '../../core/governance/registry/workload-usage.js';
import { RequestPipeline } from '../../core/pipeline/request-pipeline.js';
import type { GatewayRuntime } from '../../core/registry/gateway-runtime.js';
import { loadEvalSet } from '../eval-sets/load-eval-set.js';
import { scoreSamples } from '../runner/eval-report.js';
import { runEval } from '../runner/run-eval.js';
import { gate } from '../statistics/gate.js';
import { hashEvalSetFile } from './eval-set-identity.js';
import { gateRecordOf } from './gate-record.js';
import { modelVersionOf } from './model-version.js';
import { evalRunRecordOf, newestPairableRun, recordedSamples } from './recorded-eval-run.js';
import { workloadEvalSet, type WorkloadEvalSet } from './workload-eval-set.js';

export interface DriftRerunSchedulerOptions {
  /** The runtime in force (it changes on reload); read when a re-run starts, not when the drift is seen. */
  runtime: () => GatewayRuntime;
  store: Pick<EvaluationStore, 'recordEvalRun' | 'listEvalRuns' | 'recordGate'>;
  /** Where failing re-runs are raised (log, metric, webhook). */
  alerts?: AlertSink;
  logger: Pick<Logger, 'info' | 'warn'>;
  /** Default: a pipeline without observer, so re-run requests stay out of the request log and drift tracking. */
  pipeline?: RequestPipeline;
  /**
   * Wait after the first drift of a model before re-running its sets, so a burst (several
   * deployments, several fingerprints) makes one run. Default 60 s.
   */
  debounceMs?: number;
  /** Cases in flight at once during a re-run (default 2: it shares the upstreams with live traffic). */
  concurrency?: number;
  now?: () => number;
}

/** Outcomes kept in memory; the store has every run and gate. */
const MAX_OUTCOMES = 100;

/** One set to re-run on one model: the workloads that share it gate with their own settings. */
interface RerunJob {
  model: string;
  /** The set file, scorer and judge model: what makes two workloads' runs the same run. */
  key: string;
  setPath: string;
  workloads: WorkloadEvalSet[];
  events: DriftEvent[];
}

/** The runs made since the scheduler started, for tests and the admin log. */
export interface RerunOutcome {
  model: string;
  setPath: string;
  runId?: string;
  /** `gated`, `reference` (no earlier run to compare with), `incomplete` (cases failed), `error`. */
  result: 'gated' | 'reference' | 'incomplete' | 'error';
  gateIds: string[];
  failedWorkloads: string[];
}

/**
 * Re-runs the eval sets of the workloads that use a model when its version drifts. Takes
 * `DriftTracker` events (`onDrift`), waits `debounceMs` per model, then for each set of a workload
 * with `rerun_on_drift` runs it on the model through the gateway's pipeline, one run at a time,
 * off the request path. The run is recorded; it is then gated, paired case by case, against the
 * model's newest earlier recorded run on the same set (the previous version) with each workload's
 * gate settings. Gates are recorded (trigger `drift`, actor `gateway`); a failing one raises a
 * `drift_rerun_failed` alert. Without an earlier run, the run becomes the reference and is logged so.
 */
export class DriftRerunScheduler {
  readonly #options: DriftRerunSchedulerOptions;
  readonly #pipeline: RequestPipeline;
  readonly #timers = new Map<string, { timer: ReturnType<typeof setTimeout>; events: DriftEvent[]; fired: Promise<void>; fire: () => void }>();
  readonly #queue: RerunJob[] = [];
  readonly #outcomes: RerunOutcome[] = [];
  readonly #abort = new AbortController();
  #running: Promise<void> | undefined;
  #closed = false;

  constructor(options: DriftRerunSchedulerOptions) {
    this.#options = options;
    this.#pipeline = options.pipeline ?? new RequestPipeline();
  }

  /** `DriftTracker`'s `onDrift`: O(1), never throws, never waits. */
  onDrift(event: DriftEvent): void {
    if (this.#closed) return;
    const model = this.#options.runtime().config.deployments[event.deployment]?.modelName;
    if (model === undefined) return;
    const pending = this.#timers.get(model);
    if (pending !== undefined) {
      pending.events.push(event);
      return;
    }
    let fire = () => {};
    const fired = new Promise<void>((resolve) => {
      fire = resolve;
    });
    const timer = setTimeout(() => this.#plan(model), this.#options.debounceMs ?? 60_000);
    timer.unref?.();
    this.#timers.set(model, { timer, events: [event], fired, fire });
  }

  /** The latest runs (at most 100), oldest first. */
  outcomes(): readonly RerunOutcome[] {
    return this.#outcomes;
  }

  /** Resolves once nothing is waiting or running (tests; shutdown after `close`). */
  async idle(): Promise<void> {
    while (this.#timers.size > 0 || this.#running !== undefined) {
      await Promise.all([...[...this.#timers.values()].map((pending) => pending.fired), this.#running]);
    }
  }

  /** Drops waiting re-runs and stops the one running after its cases in flight (it is not recorded). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const pending of this.#timers.values()) {
      clearTimeout(pending.timer);
      pending.fire();
    }
    this.#timers.clear();
    this.#queue.length = 0;
    this.#abort.abort();
    await this.#running;
  }

  /** After the debounce: which sets of which workloads to re-run for the model, under the config in force now. */
  #plan(model: string): void {
    const pending = this.#timers.get(model);
    this.#timers.delete(model);
    try {
      const config = this.#options.runtime().config;
      // Workloads sharing a file and scoring it the same way share one run; each still gates with its own settings.
      const byRun = new Map<string, WorkloadEvalSet[]>();
      const workloads = new Set(workloadUsage(config).filter((use) => use.model === model).map((use) => use.workload));
      for (const workload of [...workloads].sort()) {
        const set = workloadEvalSet(config, workload);
        if (set === undefined || !set.rerunOnDrift) continue;
        const key = runKey(set);
        byRun.set(key, [...(byRun.get(key) ?? []), set]);
      }
      if (byRun.size === 0) {
        this.#options.logger.info({ model }, 'drift re-run: no workload using the model has an eval set with rerun_on_drift');
      }
      for (const [key, sets] of byRun) {
        const queued = this.#queue.find((job) => job.model === model && job.key === key);
        if (queued !== undefined) queued.events.push(...(pending?.events ?? []));
        else this.#queue.push({ model, key, setPath: sets[0]!.path, workloads: sets, events: [...(pending?.events ?? [])] });
      }
      this.#drain();
    } catch (error) {
      this.#options.logger.warn({ err: error, model }, 'drift re-run: could not plan the re-runs');
    } finally {
      pending?.fire();
    }
  }

  #drain(): void {
    if (this.#running !== undefined || this.#closed) return;
    const job = this.#queue.shift();
    if (job === undefined) return;
    this.#running = this.#run(job).finally(() => {
      this.#running = undefined;
      this.#drain();
    });
  }

  async #run(job: RerunJob): Promise<void> {
    const outcome: RerunOutcome = { model: job.model, setPath: job.setPath, result: 'error', gateIds: [], failedWorkloads: [] };
    try {
      await this.#rerun(job, outcome);
    } catch (error) {
      if (this.#abort.signal.aborted) return;
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      this.#options.logger.warn({ err: error, model: job.model, set: job.setPath }, 'drift re-run failed to run');
      outcome.failedWorkloads = job.workloads.map((set) => set.workload);
      for (const set of job.workloads) {
        this.#raise(job, set, `Drift re-run of ${job.model} on ${set.configuredPath} for workload ${set.workload} could not run: ${reason}`, { error: reason });
      }
    }
    if (this.#abort.signal.aborted) return;
    this.#outcomes.push(outcome);
    if (this.#outcomes.length > MAX_OUTCOMES) this.#outcomes.splice(0, this.#outcomes.length - MAX_OUTCOMES);
  }

  async #rerun(job: RerunJob, outcome: RerunOutcome): Promise<void> {
    const { store, logger } = this.#options;
    const runtime = this.#options.runtime();
    const first = job.workloads[0]!;
    const [cases, setHash] = await Promise.all([loadEvalSet(job.setPath), hashEvalSetFile(job.setPath)]);
    // The previous version's run is looked up before this run is recorded, so it cannot pair with itself.
    const previous = newestPairableRun(await store.listEvalRuns({ model: job.model, limit: 200 }), { model: job.model, setHash });
    const run = await runEval({
      cases,
      setFile: job.setPath,
      model: job.model,
      runtime,
      pipeline: this.#pipeline,
      concurrency: this.#options.concurrency ?? 2,
      scorer: first.scorer,
      ...(first.judgeModel === undefined ? {} : { judgeModel: first.judgeModel }),
      // A re-run after drift must ask the upstream again: cached answers are the old version's.
      cacheDirectory: false,
      signal: this.#abort.signal,
    });
    if (this.#abort.signal.aborted) return;
    const modelVersion = modelVersionOf(runtime.config, job.model);
    const record = evalRunRecordOf({
      report: run.report,
      results: run.results,
      setPath: job.setPath,
      setHash,
      model: job.model,
      modelVersion,
      workload: first.workload,
      trigger: 'drift',
      cause: { drift: job.events.map((event) => ({ deployment: event.deployment, reportedModel: event.reportedModel, kind: event.drift.kind, reason: event.drift.reason })) },
      ...(this.#options.now === undefined ? {} : { now: this.#options.now }),
    });
    await store.recordEvalRun(record);
    outcome.runId = record.id;
    if (run.report.failed > 0) {
      outcome.result = 'incomplete';
      outcome.failedWorkloads = job.workloads.map((set) => set.workload);
      const firstFailure = run.report.failures[0];
      for (const set of job.workloads) {
        this.#raise(job, set, `Drift re-run of ${job.model} on ${set.configuredPath} for workload ${set.workload}: ${run.report.failed} of ${run.report.cases} cases failed (first: ${firstFailure?.code}: ${firstFailure?.message}); not gated.`, { runId: record.id });
      }
      return;
    }
    const baseline = previous === undefined ? undefined : recordedSamples(previous);
    if (previous === undefined || baseline === undefined) {
      outcome.result = 'reference';
      logger.info({ model: job.model, set: job.setPath, runId: record.id, mean: record.mean }, 'drift re-run: no earlier run of the model on this set; this run is recorded as the new reference');
      return;
    }
    outcome.result = 'gated';
    const candidate = scoreSamples(run.results);
    for (const set of job.workloads) {
      const decision = gate({ candidate, baseline, maxDrop: set.gate.maxDrop, confidence: set.gate.confidence, mode: set.gate.mode });
      const gateRecord = gateRecordOf({
        decision,
        maxDrop: set.gate.maxDrop,
        workload: set.workload,
        setPath: job.setPath,
        setHash,
        candidate: job.model,
        candidateVersion: modelVersion,
        baseline: job.model,
        baselineVersion: previous.modelVersion,
        trigger: 'drift',
        actor: 'gateway',
        candidateRunId: record.id,
        baselineRunId: previous.id,
        ...(this.#options.now === undefined ? {} : { now: this.#options.now }),
      });
      await store.recordGate(gateRecord);
      outcome.gateIds.push(gateRecord.id);
      logger.info({ model: job.model, workload: set.workload, gateId: gateRecord.id, passed: decision.passed, reason: decision.reason }, 'drift re-run gated against the previous version');
      if (!decision.passed) {
        outcome.failedWorkloads.push(set.workload);
        this.#raise(job, set, `Drift re-run of ${job.model} on ${set.configuredPath} for workload ${set.workload} failed its gate against the previous run: ${decision.reason}`, {
          gateId: gateRecord.id,
          runId: record.id,
          baselineRunId: previous.id,
          meanDifference: decision.comparison.meanDifference,
          bound: decision.bound,
          maxDrop: set.gate.maxDrop,
        });
      }
    }
  }

  #raise(job: RerunJob, set: WorkloadEvalSet, message: string, details: Record<string, unknown>): void {
    const alert: EvaluationAlert = {
      time: (this.#options.now ?? Date.now)(),
      kind: 'drift_rerun_failed',
      workload: set.workload,
      model: job.model,
      message,
      details: { ...details, setPath: job.setPath, deployments: [...new Set(job.events.map((event) => event.deployment))] },
    };
    try {
      this.#options.alerts?.raise(alert);
    } catch (error) {
      // The sink promises never to throw; a broken one must still not stop the other workloads' gates.
      this.#options.logger.warn({ err: error }, 'drift re-run: the alert sink threw');
    }
  }
}

function runKey(set: WorkloadEvalSet): string {
  return JSON.stringify([set.path, set.scorer, set.judgeModel ?? null]);
}
