import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOVERNANCE_STORE_METHODS } from '../governance/threaded-governance-store.js';
import { ThreadedRequestLogStore } from '../threaded-request-log-store.js';
import { openSqliteRequestLogStore } from '../sqlite/open-sqlite-request-log-store.js';
import { HOUR, makeGate, makePair, makeRun, makeScore, NOW, openMigrated } from './__fixtures__/evaluation-store-behaviour.js';
import { EVALUATION_STORE_METHODS, isEvaluationStoreMethod } from './threaded-evaluation-store.js';

let directory: string;
let requestLog: ThreadedRequestLogStore;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-threaded-evaluation-'));
  requestLog = new ThreadedRequestLogStore({ type: 'sqlite', path: join(directory, 'log.db') });
  await requestLog.migrate();
});

afterAll(async () => {
  await requestLog.close();
  await rm(directory, { recursive: true, force: true });
});

describe('ThreadedRequestLogStore.evaluation', () => {
  it('round-trips every kind of record through the worker', async () => {
    const store = requestLog.evaluation;
    const score = makeScore('r1', { messages: [{ role: 'user', content: 'q' }], answer: { role: 'assistant', content: 'a' } });
    await store.recordOnlineScores([score, makeScore('r2', { time: NOW + HOUR, score: undefined, rubricScore: undefined, unscoredReason: 'judge failed' })]);
    await store.recordOnlineScores([makeScore('r1', { score: 0 })]);
    expect(await store.listOnlineScores({ withConversation: true })).toEqual([score]);
    expect(await store.qualitySeries({ since: NOW, until: NOW + 2 * HOUR, bucket: 'hour' })).toEqual([
      { bucketStart: NOW, workload: 'support', model: 'gpt-4o', route: 'default', scored: 1, unscored: 0, mean: 0.5 },
      { bucketStart: NOW + HOUR, workload: 'support', model: 'gpt-4o', route: 'default', scored: 0, unscored: 1 },
    ]);

    const pair = makePair('p1', { served: 'cheap', outcome: 'strong_better', consistent: false });
    await store.recordShadowPairs([pair]);
    expect(await store.listShadowPairs({ workload: 'support' })).toEqual([pair]);
    expect(await store.shadowSummary({ since: NOW, until: NOW + 1 })).toEqual([{ workload: 'support', served: 'cheap', outcome: 'strong_better', pairs: 1, costUsd: 0.25 }]);

    const run = makeRun('run-1', { report: { tags: {} }, mean: 0.8 });
    await store.recordEvalRun(run);
    expect(await store.listEvalRuns({ model: 'gpt-4o' })).toEqual([run]);
    const gate = makeGate('gate-1', { passed: false, workload: 'support' });
    await store.recordGate(gate);
    expect(await store.listGates({ passed: false })).toEqual([gate]);
  });

  it('dispatches every store method by a name no other store in the worker uses', async () => {
    const { requestLog: direct, store } = await openMigrated({ open: () => openSqliteRequestLogStore({ path: ':memory:' }) });
    await direct.close();
    // A method missing from the list would fail in the worker at run time; a shared name would reach the wrong store.
    const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(store)).filter((method) => method !== 'constructor');
    expect([...EVALUATION_STORE_METHODS].sort()).toEqual(methods.sort());
    expect(methods.every(isEvaluationStoreMethod)).toBe(true);
    const requestLogMethods = ['migrate', 'insertBatch', 'getRequest', 'listRequests', 'aggregate', 'close'];
    expect(EVALUATION_STORE_METHODS.filter((method) => [...requestLogMethods, ...GOVERNANCE_STORE_METHODS].includes(method))).toEqual([]);
  });
});
