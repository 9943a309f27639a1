import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../../../../test/support/create-test-server.js';
import type { RequestCost } from '../../cost/cost-request.js';
import type { RequestSummary } from '../../pipeline/request-summary.js';
import type { RequestLogRecord } from '../request-log-record.js';
import { startRequestTracing } from './start-request-tracing.js';
import { tracingConfigSchema } from './tracing-config.js';

const START = Date.UTC(2025, 0, 15, 10, 0, 0);

const record: RequestLogRecord = {
  id: 'req-42',
  time: START,
  durationMs: 1000.5,
  endpoint: 'chat',
  stream: true,
  workload: 'support',
  requestedModel: 'workload/support',
  routeModel: 'small',
  deployment: 'claude/sonnet',
  upstreamModel: 'claude-sonnet-4-20250514',
  status: 200,
  cacheHit: false,
  inputTokens: 100,
  outputTokens: 20,
  costUsd: 0.002,
  attempts: [
    { deployment: 'local/llama', provider: 'local', code: 'provider_http_error', upstreamStatus: 503, latencyMs: 200 },
    { deployment: 'claude/sonnet', provider: 'claude', code: 'ok', latencyMs: 600, inputTokens: 100, outputTokens: 20, costUsd: 0.002 },
  ],
};
// The sink reads the record; the summary and cost are what the recorder passes alongside it.
const summary = { requestId: record.id, finishReason: 'stop' } as RequestSummary;
const cost = { costUsd: 0.002, perAttempt: [] } as unknown as RequestCost;
const lookups = {
  providerTypeOf: (name: string) => ({ local: 'vllm', claude: 'anthropic' })[name],
  upstreamModelOf: (id: string) => ({ 'local/llama': 'llama-3.1-8b', 'claude/sonnet': 'claude-sonnet-4-20250514' })[id],
};

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('startRequestTracing', () => {
  it('exports one server span per request with a client child per attempt, at the recorded times', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startRequestTracing(tracingConfigSchema.parse({ enabled: true, service_name: 'gateway-test' }), { exporter, lookups });
    tracing.sink.record(summary, record, cost);
    await tracing.flush();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name).sort()).toEqual(['chat claude-sonnet-4-20250514', 'chat llama-3.1-8b', 'chat workload/support']);
    const root = spans.find((span) => span.name === 'chat workload/support')!;
    const [failed, answered] = ['chat llama-3.1-8b', 'chat claude-sonnet-4-20250514'].map((name) => spans.find((span) => span.name === name)!);
    expect(root.kind).toBe(SpanKind.SERVER);
    expect(root.parentSpanContext).toBeUndefined();
    expect(root.resource.attributes['service.name']).toBe('gateway-test');
    expect(root.startTime).toEqual([START / 1000, 0]);
    expect(root.endTime).toEqual([START / 1000 + 1, 500_000]);
    expect(root.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'workload/support',
      'gen_ai.response.model': 'claude-sonnet-4-20250514',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.output_tokens': 20,
      'switchyard.workload': 'support',
      'switchyard.deployment': 'claude/sonnet',
      'switchyard.cost_usd': 0.002,
      'switchyard.cache_hit': false,
      'switchyard.fallback': true,
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(root.status.code).toBe(SpanStatusCode.UNSET);
    for (const child of [failed!, answered!]) {
      expect(child.kind).toBe(SpanKind.CLIENT);
      expect(child.spanContext().traceId).toBe(root.spanContext().traceId);
      expect(child.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    }
    expect(failed!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'provider_http_error' });
    expect(failed!.attributes).toMatchObject({ 'gen_ai.provider.name': 'vllm', 'error.type': 'provider_http_error', 'http.response.status_code': 503 });
    expect([failed!.startTime, failed!.endTime]).toEqual([
      [START / 1000, 0],
      [START / 1000, 200_000_000],
    ]);
    expect([answered!.startTime, answered!.endTime]).toEqual([
      [START / 1000, 200_000_000],
      [START / 1000, 800_000_000],
    ]);
    await tracing.shutdown();
  });

  it('samples by sample_ratio', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startRequestTracing(tracingConfigSchema.parse({ enabled: true, sample_ratio: 0 }), { exporter });
    tracing.sink.record(summary, record, cost);
    await tracing.flush();
    expect(exporter.getFinishedSpans()).toEqual([]);
    await tracing.shutdown();
  });

  it('posts the spans over OTLP/HTTP to a collector, with the configured headers', async () => {
    server = await createTestServer();
    server.setDefault('/v1/traces', { type: 'json', body: {} });
    const tracing = startRequestTracing(
      tracingConfigSchema.parse({ enabled: true, otlp_endpoint: `${server.url}/v1/traces`, service_name: 'switchyard-e2e', headers: { 'x-collector-key': 'secret' } }),
      { lookups },
    );
    tracing.sink.record(summary, record, cost);
    tracing.sink.record(summary, { ...record, id: 'req-43', status: 503, errorCode: 'all_targets_failed', deployment: undefined, attempts: [record.attempts[0]!] }, cost);
    // Shutdown flushes what the batch processor still holds.
    await tracing.shutdown();
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request!.method).toBe('POST');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['x-collector-key']).toBe('secret');
    const body = request!.body as OtlpTraceRequest;
    const resource = body.resourceSpans[0]!;
    expect(resource.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'switchyard-e2e' } });
    const spans = resource.scopeSpans.flatMap((scope) => scope.spans);
    expect(spans.map((span) => span.name).sort()).toEqual([
      'chat claude-sonnet-4-20250514',
      'chat llama-3.1-8b',
      'chat llama-3.1-8b',
      'chat workload/support',
      'chat workload/support',
    ]);
    const roots = spans.filter((span) => span.name === 'chat workload/support');
    const attribute = (span: OtlpSpan, key: string) => span.attributes.find((entry) => entry.key === key)?.value;
    const ok = roots.find((span) => attribute(span, 'switchyard.request_id')?.stringValue === 'req-42')!;
    expect(attribute(ok, 'gen_ai.request.model')).toEqual({ stringValue: 'workload/support' });
    expect(attribute(ok, 'gen_ai.usage.input_tokens')).toEqual({ intValue: 100 });
    expect(attribute(ok, 'switchyard.cost_usd')).toEqual({ doubleValue: 0.002 });
    expect(ok.startTimeUnixNano).toBe(String(START * 1e6));
    expect(ok.parentSpanId ?? '').toBe('');
    const children = spans.filter((span) => span.traceId === ok.traceId && span !== ok);
    expect(children.map((span) => span.parentSpanId)).toEqual([ok.spanId, ok.spanId]);
    const failedRequest = roots.find((span) => span !== ok)!;
    expect(failedRequest.status).toEqual({ code: 2, message: 'HTTP 503 all_targets_failed' });
    expect(attribute(failedRequest, 'error.type')).toEqual({ stringValue: 'all_targets_failed' });
  });
});

/** The parts of an OTLP/JSON ExportTraceServiceRequest these tests read. */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
  status: { code?: number; message?: string };
}
interface OtlpTraceRequest {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: Record<string, unknown> }> };
    scopeSpans: Array<{ spans: OtlpSpan[] }>;
  }>;
}
