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
  // Plain assignments rather than conditional spreads: this runs for every request.
  const answered = summary.attempts.findLast((attempt) => attempt.code === 'ok');
  const usage = summary.usage ?? answered?.usage;
  const attempts: AttemptLogRecord[] = summary.attempts.map((attempt, index) => {
    const logged: AttemptLogRecord = { deployment: attempt.deployment, provider: attempt.provider, code: attempt.code, latencyMs: attempt.latencyMs };
    if (attempt.message !== undefined) logged.message = attempt.message;
    if (attempt.upstreamStatus !== undefined) logged.upstreamStatus = attempt.upstreamStatus;
    if (attempt.retry !== undefined) logged.retry = attempt.retry;
    if (attempt.hedge) logged.hedge = true;
    if (attempt.tier !== undefined) logged.tier = attempt.tier;
    if (attempt.purpose !== undefined) logged.purpose = attempt.purpose;
    const attemptUsage = attempt.usage;
    if (attemptUsage) {
      if (attemptUsage.inputTokens !== undefined) logged.inputTokens = attemptUsage.inputTokens;
      if (attemptUsage.outputTokens !== undefined) logged.outputTokens = attemptUsage.outputTokens;
      if (attemptUsage.cacheReadInputTokens !== undefined) logged.cachedInputTokens = attemptUsage.cacheReadInputTokens;
      if (attemptUsage.cacheWriteInputTokens !== undefined) logged.cacheWriteInputTokens = attemptUsage.cacheWriteInputTokens;
    }
    const attemptCost = cost.perAttempt[index]?.costUsd;
    if (attemptCost !== undefined) logged.costUsd = attemptCost;
    return logged;
  });
  const record: RequestLogRecord = {
    id: summary.requestId,
    time: Math.round(endedAt - summary.durationMs),
    durationMs: summary.durationMs,
    endpoint: summary.endpoint,
    stream: summary.stream,
    requestedModel: summary.requestedModel,
    status: summary.status,
    cacheHit: summary.cacheHit === true,
    attempts,
  };
  if (summary.apiKey !== undefined) record.apiKey = summary.apiKey;
  if (summary.workload !== undefined) record.workload = summary.workload;
  if (summary.routeModel !== undefined) record.routeModel = summary.routeModel;
  if (summary.routeReason !== undefined) record.routeReason = summary.routeReason;
  if (summary.policy !== undefined) record.policy = { ...summary.policy };
  const routing = summary.routing;
  if (routing) {
    record.router = routing.router;
    if (routing.score !== undefined) record.routeScore = routing.score;
    if (routing.tiers) {
      record.cascade = { tiers: [...routing.tiers], steps: (routing.steps ?? []).map((step) => ({ ...step })) };
      if (routing.tier !== undefined) record.cascade.tier = routing.tier;
    }
  }
  if (summary.deployment !== undefined) record.deployment = summary.deployment;
  if (summary.upstreamModel !== undefined) record.upstreamModel = summary.upstreamModel;
  if (summary.errorCode !== undefined) record.errorCode = summary.errorCode;
  if (summary.timeToFirstTokenMs !== undefined) record.timeToFirstTokenMs = summary.timeToFirstTokenMs;
  const overheadMs = overheadOf(summary);
  if (overheadMs !== undefined) record.overheadMs = overheadMs;
  if (usage) {
    if (usage.inputTokens !== undefined) record.inputTokens = usage.inputTokens;
    if (usage.outputTokens !== undefined) record.outputTokens = usage.outputTokens;
    if (usage.cacheReadInputTokens !== undefined) record.cachedInputTokens = usage.cacheReadInputTokens;
    if (usage.cacheWriteInputTokens !== undefined) record.cacheWriteInputTokens = usage.cacheWriteInputTokens;
  }
  if (cost.costUsd !== undefined) record.costUsd = cost.costUsd;
  if (cost.referenceCostUsd !== undefined) record.referenceCostUsd = cost.referenceCostUsd;
  if (summary.requestPayload !== undefined || summary.responsePayload !== undefined) {
    record.payload = preparePayload({ request: summary.requestPayload, response: summary.responsePayload }, capture);
  }
  return record;
}

/** The gateway's own time for an answered request (its wait clock finished), in ms to the microsecond. */
export function overheadOf(summary: RequestSummary): number | undefined {
  const clock = summary.waitClock;
  if (clock === undefined || !clock.finished) return undefined;
  return Math.round(clock.ownTimeMs(summary.startedAt) * 1000) / 1000;
}
