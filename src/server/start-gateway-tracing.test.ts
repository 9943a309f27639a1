import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeOpenAIUpstream } from '../../test/fakes/fake-openai-upstream.js';
import { createTestServer, type TestServer } from '../../test/support/create-test-server.js';
import { startTestGateway, type TestGateway } from '../../test/support/start-test-gateway.js';

/** A gateway with `telemetry.tracing` on sends each request's trace to the collector, flushed on close. */
let upstream: TestServer;
let collector: TestServer;
let gateway: TestGateway;

beforeAll(async () => {
  upstream = await createFakeOpenAIUpstream();
  collector = await createTestServer();
  collector.setDefault('/v1/traces', { type: 'json', body: {} });
  gateway = await startTestGateway(`providers:
  local: { type: vllm, base_url: "${upstream.url}/v1" }
models:
  small:
    deployments: [{ provider: local, model: small-8b }]
workloads:
  triage: { route: { model: small } }
telemetry:
  tracing: { enabled: true, otlp_endpoint: "${collector.url}/v1/traces", service_name: gateway-under-test }
`);
});
afterAll(async () => {
  await upstream.close();
  await collector.close();
});

describe('startGateway with tracing', () => {
  it('exports the request span and its attempt over OTLP/HTTP when it closes', async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'workload/triage', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    await gateway.close();
    const spans = collector.requests.flatMap(
      (request) =>
        (request.body as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string; attributes: Array<{ key: string; value: Record<string, unknown> }> }> }> }> })
          .resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans)),
    );
    expect(spans.map((span) => span.name).sort()).toEqual(['chat small-8b', 'chat workload/triage']);
    const attempt = spans.find((span) => span.name === 'chat small-8b')!;
    expect(attempt.attributes).toContainEqual({ key: 'gen_ai.provider.name', value: { stringValue: 'vllm' } });
    const root = spans.find((span) => span.name === 'chat workload/triage')!;
    expect(root.attributes).toContainEqual({ key: 'switchyard.workload', value: { stringValue: 'triage' } });
    expect(root.attributes).toContainEqual({ key: 'gen_ai.usage.input_tokens', value: { intValue: 12 } });
  });
});
