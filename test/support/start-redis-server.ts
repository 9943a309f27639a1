import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServerHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface StartRedisServerOptions {
  /** The server binary; default `$REDIS_SERVER_BIN` or `redis-server` on PATH. */
  binary?: string;
}

/**
 * Starts a throwaway `redis-server` on a free loopback port in a temp dir, without persistence,
 * and resolves once it answers PING.
 */
export async function startRedisServer(options: StartRedisServerOptions = {}): Promise<RedisServerHandle> {
  const binary = options.binary ?? process.env.REDIS_SERVER_BIN ?? 'redis-server';
  const directory = await mkdtemp(join(tmpdir(), 'switchyard-redis-'));
  // The free port is found by binding and releasing it; another process may grab it in between, so retry.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await findFreePort();
    const child = spawn(binary, ['--save', '', '--appendonly', 'no', '--port', String(port), '--bind', '127.0.0.1', '--dir', directory], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitForPing(child, binary, port, () => output);
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        async stop() {
          await stopChild(child);
          await rm(directory, { recursive: true, force: true });
        },
      };
    } catch (error) {
      await stopChild(child);
      if (error instanceof MissingBinaryError) {
        await rm(directory, { recursive: true, force: true });
        throw error;
      }
      lastError = error;
    }
  }
  await rm(directory, { recursive: true, force: true });
  throw lastError;
}

class MissingBinaryError extends Error {
  constructor(binary: string) {
    super(`'${binary}' was not found. Install it (e.g. \`apt-get install redis-server\`) or set REDIS_SERVER_BIN.`);
  }
}

async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPing(child: ChildProcess, binary: string, port: number, output: () => string): Promise<void> {
  let exited: Error | undefined;
  child.once('error', (error: NodeJS.ErrnoException) => {
    exited = error.code === 'ENOENT' ? new MissingBinaryError(binary) : error;
  });
  child.once('exit', (code) => {
    exited ??= new Error(`redis-server exited with code ${code}: ${output().trim().split('\n').slice(-3).join(' | ')}`);
  });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (exited) throw exited;
    if (await answersPing(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within 10 s`);
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await closed;
  clearTimeout(timer);
}
