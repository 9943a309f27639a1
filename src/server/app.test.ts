import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeOpenAIUpstream } from '../../test/fakes/fake-openai-upstream.js';
import type { TestServer } from '../../test/support/create-test-server.js';
import { createTestApp, minimalConfig } from '../../test/support/start-test-gateway.js';
import { loadConfigText } from '../core/config/load-config.js';
import { RegistryOverlay } from '../core/governance/registry-state/registry-overlay.js';
import { RuntimeHolder } from '../core/registry/runtime-holder.js';
import { createLogger } from '../core/telemetry/create-logger.js';
import { buildGatewayRuntime } from '../core/registry/gateway-runtime.js';
import { createGatewayApp } from './app.js';

let upstream: TestServer;
let app: ReturnType<typeof createTestApp>['app'];
let summaries: ReturnType<typeof createTestApp>['summaries'];

beforeAll(async () => {
  upstream = await createFakeOpenAIUpstream();
  const yaml = `${minimalConfig(upstream.url)}  embedder:
    kind: embedding
    deployments:
      - provider: local
        model: text-embedding-3-small
  ollama-model:
    deployments:
      - provider: ollama
        model: llama3.1
`;
  const withOllama = yaml.replace(
    'providers:\n',
    `providers:\n  ollama:\n    type: ollama\n    base_url: ${upstream.url}/v1\n`,
  );
  const full = `${withOllama}workloads:\n  triage:\n    route: { model: mock-model, fallbacks: [ollama-model] }\nserver:\n  max_body_bytes: 2048\n`;
  ({ app, summaries } = createTestApp(full));
});
afterAll(() => upstream.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const chat = (body: Record<string, unknown>, headers?: Record<string, string>) =>
  post('/v1/chat/completions', { model: 'mock-model', messages: [{ role: 'user', content: 'hi' }], ...body }, headers);

async function expectError(response: Response, status: number, param: string | null, message: RegExp) {
  expect(response.status).toBe(status);
  const body = (await response.json()) as { error: { message: string; type: string; param: string | null; code: string | null } };
  expect(body.error.param).toBe(param);
  expect(body.error.message).toMatch(message);
  expect(typeof body.error.type).toBe('string');
  return body.error;
}

describe('health and discovery', () => {
  it('answers /healthz and /readyz', async () => {
    expect(await (await app.request('/healthz')).json()).toEqual({ status: 'ok' });
    expect(await (await app.request('/readyz')).json()).toMatchObject({ status: 'ready', generation: 1, deployments: 3 });
  });

  it('lists models and workloads on /v1/models', async () => {
    const response = await app.request('/v1/models', { headers: { 'x-request-id': 'list-1' } });
    expect(response.headers.get('x-request-id')).toBe('list-1');
    const body = (await response.json()) as { data: Array<{ id: string; object: string; route?: unknown }> };
    expect(body.data.map((model) => model.id)).toEqual(['mock-model', 'embedder', 'ollama-model', 'workload/triage']);
    expect(body.data.every((model) => model.object === 'model')).toBe(true);
    // A workload's route lists model names (fallback rules carry their conditions elsewhere).
    expect(body.data.at(-1)!.route).toEqual(['mock-model', 'ollama-model']);
  });

  it('leaves retired models out of /v1/models, whether retired in config or through the admin API, and shows each lifecycle', async () => {
    const yaml = `${minimalConfig(upstream.url)}  old-model:
    registry: { lifecycle: retired }
    deployments:
      - provider: local
        model: old
  fading-model:
    registry: { lifecycle: deprecated, deprecation_date: '2027-01-31' }
    deployments:
      - provider: local
        model: fading
`;
    const config = loadConfigText(yaml, 'test.yaml', { env: {} });
    const registryOverlay = new RegistryOverlay();
    const retiredApp = createGatewayApp({ holder: new RuntimeHolder(buildGatewayRuntime(config), undefined), logger: createLogger({ level: 'silent' }), registryOverlay });
    const list = async () => ((await (await retiredApp.request('/v1/models')).json()) as { data: Array<{ id: string; lifecycle?: string }> }).data;
    expect((await list()).map((model) => [model.id, model.lifecycle])).toEqual([
      ['mock-model', 'approved'],
      ['fading-model', 'deprecated'],
    ]);
    registryOverlay.set({ model: 'mock-model', lifecycle: 'retired', reason: 'incident', actor: 'ops', updatedAt: Date.now() });
    expect((await list()).map((model) => model.id)).toEqual(['fading-model']);
    // And such a request is refused, as the listing implies.
    const refused = await retiredApp.request('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'old-model', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(refused.status).toBeGreaterThanOrEqual(400);
  });

  it('answers an unknown path with a 404 in the OpenAI error shape, carrying x-request-id', async () => {
    const response = await app.request('/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toMatchObject({ error: { code: 'not_found', type: 'invalid_request_error' } });
    // Under /v1/messages/ (the Anthropic SDK's count_tokens, say) in Anthropic's shape.
    const anthropic = await app.request('/v1/messages/count_tokens', { method: 'POST', body: '{}' });
    expect(anthropic.status).toBe(404);
    expect(await anthropic.json()).toEqual({ type: 'error', error: { type: 'not_found_error', message: 'No route for POST /v1/messages/count_tokens.' } });
  });
});

describe('chat completions', () => {
  it('routes by model name and by workload (name or header), and says so in headers', async () => {
    const byModel = await chat({});
    expect(byModel.status).toBe(200);
    expect(byModel.headers.get('x-switchyard-deployment')).toBe('local/mock-model');
    const byWorkload = await chat({ model: 'workload/triage' });
    expect(byWorkload.headers.get('x-switchyard-workload')).toBe('triage');
    const byHeader = await chat({ model: 'anything' }, { 'x-switchyard-workload': 'triage' });
    expect(byHeader.status).toBe(200);
    expect(byHeader.headers.get('x-switchyard-workload')).toBe('triage');
    const completion = (await byModel.json()) as { object: string; choices: Array<{ message: { content: string } }> };
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]!.message.content).toBe('Echo: hi');
    expect(summaries.at(-1)).toMatchObject({ endpoint: 'chat', workload: 'triage', deployment: 'local/mock-model', status: 200 });
  });
});

describe('bad input', () => {
  it('malformed JSON → 400 invalid_json', async () => {
    const error = await expectError(await post('/v1/chat/completions', '{"model": "mock-model", '), 400, null, /not valid JSON/);
    expect(error.code).toBe('invalid_json');
  });

  it('wrong type → 400 naming the field', async () => {
    await expectError(await chat({ temperature: 'hot' }), 400, 'temperature', /Invalid value for 'temperature'/);
    await expectError(await chat({ messages: [{ role: 'user', content: 42 }] }), 400, 'messages[0].content', /messages\[0\]\.content/);
  });

  it('missing messages → 400 naming messages', async () => {
    await expectError(await post('/v1/chat/completions', { model: 'mock-model' }), 400, 'messages', /Missing required parameter: 'messages'/);
    await expectError(await chat({ messages: [] }), 400, 'messages', /at least one message/);
  });

  it('unknown model or workload → 404 naming it', async () => {
    const error = await expectError(await chat({ model: 'gpt-9' }), 404, 'model', /Model 'gpt-9' is not configured\. Known models: mock-model/);
    expect(error.code).toBe('model_not_found');
    await expectError(await chat({ model: 'workload/nope' }), 404, 'model', /Workload 'nope' is not configured/);
    await expectError(await chat({}, { 'x-switchyard-workload': 'nope' }), 404, 'x-switchyard-workload', /from header/);
  });

  it('an embedding model on the chat endpoint → 400', async () => {
    await expectError(await chat({ model: 'embedder' }), 400, 'model', /embedding model/);
  });

  it('body over the configured limit → 413', async () => {
    const response = await chat({ messages: [{ role: 'user', content: 'x'.repeat(4000) }] });
    await expectError(response, 413, null, /exceeds the limit of 2048 bytes/);
  });

  it('names the model that answered after a fallback in x-switchyard-model', async () => {
    // mock-model fails on its try and its retry; the workload falls back to ollama-model.
    const overloaded = { type: 'json' as const, status: 503, body: { error: { message: 'overloaded' } } };
    upstream.enqueue('/v1/chat/completions', overloaded, overloaded);
    const response = await chat({ model: 'workload/triage' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-model')).toBe('ollama-model');
    expect(response.headers.get('x-switchyard-deployment')).toBe('ollama/llama3.1');
    expect(response.headers.get('x-switchyard-attempts')).toBe('3');
  });

  it('unknown parameter → 400 naming it; n > 1 → 400', async () => {
    await expectError(await chat({ temprature: 1 }), 400, 'temprature', /Unrecognized request argument supplied: temprature/);
    await expectError(await chat({ n: 2 }), 400, 'n', /Only n=1/);
  });

  it('parameter unsupported by the chosen provider → 400 naming it, or dropped with a warning on request', async () => {
    const error = await expectError(await chat({ model: 'ollama-model', logprobs: true }), 400, 'logprobs', /not supported by ollama\/llama3\.1/);
    expect(error.code).toBe('unsupported_parameter');
    const dropped = await chat({ model: 'ollama-model', logprobs: true }, { 'x-switchyard-unsupported-params': 'drop' });
    expect(dropped.status).toBe(200);
    expect(dropped.headers.get('x-switchyard-warnings')).toBe('unsupported:logprobs');
    const sent = upstream.requests.at(-1)!.body as Record<string, unknown>;
    expect(sent.logprobs).toBeUndefined();
    // Named as the client sent them, and said for streams too (the headers go out before the first chunk).
    const streamed = await chat({ model: 'ollama-model', logprobs: true, top_k: 5, stream: true }, { 'x-switchyard-unsupported-params': 'drop' });
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get('x-switchyard-warnings')).toBe('unsupported:top_k; unsupported:logprobs');
    expect(await streamed.text()).toContain('data: [DONE]');
    // A value the gateway does not know is refused, not ignored.
    await expectError(await chat({ model: 'ollama-model', logprobs: true }, { 'x-switchyard-unsupported-params': 'yolo' }), 400, 'x-switchyard-unsupported-params', /must be 'drop' or 'reject'; got 'yolo'/);
  });

  it('wrong content type → 400; unknown route → 404 in the OpenAI error shape', async () => {
    const response = await app.request('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    await expectError(response, 400, null, /Content-Type must be application\/json/);
    await expectError(await app.request('/v1/nothing'), 404, null, /No route for GET \/v1\/nothing/);
  });
});

describe('embeddings', () => {
  it('returns float and base64 embeddings', async () => {
    const response = await post('/v1/embeddings', { model: 'embedder', input: ['a', 'bb'] });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: Array<{ index: number; embedding: number[] }>; usage: { prompt_tokens: number } };
    expect(body.data.map((entry) => entry.index)).toEqual([0, 1]);
    expect(body.data[0]!.embedding).toHaveLength(8);
    expect(body.usage.prompt_tokens).toBe(6);
    const encoded = await post('/v1/embeddings', { model: 'embedder', input: 'a', encoding_format: 'base64' });
    const encodedBody = (await encoded.json()) as { data: Array<{ embedding: string }> };
    const bytes = Buffer.from(encodedBody.data[0]!.embedding, 'base64');
    const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    expect(Array.from(floats)).toEqual(body.data[0]!.embedding.map((value) => Math.fround(value)));
  });

  it('rejects empty input and chat models', async () => {
    await expectError(await post('/v1/embeddings', { model: 'embedder', input: [''] }), 400, 'input', /empty strings/);
    const missing = await expectError(await post('/v1/embeddings', { model: 'embedder' }), 400, 'input', /^Missing required parameter: 'input'\.$/);
    expect(missing.code).toBe('missing_required_parameter');
    await expectError(await post('/v1/embeddings', { model: 'embedder', input: [1, 2, 3] }), 400, 'input', /token-id arrays are not supported: send the text/);
    await expectError(await chat({ stop: ['a', 'b', 'c', 'd', 'e'] }), 400, 'stop', /expected a string or an array of at most 4 strings/);
    await expectError(await post('/v1/embeddings', { model: 'mock-model', input: 'x' }), 400, 'model', /chat model/);
  });
});

describe('unsupported parameters are named as the client sent them', () => {
  it('reports top_k, not the internal setting name', async () => {
    const openAIProvider = await chat({ top_k: 5 });
    await expectError(openAIProvider, 400, 'top_k', /Parameter 'top_k' is not supported by local\/mock-model/);
  });
});

describe('virtual keys and limits', () => {
  const keyed = (url: string) => `${minimalConfig(url)}  other-model:
    deployments:
      - provider: local
        model: other
keys:
  - name: team-a
    key: team-a-secret-key-0001
    models: [mock-model]
    limits: { requests_per_minute: 2 }
  - name: disabled
    key: disabled-secret-key-001
    disabled: true
workloads:
  triage:
    route: { model: mock-model }
    limits: { max_concurrent: 5 }
`;

  it('requires a valid key, enforces what it may use, and answers 429 with Retry-After past its limit', async () => {
    const { app: keyedApp, summaries: keyedSummaries } = createTestApp(keyed(upstream.url));
    const send = (key: string | undefined, model = 'mock-model') =>
      keyedApp.request('/v1/chat/completions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
      });
    await expectError(await send(undefined), 401, null, /Missing API key/);
    await expectError(await send('wrong-key-000000000'), 401, null, /Invalid API key/);
    await expectError(await send('disabled-secret-key-001'), 401, null, /Invalid API key/);
    await expectError(await send('team-a-secret-key-0001', 'other-model'), 403, 'model', /API key 'team-a' may not use model 'other-model'/);
    expect((await send('team-a-secret-key-0001')).status).toBe(200);
    expect((await send('team-a-secret-key-0001')).status).toBe(200);
    const limited = await send('team-a-secret-key-0001');
    const error = await expectError(limited, 429, null, /Rate limit for key 'team-a' exceeded: 2 requests per minute/);
    expect(error.code).toBe('rate_limit_exceeded');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(keyedSummaries.filter((summary) => summary.status === 200).every((summary) => summary.apiKey === 'team-a')).toBe(true);
    // A refused key leaves no record (a client without a key cannot write to the log); an invalid body from a valid key does.
    expect(keyedSummaries.some((summary) => summary.status === 401)).toBe(false);
    const invalid = await keyedApp.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer team-a-secret-key-0001' },
      body: JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content: 'hi' }], temperature: 'hot' }),
    });
    expect(invalid.status).toBe(400);
    expect(keyedSummaries.at(-1)).toMatchObject({ status: 400, errorCode: 'invalid_value', apiKey: 'team-a', requestedModel: 'mock-model', attempts: [] });
  });
});
