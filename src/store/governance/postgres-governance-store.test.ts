import { useThrowawayPostgres } from '../../../test/support/start-postgres-server.js';
import { openPostgresRequestLogStore } from '../postgres/open-postgres-request-log-store.js';
import { describeGovernanceStore } from './__fixtures__/governance-store-behaviour.js';

const freshDatabase = useThrowawayPostgres('governance');

describeGovernanceStore('PostgreSQL governance store', async () => {
  const url = await freshDatabase();
  return { open: () => openPostgresRequestLogStore({ url, maxConnections: 4 }) };
});
