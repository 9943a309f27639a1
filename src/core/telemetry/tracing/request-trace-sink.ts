import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type HrTime, type Tracer } from '@opentelemetry/api';
import type { RequestSink } from '../request-recorder.js';
import { buildRequestSpans, type BuildRequestSpansOptions, type PlannedSpan } from './build-request-spans.js';
import { merged } from '../../../spec/merged.js';

export type RequestTraceLookups = Omit<BuildRequestSpansOptions, 'finishReasons'>;

/**
 * A request sink that emits each finished request as a trace. It runs where every sink runs: in the
 * recorder's drain, after the response, so spans are built off the request path; the batch span
 * processor then exports them in the background.
 */
export function createRequestTraceSink(tracer: Tracer, lookups: RequestTraceLookups = {}): RequestSink {
  return {
    record(summary, record) {
      const planned = buildRequestSpans(record, summary.finishReason === undefined ? lookups : merged(lookups, { finishReasons: [summary.finishReason] }));
      const parent = startSpan(tracer, planned.request, undefined);
      const parentContext = trace.setSpan(ROOT_CONTEXT, parent);
      for (const attempt of planned.attempts) startSpan(tracer, attempt, parentContext).end(toHrTime(attempt.endMs));
      parent.end(toHrTime(planned.request.endMs));
    },
  };
}

function startSpan(tracer: Tracer, planned: PlannedSpan, parentContext: typeof ROOT_CONTEXT | undefined) {
  const span = tracer.startSpan(
    planned.name,
    { kind: planned.kind === 'server' ? SpanKind.SERVER : SpanKind.CLIENT, startTime: toHrTime(planned.startMs), attributes: planned.attributes },
    parentContext ?? ROOT_CONTEXT,
  );
  if (planned.error) span.setStatus({ code: SpanStatusCode.ERROR, message: planned.error.message });
  return span;
}

/**
 * Unix milliseconds as `[seconds, nanoseconds]`. A plain number would be ambiguous to the SDK: one
 * smaller than the process's time origin is read as a `performance.now()` offset, not an epoch time.
 */
export function toHrTime(epochMs: number): HrTime {
  const seconds = Math.floor(epochMs / 1000);
  const nanoseconds = Math.min(Math.round((epochMs - seconds * 1000) * 1e6), 999_999_999);
  return [seconds, nanoseconds];
}
