import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteRequestLogStore } from '../sqlite/open-sqlite-request-log-store.js';
import { describeEvaluationStore, makeGate, makeScore, NOW, openMigrated } from './__fixtures__/evaluation-store-behaviour.js';
import { openEvaluationStore } from './open-evaluation-store.js';

let directory: string;
let databases = 0;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-sqlite-evaluation-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describeEvaluationStore('SQLite evaluation store', async () => {
  databases += 1;
  const path = join(directory, `evaluation-${databases}.db`);
  return { open: () => openSqliteRequestLogStore({ path }) };
});

describe('SQLite evaluation query plans', () => {
  it('reads a workload or model time range from its index', async () => {
    const { requestLog } = await openMigrated({ open: () => openSqliteRequestLogStore({ path: ':memory:' }) });
    try {
      const plan = async (query: string) =>
        (await sql.raw<{ detail: string }>(`explain query plan ${query}`).execute(requestLog.database)).rows.map((row) => row.detail).join('\n');
      const window = 'time_ms >= 1 and time_ms < 2';
      expect(await plan(`select * from online_scores where workload = 'a' and ${window}`)).toMatch(/INDEX online_scores_workload_time_index \(workload=\? AND time_ms>\? AND time_ms<\?\)/);
      expect(await plan(`select * from online_scores where model = 'a' and ${window}`)).toMatch(/INDEX online_scores_model_time_index \(model=\? AND time_ms>\? AND time_ms<\?\)/);
      expect(await plan(`select * from shadow_pairs where workload = 'a' and ${window}`)).toMatch(/INDEX shadow_pairs_workload_time_index \(workload=\? AND time_ms>\? AND time_ms<\?\)/);
      expect(await plan(`select * from eval_gates where workload = 'a' and candidate = 'b' order by time_ms desc`)).toMatch(/INDEX eval_gates_workload_candidate_time_index \(workload=\? AND candidate=\?\)/);
    } finally {
      await requestLog.close();
    }
  });
});

describe('openEvaluationStore', () => {
  it('opens the configured SQLite file migrated, for the CLI, and sees what an earlier process wrote', async () => {
    const path = join(directory, 'cli.db');
    const first = await openEvaluationStore({ type: 'sqlite', path });
    try {
      await first.store.recordOnlineScores([makeScore('r1', { messages: [{ role: 'user', content: 'q' }], answer: 'a' })]);
      await first.store.recordGate(makeGate('g1'));
    } finally {
      await first.close();
    }
    const second = await openEvaluationStore({ type: 'sqlite', path });
    try {
      expect(await second.store.listOnlineScores({ withConversation: true, minScore: 0.5 })).toEqual([
        makeScore('r1', { messages: [{ role: 'user', content: 'q' }], answer: 'a' }),
      ]);
      expect((await second.store.listGates({ since: NOW })).map((gate) => gate.id)).toEqual(['g1']);
    } finally {
      await second.close();
    }
  });
});
