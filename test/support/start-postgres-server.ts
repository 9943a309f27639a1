import { afterAll, beforeAll } from 'vitest';
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PostgresServerHandle {
  /** URL of an empty database `switchyard_test`, user `postgres`, no password. */
  url: string;
  port: number;
  /** Creates another empty database on the same server and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

export interface StartPostgresServerOptions {
  /** Directory with initdb and postgres; default `$POSTGRES_BIN_DIR`, the newest /usr/lib/postgresql/<v>/bin, or PATH. */
  binDirectory?: string;
}

/**
 * Starts a throwaway PostgreSQL on a free loopback port: `initdb` into a temp dir, `postgres` with
 * fsync off (the data is thrown away), the Unix socket in the temp dir, and resolves once it accepts
 * connections. PostgreSQL refuses to run as root, so under root both run as the `postgres` user
 * (or `nobody`), via spawn's uid/gid, on a temp dir chowned to that user.
 */
export async function startPostgresServer(options: StartPostgresServerOptions = {}): Promise<PostgresServerHandle> {
  const binDirectory = options.binDirectory ?? process.env.POSTGRES_BIN_DIR ?? (await findPostgresBinDirectory());
  const binary = (name: string) => (binDirectory === undefined ? name : join(binDirectory, name));
  const directory = await mkdtemp(join(tmpdir(), 'switchyard-postgres-'));
  const dataDirectory = join(directory, 'data');
  const user = process.getuid?.() === 0 ? await unprivilegedUser() : undefined;
  const spawnOptions: SpawnOptions = { stdio: ['ignore', 'pipe', 'pipe'], ...(user ?? {}) };
  try {
    if (user !== undefined) await chown(directory, user.uid, user.gid);
    await run(binary('initdb'), ['-D', dataDirectory, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], spawnOptions);
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }

  let lastError: unknown;
  // The free port is found by binding and releasing it; another process may grab it in between, so retry.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await findFreePort();
    const child = spawn(
      binary('postgres'),
      ['-D', dataDirectory, '-p', String(port), '-k', directory, '-c', 'listen_addresses=127.0.0.1',
        '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=100'],
      spawnOptions,
    );
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const baseUrl = `postgres://postgres@127.0.0.1:${port}`;
    try {
      await waitUntilAccepting(child, `${baseUrl}/postgres`, () => output);
      const createDatabase = async (name: string) => {
        await query(`${baseUrl}/postgres`, `CREATE DATABASE "${name.replaceAll('"', '')}"`);
        return `${baseUrl}/${name}`;
      };
      const url = await createDatabase('switchyard_test');
      return {
        url,
        port,
        createDatabase,
        async stop() {
          await stopChild(child);
          await rm(directory, { recursive: true, force: true });
        },
      };
    } catch (error) {
      await stopChild(child);
      lastError = error;
    }
  }
  await rm(directory, { recursive: true, force: true });
  throw lastError;
}

class MissingPostgresError extends Error {
  constructor(binary: string) {
    super(`'${binary}' was not found. Install PostgreSQL (e.g. \`apt-get install postgresql\`) or set POSTGRES_BIN_DIR.`);
  }
}

/** The newest installed version's bin directory; undefined to fall back to PATH. */
async function findPostgresBinDirectory(): Promise<string | undefined> {
  const root = '/usr/lib/postgresql';
  const versions = await readdir(root).catch(() => []);
  const newest = versions
    .filter((version) => existsSync(join(root, version, 'bin', 'initdb')))
    .sort((left, right) => Number.parseFloat(right) - Number.parseFloat(left))[0];
  return newest === undefined ? undefined : join(root, newest, 'bin');
}

async function unprivilegedUser(): Promise<{ uid: number; gid: number }> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  const entries = passwd.split('\n').map((line) => line.split(':'));
  const entry = entries.find((fields) => fields[0] === 'postgres') ?? entries.find((fields) => fields[0] === 'nobody');
  if (entry === undefined) throw new Error('Running as root and no `postgres` or `nobody` user to run PostgreSQL as.');
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

function run(binary: string, args: string[], options: SpawnOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, options);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new MissingPostgresError(binary) : error));
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${binary} exited with code ${code}: ${output.trim()}`))));
  });
}

async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitUntilAccepting(child: ChildProcess, url: string, output: () => string): Promise<void> {
  let exited: Error | undefined;
  child.once('error', (error: NodeJS.ErrnoException) => {
    exited = error.code === 'ENOENT' ? new MissingPostgresError(String(child.spawnfile)) : error;
  });
  child.once('exit', (code) => {
    exited ??= new Error(`postgres exited with code ${code}: ${output().trim().split('\n').slice(-3).join(' | ')}`);
  });
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (exited) throw exited;
    try {
      await query(url, 'SELECT 1');
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`postgres did not accept connections within 15 s: ${output().trim().split('\n').slice(-3).join(' | ')}`);
}

async function query(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query(text);
  } finally {
    await client.end().catch(() => {});
  }
}

/** SIGINT is PostgreSQL's "fast" shutdown: it disconnects clients instead of waiting for them. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await closed;
  clearTimeout(timer);
}

/**
 * One throwaway PostgreSQL server for a test file (started before its tests, stopped after), and a
 * function that creates a fresh, empty database on it for each test, so migrations start from nothing.
 */
export function useThrowawayPostgres(databasePrefix: string): () => Promise<string> {
  let server: PostgresServerHandle | undefined;
  let databases = 0;
  beforeAll(async () => {
    server = await startPostgresServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return async () => {
    if (!server) throw new Error('the PostgreSQL server has not started');
    databases += 1;
    return server.createDatabase(`${databasePrefix}_${databases}`);
  };
}
