import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeOpenAIUpstream } from '../../test/fakes/fake-openai-upstream.js';
import type { TestServer } from '../../test/support/create-test-server.js';
import { minimalConfig, startTestGateway, type TestGateway } from '../../test/support/start-test-gateway.js';
import { InvalidRequestError } from '../spec/errors.js';
import { createApiRequestListener, type ApiHandler } from './api-request-listener.js';
import { requestHeader } from './request-context.js';
import { sendJson } from './send-json.js';

/** Served by node, the API's POST endpoints skip Hono; everything around them must behave as before. */
describe('the API listener in a running gateway', () => {
  let upstream: TestServer;
  let gateway: TestGateway;
  beforeAll(async () => {
    upstream = await createFakeOpenAIUpstream();
    gateway = await startTestGateway(minimalConfig(upstream.url));
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  const chat = (path: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) =>
    fetch(`${gateway.url}${path}`, {
      method: init.method ?? 'POST',
      headers: { 'content-type': 'application/json', ...init.headers },
      ...(init.method === 'GET' ? {} : { body: init.body ?? JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] }) }),
    });

  it('answers a chat completion, with or without a query string, and echoes a sane request id', async () => {
    for (const path of ['/v1/chat/completions', '/v1/chat/completions?api-version=2024-10-21']) {
      const response = await chat(path, { headers: { 'x-request-id': 'client-id.42' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toBe('client-id.42');
      const body = (await response.json()) as { object: string; choices: unknown[] };
      expect(body.object).toBe('chat.completion');
      expect(body.choices).toHaveLength(1);
    }
  });

  it('replaces a request id that is not a plain token', async () => {
    const response = await chat('/v1/chat/completions', { headers: { 'x-request-id': 'bad id <script>' } });
    expect(response.status).toBe(200);
    const id = response.headers.get('x-request-id');
    expect(id).toBeTruthy();
    expect(id).not.toBe('bad id <script>');
    expect(id).toMatch(/^[\w.:-]{1,128}$/);
  });

  it('answers bad input with the OpenAI error body, its status and the request id', async () => {
    const response = await chat('/v1/chat/completions', { body: '{"model": "mock-model", "messages": [', headers: { 'x-request-id': 'bad-json-1' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-request-id')).toBe('bad-json-1');
    const body = (await response.json()) as { error: { type: string; code: string } };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json' });
  });

  it('leaves other methods and paths to the app: its 404 names the route', async () => {
    for (const [method, path] of [['GET', '/v1/chat/completions'], ['POST', '/v1/chat/completions/'], ['POST', '/v1/chat']] as const) {
      const response = await chat(path, { method });
      expect(response.status, `${method} ${path}`).toBe(404);
      const body = (await response.json()) as { error: { message: string; code: string } };
      expect(body.error.code).toBe('not_found');
      expect(body.error.message).toContain(path.replace(/\/$/, '/'));
    }
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  });

  it('answers /v1/messages errors in Anthropic\'s shape, with both request id headers', async () => {
    const response = await chat('/v1/messages', { body: '{}', headers: { 'x-request-id': 'anthropic-1' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('request-id')).toBe('anthropic-1');
    expect(((await response.json()) as { type: string }).type).toBe('error');
  });
});

/** The listener on its own, with handlers that fail in the ways a handler can. */
describe('createApiRequestListener', () => {
  const logged: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    }),
  );
  const routes = new Map<string, ApiHandler>([
    ['/echo', async (exchange) => sendJson(exchange, { path: exchange.path, seen: requestHeader(exchange, 'x-probe') ?? null }, 200, {})],
    ['/invalid', async () => { throw new InvalidRequestError("'x' is wrong.", { param: 'x' }); }],
    ['/bug', async () => { throw new TypeError('cannot read properties of undefined'); }],
    ['/midway', async (exchange) => {
      exchange.outgoing!.writeHead(200, { 'content-type': 'text/event-stream' });
      exchange.outgoing!.write('data: 1\n\n');
      throw new Error('lost the upstream');
    }],
  ]);
  const handle = createApiRequestListener(routes, logger);
  let server: Server;
  let base: string;
  const fellThrough: string[] = [];
  beforeAll(async () => {
    server = createServer((incoming, outgoing) => {
      if (handle(incoming, outgoing)) return;
      fellThrough.push(`${incoming.method} ${incoming.url}`);
      outgoing.writeHead(418).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => {
    server.close();
  });

  it('routes POSTs by exact path, ignoring the query, and leaves everything else to the caller', async () => {
    const answered = await fetch(`${base}/echo?a=1`, { method: 'POST', headers: { 'x-probe': 'yes' } });
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ path: '/echo', seen: 'yes' });
    expect((await fetch(`${base}/echo`)).status).toBe(418);
    expect((await fetch(`${base}/echo/`, { method: 'POST' })).status).toBe(418);
    expect((await fetch(`${base}/other`, { method: 'POST' })).status).toBe(418);
    expect(fellThrough).toEqual(['GET /echo', 'POST /echo/', 'POST /other']);
  });

  it('answers a client error with its status and param, and does not log it as a failure', async () => {
    logged.length = 0;
    const response = await fetch(`${base}/invalid`, { method: 'POST', headers: { 'x-request-id': 'req-400' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-request-id')).toBe('req-400');
    expect(await response.json()).toEqual({ error: { message: "'x' is wrong.", type: 'invalid_request_error', param: 'x', code: 'invalid_request' } });
    expect(logged.filter((line) => line['msg'] === 'request failed')).toEqual([]);
  });

  it("answers the gateway's own failure with a 500 and logs it with the request id and path", async () => {
    logged.length = 0;
    const response = await fetch(`${base}/bug`, { method: 'POST', headers: { 'x-request-id': 'req-500' } });
    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe('api_error');
    expect(logged).toContainEqual(expect.objectContaining({ msg: 'request failed', requestId: 'req-500', path: '/bug' }));
  });

  it('cuts an answer already under way short, rather than append an error body to it', async () => {
    const response = await fetch(`${base}/midway`, { method: 'POST' });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });
});
