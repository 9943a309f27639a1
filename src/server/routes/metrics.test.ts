import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeOpenAIUpstream } from '../../../test/fakes/fake-openai-upstream.js';
import type { TestServer } from '../../../test/support/create-test-server.js';
import { minimalConfig } from '../../../test/support/start-test-gateway.js';
import { loadConfigText } from '../../core/config/load-config.js';
import { buildGatewayRuntime } from '../../core/registry/gateway-runtime.js';
import { RuntimeHolder } from '../../core/registry/runtime-holder.js';
import { createLogger } from '../../core/telemetry/create-logger.js';
import { createMetricsObserver } from '../../core/telemetry/metrics/create-metrics-observer.js';
import { GatewayMetrics } from '../../core/telemetry/metrics/gateway-metrics.js';
import { runtimeMetricsSnapshot } from '../../core/telemetry/metrics/runtime-metrics-snapshot.js';
import { createGatewayApp } from '../app.js';
import type { GatewayEnv } from '../gateway-context.js';

let upstream: TestServer;
beforeAll(async () => {
  upstream = await createFakeOpenAIUpstream();
});
afterAll(() => upstream.close());

function createApp(options: { adminKey?: string; withMetrics?: boolean } = {}) {
  const server = options.adminKey === undefined ? '' : `server:\n  admin_key: ${options.adminKey}\n`;
  const config = loadConfigText(`${minimalConfig(upstream.url)}${server}`, 'test.yaml', { env: {} });
  const holder = new RuntimeHolder(buildGatewayRuntime(config), undefined);
  const metrics = new GatewayMetrics({ snapshot: () => runtimeMetricsSnapshot(holder.current) });
  const app = createGatewayApp({
    holder,
    logger: createLogger({ level: 'silent' }),
    observer: createMetricsObserver(metrics, { costsOf: () => ({ costUsd: 0.001 }) }),
    ...(options.withMetrics === false ? {} : { metrics }),
  });
  return { app, metrics };
}

type App = ReturnType<typeof createApp>['app'];

/**
 * GET /metrics as a client at `remoteAddress`: the node bindings @hono/node-server would pass,
 * reduced to what the gateway reads from them (the socket address and the raw headers).
 */
function scrape(app: App, remoteAddress: string, headers: Record<string, string> = {}) {
  const incoming = { socket: { remoteAddress }, headers } as unknown as IncomingMessage;
  const bindings: GatewayEnv['Bindings'] = { incoming };
  return app.request('/metrics', { headers }, bindings);
}

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

describe('GET /metrics without an admin key', () => {
  it('answers loopback clients with the Prometheus text format', async () => {
    const { app } = createApp();
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      const response = await scrape(app, address);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(PROMETHEUS_TEXT);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const text = await response.text();
      expect(text).toContain('# TYPE switchyard_requests_total counter');
      expect(text).toContain('switchyard_config_generation 1');
      expect(text).toContain('switchyard_circuit_breaker_state{deployment=');
    }
  });

  it('refuses other clients with 403', async () => {
    const { app } = createApp();
    const response = await scrape(app, '10.1.2.3');
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'permission_denied', type: 'permission_error' } });
  });

  it('counts requests served by the same app', async () => {
    const { app } = createApp();
    const chat = await app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(chat.status).toBe(200);
    await chat.text();
    const missing = await app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(missing.status).toBe(404);

    const text = await (await scrape(app, '127.0.0.1')).text();
    expect(text).toMatch(/^switchyard_requests_total\{endpoint="chat",workload="",model="mock-model",deployment="[^"]+",status_class="2xx",error_code=""\} 1$/m);
    expect(text).toContain('switchyard_requests_total{endpoint="chat",workload="",model="",deployment="",status_class="4xx",error_code="model_not_found"} 1');
    expect(text).not.toContain('no-such-model');
    expect(text).toMatch(/^switchyard_attempts_total\{deployment="[^"]+",code="ok"\} 1$/m);
    expect(text).toMatch(/^switchyard_cost_usd_total\{workload="",deployment="[^"]+"\} 0\.001$/m);
  });
});

describe('GET /metrics with an admin key', () => {
  it('needs the key, even from loopback', async () => {
    const { app } = createApp({ adminKey: 'scrape-secret' });
    expect((await scrape(app, '127.0.0.1')).status).toBe(401);
    expect((await scrape(app, '127.0.0.1', { 'x-switchyard-admin-key': 'wrong' })).status).toBe(401);
  });

  it('answers the admin key header or a bearer token, from any address', async () => {
    const { app } = createApp({ adminKey: 'scrape-secret' });
    const byHeader = await scrape(app, '10.1.2.3', { 'x-switchyard-admin-key': 'scrape-secret' });
    expect(byHeader.status).toBe(200);
    expect(byHeader.headers.get('content-type')).toBe(PROMETHEUS_TEXT);
    const byBearer = await scrape(app, '10.1.2.3', { authorization: 'Bearer scrape-secret' });
    expect(byBearer.status).toBe(200);
  });
});

it('has no /metrics route when the app is given no metrics', async () => {
  const { app } = createApp({ withMetrics: false });
  expect((await scrape(app, '127.0.0.1')).status).toBe(404);
});
