import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EvalRunRecord, GateRecord, OnlineScore, ShadowPair } from '../../../core/evaluation/evaluation-records.js';
import type { KyselyRequestLogStore } from '../../kysely-request-log-store.js';
import { KyselyEvaluationStore } from '../kysely-evaluation-store.js';

export const HOUR = 3_600_000;
export const DAY = 86_400_000;
/** Noon UTC: on an hour boundary, half a day into its day bucket. */
export const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

/** A scored sample of workload `support` answered by `gpt-4o` through the default route. */
export function makeScore(requestId: string, overrides: Partial<OnlineScore> = {}): OnlineScore {
  return { requestId, time: NOW, workload: 'support', model: 'gpt-4o', route: 'default', judgeModel: 'judge', score: 0.5, rubricScore: 5.5, ...overrides };
}

export function makePair(requestId: string, overrides: Partial<ShadowPair> = {}): ShadowPair {
  return {
    requestId,
    time: NOW,
    workload: 'support',
    router: 'cascade',
    served: 'cheap',
    cheapModel: 'llama',
    strongModel: 'gpt-4o',
    judgeModel: 'judge',
    outcome: 'tie',
    consistent: true,
    prompt: 'user: hello',
    costUsd: 0.25,
    ...overrides,
  };
}

export function makeRun(id: string, overrides: Partial<EvalRunRecord> = {}): EvalRunRecord {
  return {
    id,
    time: NOW,
    setPath: 'evals/support.jsonl',
    setHash: 'sha256:aaa',
    model: 'gpt-4o',
    modelVersion: 'openai/gpt-4o=gpt-4o-2024-08-06',
    trigger: 'cli',
    cases: 10,
    scored: 9,
    failed: 1,
    confidence: 0.95,
    ...overrides,
  };
}

export function makeGate(id: string, overrides: Partial<GateRecord> = {}): GateRecord {
  return {
    id,
    time: NOW,
    setPath: 'evals/support.jsonl',
    setHash: 'sha256:aaa',
    candidate: 'llama-q4',
    candidateVersion: 'local/llama=q4',
    baseline: 'gpt-4o',
    baselineVersion: 'openai/gpt-4o=gpt-4o-2024-08-06',
    passed: true,
    mode: 'non-inferiority',
    maxDrop: 0.01,
    confidence: 0.95,
    bound: -0.004,
    meanDifference: 0.01,
    reason: 'lower bound -0.004 is above -0.01',
    trigger: 'cli',
    actor: 'cli',
    ...overrides,
  };
}

export interface EvaluationStoreLocation {
  /** A request log on an empty database (each call of the factory gives a new one). */
  open(): KyselyRequestLogStore;
}

/** Opens the request log, migrates it (0006 creates the evaluation tables) and wraps it. */
export async function openMigrated(location: EvaluationStoreLocation): Promise<{ requestLog: KyselyRequestLogStore; store: KyselyEvaluationStore }> {
  const requestLog = location.open();
  await requestLog.migrate();
  return { requestLog, store: new KyselyEvaluationStore(requestLog.database) };
}

/** The evaluation store's contract, run against each dialect. */
export function describeEvaluationStore(name: string, createLocation: () => Promise<EvaluationStoreLocation>): void {
  describe(name, () => {
    let requestLog: KyselyRequestLogStore;
    let store: KyselyEvaluationStore;

    beforeEach(async () => {
      ({ requestLog, store } = await openMigrated(await createLocation()));
    });

    afterEach(async () => {
      await requestLog.close();
    });

    describe('online scores', () => {
      it('round-trips a full sample with its conversation, and leaves absent fields absent', async () => {
        const full = makeScore('full', {
          deployment: 'openai/gpt-4o',
          route: 'cascade:1',
          judgeCostUsd: 0.0012,
          messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: [{ type: 'text', text: 'héllo "quoted"' }] }],
          answer: { role: 'assistant', content: 'hi', tool_calls: null },
        });
        const unscored = { requestId: 'unscored', time: NOW - 1, workload: 'support', model: 'llama', route: 'default', judgeModel: 'judge', unscoredReason: 'malformed judge reply twice' };
        await store.recordOnlineScores([full, unscored]);
        expect(await store.listOnlineScores()).toEqual([full, unscored]);
        const [, stored] = await store.listOnlineScores();
        for (const field of ['score', 'rubricScore', 'deployment', 'judgeCostUsd', 'messages', 'answer']) expect(stored).not.toHaveProperty(field);
      });

      it('ignores a replayed batch and repeats inside a batch: the first write stands', async () => {
        await store.recordOnlineScores([makeScore('a', { score: 0.9 }), makeScore('a', { score: 0.1 }), makeScore('b')]);
        await store.recordOnlineScores([makeScore('a', { score: 0.2 }), makeScore('b', { score: 0.3, time: NOW + 5 })]);
        await store.recordOnlineScores([]);
        const stored = await store.listOnlineScores();
        expect(stored.map((score) => [score.requestId, score.score, score.time])).toEqual([
          ['b', 0.5, NOW],
          ['a', 0.9, NOW],
        ]);
      });

      it('writes a batch larger than one statement holds', async () => {
        const batch = Array.from({ length: 450 }, (_, index) => makeScore(`r${String(index).padStart(3, '0')}`, { time: NOW + index }));
        await store.recordOnlineScores(batch);
        const stored = await store.listOnlineScores({ limit: 1000 });
        expect(stored).toHaveLength(450);
        expect(stored[0]!.requestId).toBe('r449');
        expect(stored.at(-1)!.requestId).toBe('r000');
      });

      it('filters by every field, newest first, ties by request id', async () => {
        await store.recordOnlineScores([
          makeScore('old', { time: NOW - 2 * HOUR, score: 0.95 }),
          makeScore('edge-since', { time: NOW - HOUR, score: 0.8 }),
          makeScore('llama-low', { time: NOW - 10, model: 'llama', score: 0.2 }),
          makeScore('with-conversation', { time: NOW - 10, score: 0.7, messages: [{ role: 'user', content: 'q' }], answer: 'a' }),
          makeScore('unscored', { time: NOW - 5, score: undefined, rubricScore: undefined, unscoredReason: 'judge failed' }),
          makeScore('batch', { time: NOW - 5, workload: 'batch', score: 1 }),
          makeScore('edge-until', { time: NOW, score: 0.6 }),
        ]);
        const ids = async (filter: Parameters<KyselyEvaluationStore['listOnlineScores']>[0]) => (await store.listOnlineScores(filter)).map((score) => score.requestId);
        expect(await ids({})).toEqual(['edge-until', 'unscored', 'batch', 'with-conversation', 'llama-low', 'edge-since', 'old']);
        // since is inclusive, until exclusive.
        expect(await ids({ since: NOW - HOUR, until: NOW })).toEqual(['unscored', 'batch', 'with-conversation', 'llama-low', 'edge-since']);
        expect(await ids({ workload: 'batch' })).toEqual(['batch']);
        expect(await ids({ model: 'llama' })).toEqual(['llama-low']);
        // Unscored samples never pass a score threshold.
        expect(await ids({ minScore: 0.7 })).toEqual(['batch', 'with-conversation', 'edge-since', 'old']);
        expect(await ids({ minScore: 0 })).not.toContain('unscored');
        expect(await ids({ withConversation: true })).toEqual(['with-conversation']);
        expect(await ids({ withConversation: false })).toHaveLength(7);
        expect(await ids({ workload: 'support', model: 'gpt-4o', minScore: 0.65, since: NOW - HOUR })).toEqual(['with-conversation', 'edge-since']);
        expect(await ids({ limit: 2 })).toEqual(['edge-until', 'unscored']);
        expect(await ids({ limit: 0 })).toEqual(['edge-until']);
        expect((await store.listOnlineScores({ withConversation: true }))[0]).toMatchObject({ messages: [{ role: 'user', content: 'q' }], answer: 'a' });
      });

      it('returns 100 by default and at most 10,000', async () => {
        const batch = Array.from({ length: 10_001 }, (_, index) => makeScore(`r${index}`, { time: NOW + index, messages: undefined }));
        await store.recordOnlineScores(batch);
        expect(await store.listOnlineScores()).toHaveLength(100);
        expect(await store.listOnlineScores({ limit: 50_000 })).toHaveLength(10_000);
      });
    });

    describe('quality series', () => {
      it('buckets by hour and day from the epoch, counting scored and unscored and averaging scores', async () => {
        await store.recordOnlineScores([
          makeScore('h0-a', { time: NOW, score: 0.2 }),
          makeScore('h0-b', { time: NOW + HOUR - 1, score: 0.6 }),
          makeScore('h0-unscored', { time: NOW + 30 * 60_000, score: undefined, unscoredReason: 'judge failed' }),
          makeScore('h0-cascade', { time: NOW + 1, route: 'cascade:1', score: 1 }),
          makeScore('h1-a', { time: NOW + HOUR, score: 0.4 }),
          makeScore('h1-llama', { time: NOW + HOUR, model: 'llama', score: undefined, unscoredReason: 'policy' }),
          makeScore('before-noon', { time: NOW - 1, score: 0 }),
          makeScore('batch', { time: NOW, workload: 'batch', score: 0.9 }),
          makeScore('next-day', { time: NOW + DAY, score: 1 }),
        ]);
        const hourly = await store.qualitySeries({ since: NOW, until: NOW + 2 * HOUR, bucket: 'hour' });
        expect(hourly.map(rounded)).toEqual([
          { bucketStart: NOW, workload: 'batch', model: 'gpt-4o', route: 'default', scored: 1, unscored: 0, mean: 0.9 },
          { bucketStart: NOW, workload: 'support', model: 'gpt-4o', route: 'cascade:1', scored: 1, unscored: 0, mean: 1 },
          { bucketStart: NOW, workload: 'support', model: 'gpt-4o', route: 'default', scored: 2, unscored: 1, mean: 0.4 },
          { bucketStart: NOW + HOUR, workload: 'support', model: 'gpt-4o', route: 'default', scored: 1, unscored: 0, mean: 0.4 },
          // Only unscored samples: no mean at all (never 0).
          { bucketStart: NOW + HOUR, workload: 'support', model: 'llama', route: 'default', scored: 0, unscored: 1 },
        ]);
        expect(hourly[4]).not.toHaveProperty('mean');

        const daily = await store.qualitySeries({ since: NOW - DAY, until: NOW + 2 * DAY, bucket: 'day', workload: 'support' });
        const dayStart = NOW - 12 * HOUR;
        expect(daily.map(rounded)).toEqual([
          { bucketStart: dayStart, workload: 'support', model: 'gpt-4o', route: 'cascade:1', scored: 1, unscored: 0, mean: 1 },
          { bucketStart: dayStart, workload: 'support', model: 'gpt-4o', route: 'default', scored: 4, unscored: 1, mean: 0.3 },
          { bucketStart: dayStart, workload: 'support', model: 'llama', route: 'default', scored: 0, unscored: 1 },
          { bucketStart: dayStart + DAY, workload: 'support', model: 'gpt-4o', route: 'default', scored: 1, unscored: 0, mean: 1 },
        ]);
        expect(await store.qualitySeries({ since: NOW + 3 * DAY, until: NOW + 4 * DAY, bucket: 'hour' })).toEqual([]);
      });
    });

    describe('shadow pairs', () => {
      it('round-trips pairs, keeps `consistent: false`, and ignores replays', async () => {
        const full = makePair('full', { routerScore: 0.42, consistent: false, outcome: 'tie', prompt: 'system: x\nuser: "y"' });
        const unjudged = makePair('unjudged', { time: NOW - 1, outcome: 'unjudged', reason: 'shadow call failed', consistent: undefined, costUsd: undefined });
        await store.recordShadowPairs([full, unjudged]);
        await store.recordShadowPairs([makePair('full', { outcome: 'strong_better' })]);
        expect(await store.listShadowPairs()).toEqual([full, unjudged]);
        for (const field of ['consistent', 'costUsd', 'routerScore']) expect((await store.listShadowPairs())[1]).not.toHaveProperty(field);
      });

      it('filters by time and workload, newest first, with a limit', async () => {
        await store.recordShadowPairs([
          makePair('old', { time: NOW - DAY }),
          makePair('a', { time: NOW - 2 }),
          makePair('b', { time: NOW - 1, workload: 'batch' }),
          makePair('c', { time: NOW }),
        ]);
        const ids = async (filter: Parameters<KyselyEvaluationStore['listShadowPairs']>[0]) => (await store.listShadowPairs(filter)).map((pair) => pair.requestId);
        expect(await ids({})).toEqual(['c', 'b', 'a', 'old']);
        expect(await ids({ since: NOW - 2, until: NOW })).toEqual(['b', 'a']);
        expect(await ids({ workload: 'support' })).toEqual(['c', 'a', 'old']);
        expect(await ids({ limit: 1 })).toEqual(['c']);
      });

      it('summarises counts and cost by workload, served tier and outcome', async () => {
        await store.recordShadowPairs([
          makePair('1', { served: 'cheap', outcome: 'strong_better', costUsd: 0.5 }),
          makePair('2', { served: 'cheap', outcome: 'strong_better', costUsd: 0.25 }),
          makePair('3', { served: 'cheap', outcome: 'tie', costUsd: undefined }),
          makePair('4', { served: 'strong', outcome: 'cheap_better', costUsd: 1 }),
          makePair('5', { served: 'strong', outcome: 'unjudged', costUsd: undefined }),
          makePair('6', { workload: 'batch', served: 'strong', outcome: 'tie', costUsd: 2 }),
          makePair('outside', { time: NOW + HOUR, outcome: 'strong_better', costUsd: 100 }),
        ]);
        expect(await store.shadowSummary({ since: NOW, until: NOW + HOUR })).toEqual([
          { workload: 'batch', served: 'strong', outcome: 'tie', pairs: 1, costUsd: 2 },
          { workload: 'support', served: 'cheap', outcome: 'strong_better', pairs: 2, costUsd: 0.75 },
          { workload: 'support', served: 'cheap', outcome: 'tie', pairs: 1, costUsd: 0 },
          { workload: 'support', served: 'strong', outcome: 'cheap_better', pairs: 1, costUsd: 1 },
          { workload: 'support', served: 'strong', outcome: 'unjudged', pairs: 1, costUsd: 0 },
        ]);
        expect(await store.shadowSummary({ since: NOW, until: NOW + HOUR, workload: 'batch' })).toEqual([
          { workload: 'batch', served: 'strong', outcome: 'tie', pairs: 1, costUsd: 2 },
        ]);
      });

      it('refuses an outcome or served tier the readers do not know', async () => {
        const insert = (served: string, outcome: string) =>
          sql`insert into shadow_pairs (request_id, time_ms, workload, router, served, cheap_model, strong_model, judge_model, outcome, prompt)
            values (${`${served}-${outcome}`}, 1, 'w', 'cascade', ${served}, 'c', 's', 'j', ${outcome}, 'p')`.execute(requestLog.database);
        await expect(insert('cheap', 'maybe')).rejects.toThrow();
        await expect(insert('medium', 'tie')).rejects.toThrow();
        await insert('cheap', 'tie');
        expect(await store.listShadowPairs()).toHaveLength(1);
      });
    });

    describe('eval runs', () => {
      it('round-trips a run with its report, lists newest first with filters, and ignores a replay', async () => {
        const report = { tags: { billing: { mean: 0.8, n: 4 } }, latency: { p50Ms: 120.5 }, notes: null };
        const full = makeRun('run-full', { time: NOW - 1, workload: 'support', mean: 0.81, lower: 0.7, upper: 0.9, costUsd: 0.12, report, trigger: 'gate' });
        await store.recordEvalRun(full);
        await store.recordEvalRun(makeRun('run-minimal', { time: NOW, model: 'workload/support', scored: 0, failed: 10 }));
        await store.recordEvalRun(makeRun('run-old', { time: NOW - DAY, model: 'llama' }));
        await store.recordEvalRun({ ...full, mean: 0 });

        const all = await store.listEvalRuns();
        expect(all.map((run) => run.id)).toEqual(['run-minimal', 'run-full', 'run-old']);
        expect(all[1]).toEqual(full);
        for (const field of ['workload', 'mean', 'lower', 'upper', 'costUsd', 'report']) expect(all[0]).not.toHaveProperty(field);
        expect((await store.listEvalRuns({ since: NOW - 1 })).map((run) => run.id)).toEqual(['run-minimal', 'run-full']);
        expect((await store.listEvalRuns({ workload: 'support' })).map((run) => run.id)).toEqual(['run-full']);
        expect((await store.listEvalRuns({ model: 'llama' })).map((run) => run.id)).toEqual(['run-old']);
        expect((await store.listEvalRuns({ limit: 1 })).map((run) => run.id)).toEqual(['run-minimal']);
      });
    });

    describe('gates', () => {
      it('round-trips verdicts, passed or not, lists newest first with filters, and ignores a replay', async () => {
        const failed = makeGate('gate-failed', {
          time: NOW,
          workload: 'support',
          passed: false,
          mode: 'regression',
          bound: -0.03,
          meanDifference: -0.02,
          reason: 'drop',
          trigger: 'drift',
          actor: 'gateway',
          candidateRunId: 'run-1',
          baselineRunId: 'run-2',
        });
        const passed = makeGate('gate-passed', { time: NOW - HOUR });
        await store.recordGate(passed);
        await store.recordGate(failed);
        await store.recordGate(makeGate('gate-other', { time: NOW - DAY, candidate: 'mistral', workload: 'batch' }));
        await store.recordGate({ ...failed, passed: true });

        expect(await store.listGates()).toEqual([failed, passed, makeGate('gate-other', { time: NOW - DAY, candidate: 'mistral', workload: 'batch' })]);
        const [, stored] = await store.listGates();
        for (const field of ['workload', 'candidateRunId', 'baselineRunId']) expect(stored).not.toHaveProperty(field);
        const ids = async (filter: Parameters<KyselyEvaluationStore['listGates']>[0]) => (await store.listGates(filter)).map((gate) => gate.id);
        expect(await ids({ passed: false })).toEqual(['gate-failed']);
        expect(await ids({ passed: true })).toEqual(['gate-passed', 'gate-other']);
        expect(await ids({ candidate: 'llama-q4' })).toEqual(['gate-failed', 'gate-passed']);
        expect(await ids({ workload: 'support', candidate: 'llama-q4' })).toEqual(['gate-failed']);
        expect(await ids({ since: NOW - HOUR })).toEqual(['gate-failed', 'gate-passed']);
        expect(await ids({ limit: 1 })).toEqual(['gate-failed']);
      });
    });
  });
}

/** Means rounded to 10 decimals: an average of doubles differs in its last bits between databases. */
function rounded<T extends { mean?: number }>(row: T): T {
  return row.mean === undefined ? row : { ...row, mean: Math.round(row.mean * 1e10) / 1e10 };
}
