import OpenAI from 'openai';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeOpenAIUpstream } from '../fakes/fake-openai-upstream.js';
import type { TestServer } from '../support/create-test-server.js';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.js';

/** Every request is recorded with its attempts and cost, off the request path, and is queryable. */
let upstream: TestServer;
let gateway: TestGateway;
let client: OpenAI;
let directory: string;

const config = (url: string, dir: string) => `providers:
  cheap: { type: vllm, base_url: "${url}/v1" }
  frontier: { type: openai, base_url: "${url}/v1", api_key: sk-test }
models:
  small:
    deployments: [{ provider: cheap, model: small-8b, pricing: { input_per_mtok: 0.1, output_per_mtok: 0.2 } }]
  big:
    deployments: [{ provider: frontier, model: gpt-4o, pricing: { input_per_mtok: 2.5, output_per_mtok: 10, cached_input_per_mtok: 1.25 } }]
workloads:
  triage:
    route: { model: small }
    reference_model: big
storage: { type: sqlite, path: "${dir}/log.db" }
request_log: { flush_interval_ms: 50, spill_directory: "${dir}/spill" }
`;

beforeAll(async () => {
  upstream = await createFakeOpenAIUpstream();
  directory = await mkdtemp(join(tmpdir(), 'switchyard-log-'));
  gateway = await startTestGateway(config(upstream.url, directory), { recordRequests: true });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

async function admin<T>(path: string): Promise<T> {
  const response = await fetch(`${gateway.url}/admin${path}`);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

interface LoggedRequest {
  id: string;
  workload?: string;
  status: number;
  stream: boolean;
  costUsd?: number;
  referenceCostUsd?: number;
  inputTokens?: number;
  durationMs: number;
  overheadMs?: number;
  attempts: Array<{ code: string; costUsd?: number }>;
}

describe('request log', () => {
  it('records, costs and answers queries for every request', async () => {
    const plain = await client.chat.completions.create({ model: 'workload/triage', messages: [{ role: 'user', content: 'one' }] }).withResponse();
    const stream = await client.chat.completions.create({
      model: 'workload/triage',
      messages: [{ role: 'user', content: 'two' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const _ of stream) {
      // drain
    }
    await client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }).catch(() => undefined);

    const requestId = plain.response.headers.get('x-request-id')!;
    await expect.poll(async () => (await admin<{ items: LoggedRequest[] }>('/requests')).items.length, { timeout: 5000 }).toBe(3);
    const record = await admin<LoggedRequest>(`/requests/${requestId}`);
    // The fake upstream reports 12 prompt and 5 completion tokens.
    expect(record).toMatchObject({ workload: 'triage', status: 200, stream: false, inputTokens: 12 });
    expect(record.costUsd).toBeCloseTo((12 * 0.1 + 5 * 0.2) / 1e6, 12);
    expect(record.referenceCostUsd).toBeCloseTo((12 * 2.5 + 5 * 10) / 1e6, 12);
    expect(record.attempts).toMatchObject([{ code: 'ok' }]);
    // The gateway's own time is stored with the answered request: part of its wall time, never all of it (the upstream is a real HTTP server).
    expect(record.overheadMs).toBeGreaterThan(0);
    expect(record.overheadMs).toBeLessThan(record.durationMs);

    const failed = await admin<{ items: LoggedRequest[] }>('/requests?status=error');
    expect(failed.items).toMatchObject([{ status: 404 }]);
    expect(failed.items[0]).not.toHaveProperty('overheadMs');
    const costs = await admin<{ rows: Array<{ key: string | null; requests: number; costUsd: number; savingsUsd: number }> }>('/costs?group_by=workload');
    const triage = costs.rows.find((row) => row.key === 'triage')!;
    expect(triage.requests).toBe(2);
    expect(triage.savingsUsd).toBeCloseTo(2 * ((12 * 2.5 + 5 * 10) - (12 * 0.1 + 5 * 0.2)) / 1e6, 12);
  });

  it('exposes Prometheus metrics with request counts and costs', async () => {
    const response = await fetch(`${gateway.url}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/switchyard_requests_total\{endpoint="chat",workload="triage",model="small",deployment="cheap\/small-8b",status_class="2xx",error_code=""\} 2/);
    expect(text).toMatch(/switchyard_requests_total\{[^}]*status_class="4xx",error_code="model_not_found"\} 1/);
    const cost = /switchyard_cost_usd_total\{workload="triage",deployment="cheap\/small-8b"\} ([0-9.e-]+)/.exec(text);
    expect(Number(cost?.[1])).toBeCloseTo(2 * (12 * 0.1 + 5 * 0.2) / 1e6, 12);
    expect(text).toMatch(/switchyard_circuit_breaker_state\{deployment="cheap\/small-8b"\} 0/);
    expect(text).toMatch(/switchyard_request_log_queue_depth \d+/);
    expect(text).toMatch(/switchyard_request_log_records\{fate="written"\} [1-9]/);
    if (process.platform === 'linux') {
      // The request thread has run (it answered this scrape); the log worker has written records.
      expect(Number(/switchyard_thread_cpu_seconds_total\{thread="request"\} ([0-9.e-]+)/.exec(text)?.[1])).toBeGreaterThan(0);
      expect(Number(/switchyard_thread_cpu_seconds_total\{thread="request_log_worker"\} ([0-9.e-]+)/.exec(text)?.[1])).toBeGreaterThan(0);
      expect(text).toMatch(/switchyard_thread_wait_seconds_total\{thread="request_log_worker"\} [0-9.e-]+/);
    }
  });

  it('records requests refused before routing (bad JSON, invalid field, empty embedding input) with their error code', async () => {
    const post = (path: string, body: string) => fetch(`${gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const malformed = await post('/v1/chat/completions', '{"model": "small", "messages": [');
    const invalid = await post('/v1/chat/completions', JSON.stringify({ model: 'small', stream: true, messages: [{ role: 'user', content: 'x' }], temperature: 'hot' }));
    const emptyInput = await post('/v1/embeddings', JSON.stringify({ model: 'small', input: [''] }));
    const anthropic = await post('/v1/messages', JSON.stringify({ model: 'small', messages: [{ role: 'user', content: 'x' }] }));
    expect([malformed.status, invalid.status, emptyInput.status, anthropic.status]).toEqual([400, 400, 400, 400]);
    const ids = [malformed, invalid, emptyInput, anthropic].map((response) => response.headers.get('x-request-id')!);

    await expect.poll(async () => (await admin<{ items: LoggedRequest[] }>('/requests?status=error')).items.length, { timeout: 5000 }).toBe(5);
    const records = await Promise.all(ids.map((id) => admin<LoggedRequest & { endpoint: string; requestedModel: string; errorCode: string }>(`/requests/${id}`)));
    expect(records.map(({ endpoint, requestedModel, stream, status, errorCode, attempts }) => ({ endpoint, requestedModel, stream, status, errorCode, attempts }))).toEqual([
      { endpoint: 'chat', requestedModel: '', stream: false, status: 400, errorCode: 'invalid_json', attempts: [] },
      { endpoint: 'chat', requestedModel: 'small', stream: true, status: 400, errorCode: 'invalid_value', attempts: [] },
      { endpoint: 'embeddings', requestedModel: 'small', stream: false, status: 400, errorCode: 'invalid_request', attempts: [] },
      // Anthropic's Messages API requires max_tokens.
      { endpoint: 'messages', requestedModel: 'small', stream: false, status: 400, errorCode: 'missing_required_parameter', attempts: [] },
    ]);
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(text).toMatch(/switchyard_requests_total\{endpoint="chat",[^}]*status_class="4xx",error_code="invalid_value"\} 1/);
    expect(text).toMatch(/switchyard_requests_total\{endpoint="embeddings",[^}]*status_class="4xx",error_code="invalid_request"\} 1/);
    expect(text).toMatch(/switchyard_requests_total\{endpoint="messages",[^}]*status_class="4xx",error_code="missing_required_parameter"\} 1/);
  });

  it('answers an unknown request id with a 404 of its own code (the dashboard tells it from a missing endpoint)', async () => {
    const response = await fetch(`${gateway.url}/admin/requests/does-not-exist`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'request_not_found', param: 'id', message: "No request 'does-not-exist' in the log." } });
  });

  it('rejects a bad query parameter by name', async () => {
    const response = await fetch(`${gateway.url}/admin/costs?group_by=planet`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { param: 'group_by' } });
  });
});
