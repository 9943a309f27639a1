import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRequestLogStore, makeRecord } from './__fixtures__/request-log-store-behaviour.js';
import { createRequestLogStore, storageConfigSchema } from './create-request-log-store.js';
import { KyselyRequestLogStore } from './kysely-request-log-store.js';
import { openSqliteRequestLogStore } from './sqlite/open-sqlite-request-log-store.js';

let directory: string;
let databases = 0;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-sqlite-store-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describeRequestLogStore('SQLite request log', async () => {
  databases += 1;
  const path = join(directory, `nested-${databases}`, 'switchyard.db');
  return { open: () => openSqliteRequestLogStore({ path }) };
});

// The same behaviour where SQLite has no percentile_cont: usage percentiles computed from the fetched values.
describeRequestLogStore('SQLite request log, percentiles computed in memory', async () => {
  databases += 1;
  const path = join(directory, `in-memory-percentiles-${databases}`, 'switchyard.db');
  return { open: () => openSqliteRequestLogStore({ path, inMemoryPercentiles: true }) };
});

describe('SQLite request log setup', () => {
  it('opens the file in WAL mode with synchronous=NORMAL and a busy timeout', async () => {
    const store = openSqliteRequestLogStore({ path: join(directory, 'pragmas.db'), busyTimeoutMs: 1234 });
    try {
      await store.migrate();
      const pragma = async (name: string) => (await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(store.database)).rows[0];
      expect(await pragma('journal_mode')).toEqual({ journal_mode: 'wal' });
      expect(await pragma('synchronous')).toEqual({ synchronous: 1 });
      expect(await pragma('busy_timeout')).toEqual({ timeout: 1234 });
    } finally {
      await store.close();
    }
  });

  it('writes batches with its own prepared statements exactly as the generic Kysely insert does', async () => {
    const fast = openSqliteRequestLogStore({ path: join(directory, 'prepared-insert.db') });
    const viaKyselyFile = openSqliteRequestLogStore({ path: join(directory, 'kysely-insert.db') });
    // The same connection, with a dialect that leaves the insert to Kysely.
    const viaKysely = new KyselyRequestLogStore(viaKyselyFile.database, { name: 'sqlite', percentilesInDatabase: false, withMigrationLock: (run) => run() });
    const retried = { deployment: 'openai-west', provider: 'openai', code: 'provider_timeout', message: 'slow', latencyMs: 30_000, retry: 0 };
    const batches = [
      [makeRecord('a', { apiKey: 'team-a', workload: 'support', costUsd: 0.002, inputTokens: 10.4 }), makeRecord('b', { attempts: [retried, ...makeRecord('b').attempts] })],
      // A replayed spill: 'a' again with another attempt (kept as first written), 'c' twice, 'd' without attempts.
      [makeRecord('a', { status: 500, attempts: [retried, retried] }), makeRecord('c', { durationMs: Number.NaN }), makeRecord('c'), makeRecord('d', { attempts: [] })],
    ];
    try {
      for (const store of [fast, viaKysely]) {
        await store.migrate();
        for (const batch of batches) await store.insertBatch(batch);
      }
      const rows = async (store: KyselyRequestLogStore) => ({
        requests: (await sql.raw('select * from requests order by id').execute(store.database)).rows,
        attempts: (await sql.raw('select * from request_attempts order by request_id, attempt_index').execute(store.database)).rows,
      });
      const written = await rows(fast);
      expect(written.requests).toHaveLength(4);
      expect(written.attempts).toHaveLength(4);
      expect(written).toStrictEqual(await rows(viaKysely));
    } finally {
      await fast.close();
      await viaKyselyFile.close();
    }
  });

  it('is created from the storage config', async () => {
    const store = await createRequestLogStore(storageConfigSchema.parse({ type: 'sqlite', path: join(directory, 'from-config.db') }));
    await store.migrate();
    expect(await store.listRequests()).toEqual({ items: [] });
    await store.close();
  });
});

describe('storageConfigSchema', () => {
  it('accepts both types, the URL shorthand, and rejects unknown keys', () => {
    expect(storageConfigSchema.parse({ type: 'sqlite' })).toEqual({ type: 'sqlite', path: '.switchyard/switchyard.db' });
    expect(storageConfigSchema.parse({ type: 'postgres', url: 'postgres://u:p@db:5432/switchyard' })).toEqual({
      type: 'postgres',
      url: 'postgres://u:p@db:5432/switchyard',
    });
    expect(storageConfigSchema.parse({ url: 'postgresql://db/switchyard' })).toEqual({ type: 'postgres', url: 'postgresql://db/switchyard' });
    expect(storageConfigSchema.parse({ url: 'sqlite:///var/lib/switchyard.db' })).toEqual({ type: 'sqlite', path: '/var/lib/switchyard.db' });
    expect(storageConfigSchema.parse({ url: 'sqlite://data/s.db' })).toEqual({ type: 'sqlite', path: 'data/s.db' });
    expect(storageConfigSchema.safeParse({ type: 'sqlite', path: 'x.db', url: 'postgres://x' }).success).toBe(false);
    expect(storageConfigSchema.safeParse({ type: 'postgres', url: 'mysql://x' }).success).toBe(false);
    expect(storageConfigSchema.safeParse({ type: 'mongo' }).success).toBe(false);
  });
});
