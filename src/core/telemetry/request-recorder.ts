import { costRequest, type RequestCost } from '../cost/cost-request.js';
import type { RequestObserver, RequestSummary } from '../pipeline/request-summary.js';
import type { GatewayRuntime } from '../registry/gateway-runtime.js';
import { preparePayload, type PayloadCaptureSettings } from '../redaction/prepare-payload.js';
import type { AttemptLogRecord, RequestLogRecord } from './request-log-record.js';

/** Anything that takes a costed request: the request-log writer, metrics. */
export interface RequestSink {
  record(summary: RequestSummary, record: RequestLogRecord, cost: RequestCost): void;
}

/**
 * The pipeline's observer: it queues each finished request and, off the request path (on the
 * next turn of the event loop), prices it, builds its log record and hands it to the sinks.
 */
export class RequestRecorder implements RequestObserver {
  private pending: Array<{ summary: RequestSummary; endedAt: number }> = [];
  private scheduled = false;

  constructor(
    private readonly runtime: () => GatewayRuntime,
    private readonly sinks: RequestSink[],
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  onRequestEnd(summary: RequestSummary): void {
    this.pending.push({ summary, endedAt: Date.now() });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  /** Processes everything queued now (also called on shutdown). */
  drain(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    const runtime = this.runtime();
    const { max_bytes: maxBytes, redact } = runtime.config.requestLog.capture_payloads;
    const capture = { maxBytes, redact };
    for (const { summary, endedAt } of batch) {
      try {
        const cost = costRequest({
          attempts: summary.attempts,
          pricingOf: (deploymentId) => runtime.pricing.of(deploymentId),
          referencePricing: runtime.pricing.referenceFor(summary.workload),
        });
        const record = toRequestLogRecord(summary, cost, endedAt, capture);
        for (const sink of this.sinks) sink.record(summary, record, cost);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}

/**
 * The log record of a summary. Payloads (present only when capture was on for the request) are
 * redacted and capped here, off the request path, as `capture` says.
 */
export function toRequestLogRecord(
  summary: RequestSummary,
  cost: RequestCost,
  endedAt: number,
  capture: PayloadCaptureSettings = { maxBytes: 65_536, redact: true },
): RequestLogRecord {
  const answered = summary.attempts.findLast((attempt) => attempt.code === 'ok');
  const usage = summary.usage ?? answered?.usage;
  const attempts: AttemptLogRecord[] = summary.attempts.map((attempt, index) => ({
    deployment: attempt.deployment,
    provider: attempt.provider,
    code: attempt.code,
    latencyMs: attempt.latencyMs,
    ...(attempt.message === undefined ? {} : { message: attempt.message }),
    ...(attempt.upstreamStatus === undefined ? {} : { upstreamStatus: attempt.upstreamStatus }),
    ...(attempt.retry === undefined ? {} : { retry: attempt.retry }),
    ...(attempt.hedge ? { hedge: true } : {}),
    ...(attempt.usage?.inputTokens === undefined ? {} : { inputTokens: attempt.usage.inputTokens }),
    ...(attempt.usage?.outputTokens === undefined ? {} : { outputTokens: attempt.usage.outputTokens }),
    ...(attempt.usage?.cacheReadInputTokens === undefined ? {} : { cachedInputTokens: attempt.usage.cacheReadInputTokens }),
    ...(attempt.usage?.cacheWriteInputTokens === undefined ? {} : { cacheWriteInputTokens: attempt.usage.cacheWriteInputTokens }),
    ...(cost.perAttempt[index]?.costUsd === undefined ? {} : { costUsd: cost.perAttempt[index]!.costUsd }),
  }));
  return {
    id: summary.requestId,
    time: Math.round(endedAt - summary.durationMs),
    durationMs: summary.durationMs,
    endpoint: summary.endpoint,
    stream: summary.stream,
    ...(summary.apiKey === undefined ? {} : { apiKey: summary.apiKey }),
    ...(summary.workload === undefined ? {} : { workload: summary.workload }),
    requestedModel: summary.requestedModel,
    ...(summary.routeModel === undefined ? {} : { routeModel: summary.routeModel }),
    ...(summary.routeReason === undefined ? {} : { routeReason: summary.routeReason }),
    ...(summary.deployment === undefined ? {} : { deployment: summary.deployment }),
    ...(summary.upstreamModel === undefined ? {} : { upstreamModel: summary.upstreamModel }),
    status: summary.status,
    ...(summary.errorCode === undefined ? {} : { errorCode: summary.errorCode }),
    cacheHit: summary.cacheHit === true,
    ...(summary.timeToFirstTokenMs === undefined ? {} : { timeToFirstTokenMs: summary.timeToFirstTokenMs }),
    ...(usage?.inputTokens === undefined ? {} : { inputTokens: usage.inputTokens }),
    ...(usage?.outputTokens === undefined ? {} : { outputTokens: usage.outputTokens }),
    ...(usage?.cacheReadInputTokens === undefined ? {} : { cachedInputTokens: usage.cacheReadInputTokens }),
    ...(usage?.cacheWriteInputTokens === undefined ? {} : { cacheWriteInputTokens: usage.cacheWriteInputTokens }),
    ...(cost.costUsd === undefined ? {} : { costUsd: cost.costUsd }),
    ...(cost.referenceCostUsd === undefined ? {} : { referenceCostUsd: cost.referenceCostUsd }),
    attempts,
    ...(summary.requestPayload === undefined && summary.responsePayload === undefined
      ? {}
      : { payload: preparePayload({ request: summary.requestPayload, response: summary.responsePayload }, capture) }),
  };
}
