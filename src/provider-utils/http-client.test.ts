import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { once } from 'node:events';
import { createServer, type RequestListener } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderConnectionError, ProviderTimeoutError } from '../spec/errors.js';
import { createBodyChunkReader } from './body-chunk-reader.js';
import { closeSharedDispatcher, getSharedDispatcher, postJson, readBodyText, resolveTimeouts, sendUpstream } from './http-client.js';

/**
 * A port whose accept queue is full: a process listens with backlog 1 and then blocks its event
 * loop, so the kernel drops further SYNs and a new connection neither completes nor fails.
 */
let blackhole: ChildProcess;
let port: number;
const fillers: Socket[] = [];

beforeAll(async () => {
  const script = `const s = require('node:net').createServer();
s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
  process.stdout.write(s.address().port + '\\n');
  setTimeout(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0), 20);
});`;
  blackhole = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(blackhole.stdout!, 'data')) as [Buffer];
  port = Number(line.toString().trim());
  await new Promise((resolve) => setTimeout(resolve, 100));
  for (let index = 0; index < 6; index += 1) {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.on('error', () => undefined);
    fillers.push(socket);
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
});

afterAll(async () => {
  for (const socket of fillers) socket.destroy();
  blackhole.kill('SIGKILL');
  await closeSharedDispatcher();
});

describe('sendUpstream connect timeout', () => {
  it("gives up connecting after the provider's connect_ms, as a typed connect timeout", async () => {
    const started = performance.now();
    const failure = await sendUpstream({
      provider: 'hole',
      url: `http://127.0.0.1:${port}/v1/chat/completions`,
      headers: {},
      body: {},
      timeouts: { connectMs: 300 },
      mapError: () => {
        throw new Error('no response expected');
      },
    }).catch((error: unknown) => error);
    const elapsed = performance.now() - started;
    expect(failure).toBeInstanceOf(ProviderTimeoutError);
    expect((failure as ProviderTimeoutError).message).toBe('Connecting to upstream hole timed out');
    // The default is 10 s; allow for a slow machine but not for the default.
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(5000);
  });

  it('keeps one shared pool per connect timeout', () => {
    expect(getSharedDispatcher(300)).toBe(getSharedDispatcher(300));
    expect(getSharedDispatcher(300)).not.toBe(getSharedDispatcher());
  });
});

describe('upstream timeouts', () => {
  it('fills what an adapter leaves out with the defaults, once per timeouts object', () => {
    expect(resolveTimeouts(undefined)).toEqual({ connectMs: 10_000, headersMs: 600_000, idleMs: 300_000 });
    const strict = { headersMs: 1_000 };
    const resolved = resolveTimeouts(strict);
    expect(resolved).toEqual({ connectMs: 10_000, headersMs: 1_000, idleMs: 300_000 });
    expect(resolveTimeouts(strict)).toBe(resolved);
    expect(resolveTimeouts({ connectMs: 300, idleMs: 2_000 })).toEqual({ connectMs: 300, headersMs: 600_000, idleMs: 2_000 });
  });

  it("gives up waiting for headers after the adapter's headersMs, on time, as a typed first-token timeout", async () => {
    // Answers after 4 s. The limit is 150 ms: undici's own header timeout ran on a coarse clock
    // and fired such a limit after about a second.
    const slow: RequestListener = (_request, response) => {
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 4_000).unref();
    };
    await withServer(slow, async (url) => {
      const started = performance.now();
      const failure = await sendUpstream({
        provider: 'slow',
        url,
        headers: {},
        body: {},
        timeouts: { headersMs: 150 },
        mapError: () => new ProviderTimeoutError('unexpected status', { provider: 'slow', phase: 'total' }),
      }).catch((error: unknown) => error);
      const elapsed = performance.now() - started;
      expect(failure).toBeInstanceOf(ProviderTimeoutError);
      expect(failure).toMatchObject({ phase: 'first-token', message: 'Upstream slow sent no response headers within 150 ms' });
      expect(elapsed).toBeGreaterThanOrEqual(145);
      expect(elapsed).toBeLessThan(700);
    });
  });
});

/** Runs `test` against a loopback HTTP server answering with `handler`, then closes it and its connections. */
async function withServer(handler: RequestListener, test: (url: string) => Promise<void>): Promise<void> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    await test(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/x`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

/** A 200 whose body is `chunks`, each written after its delay in ms, then ended (unless `hang`). */
function trickle(chunks: Array<[number, string | Buffer]>, hang = false): RequestListener {
  return async (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.flushHeaders();
    for (const [delay, text] of chunks) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      response.write(text);
    }
    if (!hang) response.end();
  };
}

const noErrors = () => new ProviderTimeoutError('unexpected status', { provider: 'p', phase: 'total' });

describe('upstream idle limit', () => {
  it('fails a body that goes silent while read, after idleMs, as a typed idle timeout', async () => {
    await withServer(trickle([[0, '{"a":']], true), async (url) => {
      const response = await sendUpstream({ provider: 'p', url, headers: {}, body: {}, timeouts: { idleMs: 200 }, mapError: noErrors });
      const started = performance.now();
      const failure = await readBodyText(response.body, response.deadline).catch((error: unknown) => error);
      const elapsed = performance.now() - started;
      expect(failure).toMatchObject({ phase: 'idle', message: 'Upstream p went silent mid-response for 200 ms' });
      expect(elapsed).toBeGreaterThanOrEqual(150);
      expect(elapsed).toBeLessThan(700);
    });
  });

  it('lets a body take longer than idleMs in all while no gap between chunks exceeds it', async () => {
    await withServer(trickle([[0, '{"a":'], [120, '1,'], [120, '"b":'], [120, '2}']]), async (url) => {
      const { json } = await postJson({ provider: 'p', url, headers: {}, body: {}, timeouts: { idleMs: 250 }, mapError: noErrors });
      expect(json).toEqual({ a: 1, b: 2 });
    });
  });

  it("does not count time the reader holds the body paused (a slow client) against the upstream", async () => {
    await withServer(trickle([[0, 'one'], [100, 'two'], [100, 'three']]), async (url) => {
      const response = await sendUpstream({ provider: 'p', url, headers: {}, body: {}, timeouts: { idleMs: 200 }, mapError: noErrors });
      const reader = createBodyChunkReader(response.body, response.deadline);
      const first = await reader.next();
      expect(String(first.value)).toBe('one');
      // The reader stops asking for 600 ms, three idle limits, then reads on.
      await new Promise((resolve) => setTimeout(resolve, 600));
      let rest = '';
      for (let next = await reader.next(); !next.done; next = await reader.next()) rest += String(next.value);
      expect(rest).toBe('twothree');
    });
  });
});

describe('reading upstream bodies', () => {
  it('joins a character split across chunks (UTF-8 is decoded once, from the whole body)', async () => {
    const accented = Buffer.from('é✓', 'utf8');
    await withServer(trickle([[0, '{"t":"'], [20, accented.subarray(0, 1)], [20, accented.subarray(1, 3)], [20, accented.subarray(3)], [0, '"}']]), async (url) => {
      const { json } = await postJson({ provider: 'p', url, headers: {}, body: {}, mapError: noErrors });
      expect(json).toEqual({ t: 'é✓' });
    });
  });

  it('fails a body the upstream cuts before its end, rather than returning what came', async () => {
    const cut: RequestListener = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      response.write('{"partial":');
      setTimeout(() => response.socket?.destroy(), 20);
    };
    await withServer(cut, async (url) => {
      const failure = await postJson({ provider: 'p', url, headers: {}, body: {}, mapError: noErrors }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ProviderConnectionError);
    });
  });

  it('reads an error body only as far as the error needs: a huge or endless one is cut at 8 KB', async () => {
    const endless: RequestListener = (_request, response) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      // 20 KB now, and the body never ends.
      response.write('x'.repeat(20_000));
    };
    await withServer(endless, async (url) => {
      let seen: string | undefined;
      const failure = await sendUpstream({
        provider: 'p',
        url,
        headers: {},
        body: {},
        mapError: (upstreamFailure) => {
          seen = upstreamFailure.bodyText;
          return new ProviderConnectionError(`status ${upstreamFailure.status}`, { provider: 'p' });
        },
      }).catch((error: unknown) => error);
      expect(failure).toMatchObject({ message: 'status 500' });
      expect(seen).toBe('x'.repeat(8192));
    });
  });
});
