import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteRequestLogStore } from '../sqlite/open-sqlite-request-log-store.js';
import { describeGovernanceStore, openMigrated } from './__fixtures__/governance-store-behaviour.js';
import { openGovernanceStore } from './open-governance-store.js';

let directory: string;
let databases = 0;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-sqlite-governance-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describeGovernanceStore('SQLite governance store', async () => {
  databases += 1;
  const path = join(directory, `governance-${databases}.db`);
  return { open: () => openSqliteRequestLogStore({ path }) };
});

describe('SQLite exposure query plan', () => {
  it('reads only the window, and only the target attempts, from covering indexes', async () => {
    const { requestLog } = await openMigrated({ open: () => openSqliteRequestLogStore({ path: ':memory:' }) });
    try {
      const plan = async (query: string) =>
        (await sql.raw<{ detail: string }>(`explain query plan ${query}`).execute(requestLog.database)).rows.map((row) => row.detail).join('\n');
      const window = 'time_ms >= 1 and time_ms < 2';
      expect(await plan(`select workload, deployment, count(*) from requests where deployment in ('a', 'b') and ${window} group by workload, deployment`)).toMatch(
        /COVERING INDEX requests_deployment_time_index \(deployment=\? AND time_ms>\? AND time_ms<\?\)/,
      );
      expect(await plan(`select workload, deployment, count(*), sum(cost_usd) from request_attempts where deployment in ('a', 'b') and ${window} group by workload, deployment`)).toMatch(
        /COVERING INDEX request_attempts_exposure_index \(deployment=\? AND time_ms>\? AND time_ms<\?\)/,
      );
      expect(await plan(`select workload, count(*), sum(cost_usd) from requests where workload in ('a', 'b') and ${window} group by workload`)).toMatch(
        /COVERING INDEX requests_workload_time_index \(workload=\? AND time_ms>\? AND time_ms<\?\)/,
      );
    } finally {
      await requestLog.close();
    }
  });
});

describe('openGovernanceStore', () => {
  it('opens the configured SQLite file migrated, for the CLI', async () => {
    const opened = await openGovernanceStore({ type: 'sqlite', path: join(directory, 'cli.db') });
    try {
      await opened.store.appendAudit([{ time: 1, actor: 'local', action: 'admin.test', target: 'x' }]);
      expect((await opened.store.listAudit()).map((entry) => entry.action)).toEqual(['admin.test']);
    } finally {
      await opened.close();
    }
  });
});
