import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../spec/errors.js';
import type { RequestLogRecord } from '../core/telemetry/request-log-record.js';
import { ThreadedRequestLogStore } from './threaded-request-log-store.js';

let store: ThreadedRequestLogStore;

const record = (id: string, time: number): RequestLogRecord => ({
  id,
  time,
  durationMs: 12,
  endpoint: 'chat',
  stream: false,
  requestedModel: 'm',
  workload: 'w',
  status: 200,
  cacheHit: false,
  costUsd: 0.5,
  attempts: [{ deployment: 'p/m', provider: 'p', code: 'ok', latencyMs: 10 }],
});

beforeAll(async () => {
  store = new ThreadedRequestLogStore({ type: 'sqlite', path: join(await mkdtemp(join(tmpdir(), 'switchyard-threaded-')), 'log.db') });
  await store.migrate();
});
afterAll(() => store.close());

describe('ThreadedRequestLogStore', () => {
  it('runs every store call in the worker and returns its results', async () => {
    await store.insertBatch([record('a', 1000), record('b', 2000)]);
    expect(await store.getRequest('a')).toMatchObject({ id: 'a', workload: 'w', attempts: [{ code: 'ok' }] });
    expect((await store.listRequests({})).items.map((item) => item.id)).toEqual(['b', 'a']);
    const rows = await store.aggregate({ since: 0, until: 10_000, groupBy: 'workload' });
    expect(rows).toMatchObject([{ key: 'w', requests: 2, costUsd: 1 }]);
  });

  it('carries typed errors back across the thread', async () => {
    await expect(store.listRequests({ cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(store.listRequests({ cursor: 'not-a-cursor' })).rejects.toMatchObject({ param: 'cursor' });
  });
});
