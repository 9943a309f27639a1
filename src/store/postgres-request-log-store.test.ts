import { describe, expect, it } from 'vitest';
import { useThrowawayPostgres } from '../../test/support/start-postgres-server.js';
import { describeRequestLogStore, makeRecord } from './__fixtures__/request-log-store-behaviour.js';
import { createRequestLogStore } from './create-request-log-store.js';
import { openPostgresRequestLogStore } from './postgres/open-postgres-request-log-store.js';

const freshDatabase = useThrowawayPostgres('request_log');

describeRequestLogStore('PostgreSQL request log', async () => {
  const url = await freshDatabase();
  return { open: () => openPostgresRequestLogStore({ url, maxConnections: 4 }) };
});

describe('PostgreSQL request log outage', () => {
  it('rejects writes while the server is unreachable instead of hanging', async () => {
    const store = await createRequestLogStore({ type: 'postgres', url: 'postgres://postgres@127.0.0.1:1/none' });
    await expect(store.insertBatch([makeRecord('x')])).rejects.toThrow();
    await store.close();
  });
});
