import { getRequestListener } from '@hono/node-server';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayEnv } from './gateway-context.js';
import { sendJson } from './send-json.js';
import { exchangeOf } from './request-context.js';

const answer = { text: 'héllo ✓ — 你好', n: 1 };
const app = new Hono<GatewayEnv>();
app.post('/answer', (context) => sendJson(exchangeOf(context), answer, 201, { 'x-request-id': 'req-1', 'x-switchyard-model': 'm' }));

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer(getRequestListener(app.fetch));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(() => {
  server.close();
});

describe('sendJson', () => {
  it('writes status, headers and a UTF-8 body of the right byte length on node', async () => {
    const response = await fetch(`${base}/answer`, { method: 'POST' });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-request-id')).toBe('req-1');
    expect(response.headers.get('x-switchyard-model')).toBe('m');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(Number(response.headers.get('content-length'))).toBe(bytes.length);
    expect(bytes.length).toBeGreaterThan(JSON.stringify(answer).length);
    expect(JSON.parse(bytes.toString('utf8'))).toEqual(answer);
  });

  it('answers the same through an in-process request (no node response to write to)', async () => {
    const response = await app.request('/answer', { method: 'POST' });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('x-request-id')).toBe('req-1');
    expect(await response.json()).toEqual(answer);
  });
});
