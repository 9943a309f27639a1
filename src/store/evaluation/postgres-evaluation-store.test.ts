import { useThrowawayPostgres } from '../../../test/support/start-postgres-server.js';
import { openPostgresRequestLogStore } from '../postgres/open-postgres-request-log-store.js';
import { describeEvaluationStore } from './__fixtures__/evaluation-store-behaviour.js';

const freshDatabase = useThrowawayPostgres('evaluation');

describeEvaluationStore('PostgreSQL evaluation store', async () => {
  const url = await freshDatabase();
  return { open: () => openPostgresRequestLogStore({ url, maxConnections: 4 }) };
});
