import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RequestSummary } from '../../pipeline/request-summary.js';
import type { CircuitState } from '../../resilience/circuit-breaker.js';
import { codeLabel, modelLabel, statusClassLabel } from './metric-labels.js';

/** What a deployment looks like at scrape time; `HealthRegistry.snapshot()` entries fit it as they are. */
export interface DeploymentMetricsSnapshot {
  outstanding: number;
  latencyEwmaMs: number | undefined;
  breaker: { state: CircuitState };
}

/** The live state the gauges read when Prometheus scrapes. */
export interface GatewayMetricsSnapshot {
  generation: number;
  deployments: Readonly<Record<string, DeploymentMetricsSnapshot>>;
  /** The request-log writer's counters, when the log is on. */
  requestLog?: { queued: number; written: number; spilled: number; replayed: number; failedBatches: number; dropped: number; workerYields?: number };
}

/** What one request cost, priced by the caller (metrics know nothing about prices). */
export interface RequestCosts {
  /** What the request cost, every attempt included. */
  costUsd?: number;
  /**
   * Per attempt, where known: each is charged to its own deployment (a lost hedge or a failed
   * first try is billed by its provider, not by the one that answered). Without it the whole
   * cost goes to the answering deployment.
   */
  perAttempt?: ReadonlyArray<{ deployment: string; costUsd: number | undefined }>;
  /** What it would have cost on the workload's reference model, for savings dashboards. */
  referenceCostUsd?: number;
}

export interface GatewayMetricsOptions {
  /** Read at every scrape for the deployment and config gauges; without it those gauges stay empty. */
  snapshot?: () => GatewayMetricsSnapshot;
  /** Also export Node process metrics (CPU, memory, event loop lag, GC) as `switchyard_process_*` etc. */
  processMetrics?: boolean;
  /** Told when the snapshot function throws during a scrape; the deployment gauges are then left empty. */
  onError?: (error: unknown) => void;
}

/** Bucket bounds in seconds. LLM requests run from tens of milliseconds (cache hits, embeddings) to minutes (long generations). */
export const REQUEST_DURATION_BUCKETS: readonly number[] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];
/**
 * The gateway's own time per request is a fraction of a millisecond when all is well: fine buckets
 * there (a p99 read from them is good to ~0.1 ms), then coarse ones for a slow router or a stall.
 */
export const GATEWAY_OVERHEAD_BUCKETS: readonly number[] = [
  0.0001, 0.00015, 0.0002, 0.00025, 0.0003, 0.0004, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
];
/** Time to first token is mostly sub-second to a few seconds; finer there, then the same tail. */
export const TIME_TO_FIRST_TOKEN_BUCKETS: readonly number[] = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30, 60, 120];

const BREAKER_STATE_VALUES: Readonly<Record<CircuitState, number>> = { closed: 0, 'half-open': 1, open: 2 };

const LATENCY_LABELS = ['endpoint', 'workload', 'deployment', 'stream'] as const;

/**
 * The gateway's Prometheus metrics. Each instance owns its own registry (never prom-client's
 * global one), so tests and several gateways in one process keep separate counts.
 *
 * Counters and histograms are fed by `record()` once per finished request (see
 * `createMetricsObserver`); gauges are not pushed at all but read from `options.snapshot` when
 * the registry is scraped, so they cost nothing between scrapes and are never stale.
 */
export class GatewayMetrics {
  readonly registry: Registry = new Registry();

  private readonly requests: Counter<'endpoint' | 'workload' | 'model' | 'deployment' | 'status_class' | 'error_code'>;
  private readonly requestDuration: Histogram<(typeof LATENCY_LABELS)[number]>;
  private readonly timeToFirstToken: Histogram<(typeof LATENCY_LABELS)[number]>;
  private readonly gatewayOverhead: Histogram<'endpoint' | 'workload' | 'stream'>;
  private readonly tokens: Counter<'workload' | 'deployment' | 'kind'>;
  private readonly cost: Counter<'workload' | 'deployment'>;
  private readonly referenceCost: Counter<'workload'>;
  private readonly attempts: Counter<'deployment' | 'code'>;
  private readonly fallbacks: Counter<'workload'>;
  private readonly routingDecisions: Counter<'workload' | 'router'>;
  private readonly escalations: Counter<'workload' | 'check'>;
  private readonly hedges: Counter<'workload' | 'outcome'>;
  private readonly retries: Counter<'workload'>;

  /** The snapshot of the scrape in progress, shared by the four gauges that read it. */
  private scrapeSnapshot: GatewayMetricsSnapshot | undefined;

  constructor(private readonly options: GatewayMetricsOptions = {}) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'switchyard_requests_total',
      help: 'Requests finished, by endpoint, route, status class (2xx/4xx/5xx) and error code (empty on success).',
      labelNames: ['endpoint', 'workload', 'model', 'deployment', 'status_class', 'error_code'],
      registers,
    });
    this.requestDuration = new Histogram({
      name: 'switchyard_request_duration_seconds',
      help: 'Time from request arrival to the end of the answer (for streams, the end of the stream).',
      labelNames: LATENCY_LABELS,
      buckets: [...REQUEST_DURATION_BUCKETS],
      registers,
    });
    this.timeToFirstToken = new Histogram({
      name: 'switchyard_time_to_first_token_seconds',
      help: 'Time from request arrival to the first streamed token.',
      labelNames: LATENCY_LABELS,
      buckets: [...TIME_TO_FIRST_TOKEN_BUCKETS],
      registers,
    });
    this.gatewayOverhead = new Histogram({
      name: 'switchyard_gateway_overhead_seconds',
      help: "The gateway's own time per answered request: its wall time to the end of the answer, less the time it waited on providers, on a slow client and on retry backoff.",
      labelNames: ['endpoint', 'workload', 'stream'],
      buckets: [...GATEWAY_OVERHEAD_BUCKETS],
      registers,
    });
    this.tokens = new Counter({
      name: 'switchyard_tokens_total',
      help: 'Tokens used. kind=input counts the whole prompt; cached_input and cache_write are the parts of it read from and written to the provider prompt cache.',
      labelNames: ['workload', 'deployment', 'kind'],
      registers,
    });
    this.cost = new Counter({
      name: 'switchyard_cost_usd_total',
      help: 'Spend in US dollars, by the deployment each attempt ran on (retries and lost hedges are billed too).',
      labelNames: ['workload', 'deployment'],
      registers,
    });
    this.referenceCost = new Counter({
      name: 'switchyard_reference_cost_usd_total',
      help: "What the same requests would have cost on the workload's reference model, in US dollars.",
      labelNames: ['workload'],
      registers,
    });
    this.attempts = new Counter({
      name: 'switchyard_attempts_total',
      help: 'Upstream attempts by outcome code: ok, an error code, cancelled (a lost hedge) or circuit_open (skipped). Includes retries and hedges.',
      labelNames: ['deployment', 'code'],
      registers,
    });
    this.fallbacks = new Counter({
      name: 'switchyard_fallbacks_total',
      help: 'Requests answered by a deployment other than the first one tried, because that one failed (a hedge that won the race is not counted).',
      labelNames: ['workload'],
      registers,
    });
    this.routingDecisions = new Counter({
      name: 'switchyard_routing_decisions_total',
      help: 'Chat requests by the router that decided their route: rules, learned, cascade or default.',
      labelNames: ['workload', 'router'],
      registers,
    });
    this.escalations = new Counter({
      name: 'switchyard_escalations_total',
      help: 'Cascade escalations to a stronger tier, by the check that failed (or `tier_failed` when the tier could not answer).',
      labelNames: ['workload', 'check'],
      registers,
    });
    this.hedges = new Counter({
      name: 'switchyard_hedges_total',
      help: 'Hedged attempts: won (it answered) or lost (cancelled or failed).',
      labelNames: ['workload', 'outcome'],
      registers,
    });
    this.retries = new Counter({
      name: 'switchyard_retries_total',
      help: 'Attempts that were a retry of the same deployment within a request.',
      labelNames: ['workload'],
      registers,
    });

    const read = (): GatewayMetricsSnapshot | undefined => this.readSnapshot();
    new Gauge({
      name: 'switchyard_deployment_outstanding',
      help: 'Requests in flight to the deployment.',
      labelNames: ['deployment'],
      registers,
      collect() {
        this.reset();
        const snapshot = read();
        if (snapshot) for (const [deployment, stats] of Object.entries(snapshot.deployments)) this.set({ deployment }, stats.outstanding);
      },
    });
    new Gauge({
      name: 'switchyard_circuit_breaker_state',
      help: 'Circuit breaker state of the deployment: 0 closed, 1 half-open, 2 open.',
      labelNames: ['deployment'],
      registers,
      collect() {
        this.reset();
        const snapshot = read();
        if (snapshot) {
          for (const [deployment, stats] of Object.entries(snapshot.deployments)) this.set({ deployment }, BREAKER_STATE_VALUES[stats.breaker.state]);
        }
      },
    });
    new Gauge({
      name: 'switchyard_deployment_latency_ewma_seconds',
      help: 'Exponentially weighted moving average of the deployment latency (absent until it has answered).',
      labelNames: ['deployment'],
      registers,
      collect() {
        this.reset();
        const snapshot = read();
        if (!snapshot) return;
        for (const [deployment, stats] of Object.entries(snapshot.deployments)) {
          if (stats.latencyEwmaMs !== undefined) this.set({ deployment }, stats.latencyEwmaMs / 1000);
        }
      },
    });
    // Registered only with a snapshot: an unlabelled gauge always exports a value, and 0 would lie.
    if (options.snapshot) {
      new Gauge({
        name: 'switchyard_config_generation',
        help: 'Generation of the live config; bumped by every successful reload.',
        registers,
        collect() {
          // A failed read keeps the last generation seen: it only ever grows, so that is the best guess.
          const snapshot = read();
          if (snapshot) this.set(snapshot.generation);
        },
      });
    }

    if (options.snapshot) {
      new Gauge({
        name: 'switchyard_request_log_queue_depth',
        help: 'Records waiting in memory for the request-log writer.',
        registers,
        collect() {
          const log = read()?.requestLog;
          if (log) this.set(log.queued);
        },
      });
      new Gauge({
        name: 'switchyard_request_log_records',
        help: 'Request-log records by fate since start: written, spilled to disk, replayed from disk, dropped.',
        labelNames: ['fate'],
        registers,
        collect() {
          const log = read()?.requestLog;
          if (!log) return;
          for (const fate of ['written', 'spilled', 'replayed', 'dropped'] as const) this.set({ fate }, log[fate]);
        },
      });
      new Gauge({
        name: 'switchyard_request_log_worker_yields',
        help: 'Times since start the request thread paused (up to 2 ms) so an idle-priority request-log worker that had fallen behind could write.',
        registers,
        collect() {
          const yields = read()?.requestLog?.workerYields;
          if (yields !== undefined) this.set(yields);
        },
      });
    }

    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'switchyard_' });
  }

  /** Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** Content type of `render()`'s output. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * Counts one finished request. Cheap and synchronous: a handful of label lookups and
   * increments, one pass over the attempts. Never throws for odd numbers (negative or NaN
   * values are skipped, since prom-client throws on a decreasing counter). `overheadMs` is the
   * gateway's own time for an answered request (`overheadOf`), when known.
   */
  record(summary: RequestSummary, costs?: RequestCosts, overheadMs?: number): void {
    const workload = summary.workload ?? '';
    const deployment = summary.deployment ?? '';
    const endpoint = summary.endpoint;
    const stream = summary.stream ? 'true' : 'false';

    this.requests.inc({
      endpoint,
      workload,
      model: modelLabel(summary),
      deployment,
      status_class: statusClassLabel(summary.status),
      error_code: codeLabel(summary.errorCode),
    });
    if (isCount(summary.durationMs)) this.requestDuration.observe({ endpoint, workload, deployment, stream }, summary.durationMs / 1000);
    if (summary.timeToFirstTokenMs !== undefined && isCount(summary.timeToFirstTokenMs)) {
      this.timeToFirstToken.observe({ endpoint, workload, deployment, stream }, summary.timeToFirstTokenMs / 1000);
    }
    if (overheadMs !== undefined && isCount(overheadMs)) this.gatewayOverhead.observe({ endpoint, workload, stream }, overheadMs / 1000);

    // A cache hit consumed no upstream tokens; its stored usage is the original answer's.
    const usage = summary.cacheHit ? undefined : summary.usage;
    if (usage) {
      this.addTokens(workload, deployment, 'input', usage.inputTokens);
      this.addTokens(workload, deployment, 'output', usage.outputTokens);
      this.addTokens(workload, deployment, 'cached_input', usage.cacheReadInputTokens);
      this.addTokens(workload, deployment, 'cache_write', usage.cacheWriteInputTokens);
    }
    if (costs) {
      if (costs.perAttempt !== undefined) {
        for (const attempt of costs.perAttempt) {
          if (attempt.costUsd !== undefined && isPositive(attempt.costUsd)) this.cost.inc({ workload, deployment: attempt.deployment }, attempt.costUsd);
        }
      } else if (isPositive(costs.costUsd)) this.cost.inc({ workload, deployment }, costs.costUsd);
      if (isPositive(costs.referenceCostUsd)) this.referenceCost.inc({ workload }, costs.referenceCostUsd);
    }

    let retries = 0;
    let hedgesWon = 0;
    let hedgesLost = 0;
    for (const attempt of summary.attempts) {
      this.attempts.inc({ deployment: attempt.deployment, code: codeLabel(attempt.code) });
      if (attempt.retry !== undefined && attempt.retry > 0) retries += 1;
      if (attempt.hedge === true) {
        if (attempt.code === 'ok') hedgesWon += 1;
        else hedgesLost += 1;
      }
    }
    if (retries > 0) this.retries.inc({ workload }, retries);
    if (hedgesWon > 0) this.hedges.inc({ workload, outcome: 'won' }, hedgesWon);
    if (hedgesLost > 0) this.hedges.inc({ workload, outcome: 'lost' }, hedgesLost);
    const routing = summary.routing;
    if (routing) {
      this.routingDecisions.inc({ workload, router: routing.router });
      for (const step of routing.steps ?? []) {
        // Check kinds are a fixed set from the config schema, so they are safe as label values.
        if (step.outcome !== 'accepted') this.escalations.inc({ workload, check: step.outcome === 'failed' ? 'tier_failed' : (step.check ?? 'unknown') });
      }
    }
    // A deployment skipped for an open breaker counts as tried: its traffic went elsewhere. In a
    // cascade, only the answering tier's own attempts count (escalation is not a fallback).
    const answeringTier = routing?.tier;
    const first = answeringTier === undefined ? summary.attempts[0] : summary.attempts.find((attempt) => attempt.purpose === undefined && attempt.tier === answeringTier);
    // A hedge that won while the first attempt still ran (it ends `cancelled`) is not a fallback.
    if (summary.deployment !== undefined && first !== undefined && first.deployment !== summary.deployment && first.code !== 'cancelled') {
      this.fallbacks.inc({ workload });
    }
  }

  private addTokens(workload: string, deployment: string, kind: 'input' | 'output' | 'cached_input' | 'cache_write', count: number | undefined): void {
    if (isPositive(count)) this.tokens.inc({ workload, deployment, kind }, count);
  }

  /**
   * One snapshot per scrape: prom-client runs every metric's `collect()` in the same synchronous
   * pass, so the first gauge reads the snapshot and the rest reuse it until the pass is over.
   */
  private readSnapshot(): GatewayMetricsSnapshot | undefined {
    const source = this.options.snapshot;
    if (!source) return undefined;
    if (this.scrapeSnapshot === undefined) {
      try {
        this.scrapeSnapshot = source();
      } catch (error) {
        this.options.onError?.(error);
        return undefined;
      }
      queueMicrotask(() => {
        this.scrapeSnapshot = undefined;
      });
    }
    return this.scrapeSnapshot;
  }
}

function isCount(value: number): boolean {
  return Number.isFinite(value) && value >= 0;
}

function isPositive(value: number | undefined): value is number {
  return value !== undefined && Number.isFinite(value) && value > 0;
}
