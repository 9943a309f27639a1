import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, TraceIdRatioBasedSampler, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { RequestSink } from '../request-recorder.js';
import { createRequestTraceSink, type RequestTraceLookups } from './request-trace-sink.js';
import type { TracingConfig } from './tracing-config.js';

export interface RequestTracing {
  sink: RequestSink;
  /** Exports every span still queued. */
  flush(): Promise<void>;
  /** Flushes, then stops the exporter; later spans are dropped. */
  shutdown(): Promise<void>;
}

export interface StartRequestTracingOptions {
  /** Replaces the OTLP/HTTP exporter (tests use an in-memory one). */
  exporter?: SpanExporter;
  lookups?: RequestTraceLookups;
  /** Reported as `service.version`. */
  serviceVersion?: string;
  /** How often the batch processor exports (default 5000 ms, as the SDK's). */
  scheduledDelayMillis?: number;
}

/**
 * Traces of finished requests, exported over OTLP/HTTP (JSON) to `otlp_endpoint`. The provider is
 * private to the gateway, not registered as the global one, so an embedding application's own
 * OpenTelemetry setup is left alone.
 */
export function startRequestTracing(config: TracingConfig, options: StartRequestTracingOptions = {}): RequestTracing {
  const exporter =
    options.exporter ?? new OTLPTraceExporter({ url: config.otlp_endpoint, headers: { ...config.headers }, timeoutMillis: 10_000 });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: config.service_name,
      ...(options.serviceVersion === undefined ? {} : { [ATTR_SERVICE_VERSION]: options.serviceVersion }),
    }),
    sampler: new TraceIdRatioBasedSampler(config.sample_ratio),
    spanProcessors: [
      new BatchSpanProcessor(exporter, {
        // Spans are dropped, never queued without bound, when the collector is slow or away.
        maxQueueSize: 8192,
        maxExportBatchSize: 512,
        ...(options.scheduledDelayMillis === undefined ? {} : { scheduledDelayMillis: options.scheduledDelayMillis }),
      }),
    ],
  });
  const tracer = provider.getTracer('switchyard', options.serviceVersion);
  return {
    sink: createRequestTraceSink(tracer, options.lookups),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
