import { afterAll, beforeAll } from 'vitest';
import { startPostgresServer, type PostgresServerHandle } from '../../../test/support/start-postgres-server.js';
import { openPostgresRequestLogStore } from '../postgres/open-postgres-request-log-store.js';
import { describeGovernanceStore } from './__fixtures__/governance-store-behaviour.js';

let server: PostgresServerHandle;
let databases = 0;

beforeAll(async () => {
  server = await startPostgresServer();
});

afterAll(async () => {
  await server?.stop();
});

// Each test gets its own database, so migrations start from nothing every time.
describeGovernanceStore('PostgreSQL governance store', async () => {
  databases += 1;
  const url = await server.createDatabase(`governance_${databases}`);
  return { open: () => openPostgresRequestLogStore({ url, maxConnections: 4 }) };
});
