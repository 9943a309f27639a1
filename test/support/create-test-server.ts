import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on loopback that plays a provider's part in tests. Each route answers with a
 * queued or default response; every request is recorded so tests can check what the gateway sent.
 */
export type FakeResponse =
  /** `delayMs` holds the answer back (a slow first token for a non-streaming call). */
  | { type: 'json'; status?: number; headers?: Record<string, string>; body: unknown; delayMs?: number }
  | { type: 'text'; status?: number; headers?: Record<string, string>; body: string; delayMs?: number }
  /**
   * An SSE stream: each chunk is written as is (include the `data: ...\n\n` framing yourself).
   * `firstChunkDelayMs` delays the headers and first chunk (slow first token), `delayMs` paces
   * every later chunk (slow drip), `cutAfter` destroys the socket after that many chunks.
   */
  | {
      type: 'stream';
      status?: number;
      headers?: Record<string, string>;
      chunks: string[];
      delayMs?: number;
      firstChunkDelayMs?: number;
      cutAfter?: number;
    }
  /** Accepts the request and never answers. */
  | { type: 'hang' }
  /** Destroys the socket without answering. */
  | { type: 'reset' }
  | { type: 'handler'; handle: (request: RecordedRequest, response: ServerResponse) => void | Promise<void> };

export interface RecordedRequest {
  method: string;
  path: string;
  url: URL;
  headers: IncomingMessage['headers'];
  bodyText: string;
  body: unknown;
}

export interface TestServer {
  url: string;
  /** Responses to give, in order, for a path (before falling back to the default). */
  enqueue(path: string, ...responses: FakeResponse[]): void;
  /** The response for a path when nothing is queued. */
  setDefault(path: string, response: FakeResponse): void;
  requests: RecordedRequest[];
  /** Resolves when a request is aborted by the client (to test cancellation). */
  closedByClient: number;
  close(): Promise<void>;
}

export async function createTestServer(): Promise<TestServer> {
  const queues = new Map<string, FakeResponse[]>();
  const defaults = new Map<string, FakeResponse>();
  const requests: RecordedRequest[] = [];
  const state = { closedByClient: 0 };
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const bodyText = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = bodyText ? JSON.parse(bodyText) : undefined;
    } catch {
      body = undefined;
    }
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const recorded: RecordedRequest = { method: request.method ?? 'GET', path: url.pathname, url, headers: request.headers, bodyText, body };
    requests.push(recorded);
    response.on('close', () => {
      if (!response.writableFinished) state.closedByClient += 1;
    });
    const fake = queues.get(url.pathname)?.shift() ?? defaults.get(url.pathname) ?? findPattern(url.pathname);
    if (!fake) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `no fake response for ${url.pathname}` } }));
      return;
    }
    await respond(fake, recorded, response);
  });
  server.keepAliveTimeout = 5000;

  function findPattern(path: string): FakeResponse | undefined {
    for (const [pattern, response] of defaults) {
      if (pattern.includes('*') && new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`).test(path)) return response;
    }
    return undefined;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    enqueue(path, ...responses) {
      const queue = queues.get(path) ?? [];
      queue.push(...responses);
      queues.set(path, queue);
    },
    setDefault(path, response) {
      defaults.set(path, response);
    },
    requests,
    get closedByClient() {
      return state.closedByClient;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const sleep = (ms: number | undefined) => (ms ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

async function respond(fake: FakeResponse, recorded: RecordedRequest, response: ServerResponse): Promise<void> {
  if ((fake.type === 'json' || fake.type === 'text') && fake.delayMs) await sleep(fake.delayMs);
  if (fake.type === 'stream' && fake.firstChunkDelayMs) await sleep(fake.firstChunkDelayMs);
  if (response.destroyed) return;
  switch (fake.type) {
    case 'json':
      response.writeHead(fake.status ?? 200, { 'content-type': 'application/json', ...fake.headers });
      response.end(JSON.stringify(fake.body));
      return;
    case 'text':
      response.writeHead(fake.status ?? 200, { 'content-type': 'text/plain', ...fake.headers });
      response.end(fake.body);
      return;
    case 'stream': {
      response.writeHead(fake.status ?? 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...fake.headers });
      for (const [index, chunk] of fake.chunks.entries()) {
        if (fake.cutAfter !== undefined && index >= fake.cutAfter) {
          response.socket?.destroy();
          return;
        }
        if (response.destroyed) return;
        response.write(chunk);
        if (fake.delayMs) await new Promise((resolve) => setTimeout(resolve, fake.delayMs));
      }
      response.end();
      return;
    }
    case 'hang':
      return;
    case 'reset':
      response.socket?.destroy();
      return;
    case 'handler':
      await fake.handle(recorded, response);
      return;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Frames SSE events: `sse({a:1})` → `data: {"a":1}\n\n`; with an event name for Anthropic-style streams. */
export function sse(data: unknown, event?: string): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return `${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`;
}
