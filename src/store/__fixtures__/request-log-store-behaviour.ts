import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestLogRecord } from '../../core/telemetry/request-log-record.js';
import { InvalidRequestError } from '../../spec/errors.js';
import type { KyselyRequestLogStore } from '../kysely-request-log-store.js';

/** One empty database; `open()` may be called several times to get independent connections to it. */
export interface RequestLogStoreLocation {
  open(): KyselyRequestLogStore;
}

const HOUR = 3_600_000;
const BASE = Date.UTC(2025, 0, 15, 10, 0, 0);

/** A minimal successful record; `overrides` replace fields. */
export function makeRecord(id: string, overrides: Partial<RequestLogRecord> = {}): RequestLogRecord {
  return {
    id,
    time: BASE,
    durationMs: 100,
    endpoint: 'chat',
    stream: false,
    requestedModel: 'gpt-4o',
    status: 200,
    cacheHit: false,
    attempts: [{ deployment: 'openai-east', provider: 'openai', code: 'ok', latencyMs: 90 }],
    ...overrides,
  };
}

const fullRecord: RequestLogRecord = {
  id: 'req-full',
  time: BASE + 1234,
  durationMs: 812.5,
  endpoint: 'messages',
  stream: true,
  apiKey: 'team-a',
  workload: 'support',
  requestedModel: 'support',
  routeModel: 'claude-sonnet',
  routeReason: 'fallback after openai-east: provider_rate_limited',
  router: 'learned',
  routeScore: 0.4375,
  cascade: {
    tiers: ['llama-8b', 'claude-sonnet'],
    tier: 1,
    steps: [
      { model: 'llama-8b', outcome: 'escalated', check: 'judge', reason: 'judge score 4 < 7' },
      { model: 'claude-sonnet', outcome: 'accepted' },
    ],
  },
  deployment: 'anthropic-main',
  upstreamModel: 'claude-sonnet-4-20250514',
  status: 200,
  cacheHit: false,
  timeToFirstTokenMs: 240.25,
  overheadMs: 0.3125,
  inputTokens: 1200,
  outputTokens: 300,
  cachedInputTokens: 1000,
  cacheWriteInputTokens: 0,
  costUsd: 0.0123,
  referenceCostUsd: 0.05,
  attempts: [
    { deployment: 'vllm-llama', provider: 'vllm', code: 'ok', latencyMs: 120, tier: 0, inputTokens: 1200, outputTokens: 80, costUsd: 0.0001 },
    { deployment: 'openai-judge', provider: 'openai', code: 'ok', latencyMs: 300, tier: 0, purpose: 'check', inputTokens: 1400, outputTokens: 2, costUsd: 0.0002 },
    { deployment: 'openai-east', provider: 'openai', code: 'provider_rate_limited', message: 'Rate limit reached', upstreamStatus: 429, latencyMs: 35, retry: 0, hedge: false, tier: 1 },
    {
      deployment: 'anthropic-main',
      provider: 'anthropic',
      code: 'ok',
      latencyMs: 770,
      timeToFirstTokenMs: 240.25,
      retry: 0,
      hedge: true,
      tier: 1,
      inputTokens: 1200,
      outputTokens: 300,
      cachedInputTokens: 1000,
      cacheWriteInputTokens: 0,
      costUsd: 0.0123,
    },
  ],
  policy: { dataClass: 'internal', deniedDeployments: ['openai-east'] },
  payload: { request: { messages: [{ role: 'user', content: 'hi' }] }, response: { text: 'hello' } },
};

/** The behaviour every RequestLogStore shares, run once per dialect. */
export function describeRequestLogStore(name: string, createLocation: () => Promise<RequestLogStoreLocation>): void {
  describe(name, () => {
    let location: RequestLogStoreLocation;
    let store: KyselyRequestLogStore;
    const opened: KyselyRequestLogStore[] = [];
    const open = () => {
      const next = location.open();
      opened.push(next);
      return next;
    };

    beforeEach(async () => {
      location = await createLocation();
      store = open();
      await store.migrate();
    });

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((each) => each.close()));
    });

    async function migrationNames(target: KyselyRequestLogStore): Promise<string[]> {
      const result = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(target.database);
      return result.rows.map((row) => row.name);
    }

    describe('migrations', () => {
      it('records each migration once and is idempotent', async () => {
        await store.migrate();
        await open().migrate();
        expect(await migrationNames(store)).toEqual(['0001-request-log', '0002-usage-queries', '0003-routing', '0004-governance', '0005-registry-state', '0006-evaluation', '0007-gateway-overhead']);
        await store.insertBatch([makeRecord('after-remigrate')]);
        expect(await store.getRequest('after-remigrate')).toBeDefined();
      });

      it('applies once when two connections migrate a fresh database at the same time', async () => {
        location = await createLocation();
        const first = open();
        const second = open();
        await Promise.all([first.migrate(), second.migrate(), first.migrate()]);
        expect(await migrationNames(second)).toEqual(['0001-request-log', '0002-usage-queries', '0003-routing', '0004-governance', '0005-registry-state', '0006-evaluation', '0007-gateway-overhead']);
        await first.insertBatch([makeRecord('concurrent')]);
        expect((await second.getRequest('concurrent'))?.id).toBe('concurrent');
      });
    });

    describe('insert and read', () => {
      it('round-trips a full record and a minimal one, leaving absent fields absent', async () => {
        const minimal = makeRecord('req-minimal', { attempts: [] });
        await store.insertBatch([fullRecord, minimal]);
        expect(await store.getRequest('req-full')).toEqual(fullRecord);
        expect(await store.getRequest('req-minimal')).toEqual(minimal);
        expect(await store.getRequest('missing')).toBeUndefined();
      });

      it('is idempotent by request id: replays keep the first version and add no attempts', async () => {
        await store.insertBatch([fullRecord, makeRecord('req-2')]);
        const replayed = { ...fullRecord, status: 500, attempts: [...fullRecord.attempts, fullRecord.attempts[0]!] };
        await store.insertBatch([replayed, makeRecord('req-2'), makeRecord('req-3'), makeRecord('req-3')]);
        expect(await store.getRequest('req-full')).toEqual(fullRecord);
        const page = await store.listRequests({ limit: 100 });
        expect(page.items.map((item) => item.id).sort()).toEqual(['req-2', 'req-3', 'req-full']);
        const attempts = await sql<{ count: number }>`select count(*) as count from request_attempts`.execute(store.database);
        expect(Number(attempts.rows[0]?.count)).toBe(6);
      });

      it('stores values that would otherwise fail the batch', async () => {
        const odd = makeRecord('req-odd', {
          durationMs: Number.NaN,
          inputTokens: 10.6,
          costUsd: Number.POSITIVE_INFINITY,
          errorCode: 'bad\u0000code',
          attempts: [{ deployment: 'd', provider: 'p', code: 'ok', latencyMs: 1, message: 'nul\u0000byte' }],
        });
        await store.insertBatch([odd]);
        const stored = await store.getRequest('req-odd');
        expect(stored).toMatchObject({ durationMs: 0, inputTokens: 11, errorCode: 'badcode' });
        expect(stored?.costUsd).toBeUndefined();
        expect(stored?.attempts[0]?.message).toBe('nulbyte');
      });
    });

    describe('listRequests', () => {
      beforeEach(async () => {
        await store.insertBatch([
          makeRecord('a', { time: BASE, workload: 'support', apiKey: 'team-a', deployment: 'openai-east' }),
          makeRecord('b', { time: BASE + 1000, workload: 'support', apiKey: 'team-b', deployment: 'anthropic-main', routeModel: 'claude-sonnet' }),
          makeRecord('c', { time: BASE + 2000, workload: 'batch', apiKey: 'team-a', deployment: 'vllm-local', status: 502, errorCode: 'all_targets_failed' }),
          makeRecord('d', { time: BASE + 3000, workload: 'batch', apiKey: 'team-b', requestedModel: 'llama-3', deployment: 'vllm-local', status: 429 }),
          makeRecord('e', { time: BASE + 4000 }),
        ]);
      });

      const ids = (page: { items: RequestLogRecord[] }) => page.items.map((item) => item.id);

      it('lists newest first and filters by every field', async () => {
        expect(ids(await store.listRequests())).toEqual(['e', 'd', 'c', 'b', 'a']);
        expect(ids(await store.listRequests({ workload: 'support' }))).toEqual(['b', 'a']);
        expect(ids(await store.listRequests({ apiKey: 'team-a' }))).toEqual(['c', 'a']);
        expect(ids(await store.listRequests({ deployment: 'vllm-local' }))).toEqual(['d', 'c']);
        expect(ids(await store.listRequests({ model: 'llama-3' }))).toEqual(['d']);
        expect(ids(await store.listRequests({ model: 'claude-sonnet' }))).toEqual(['b']);
        expect(ids(await store.listRequests({ status: 'error' }))).toEqual(['d', 'c']);
        expect(ids(await store.listRequests({ status: 'ok' }))).toEqual(['e', 'b', 'a']);
        expect(ids(await store.listRequests({ status: 429 }))).toEqual(['d']);
        expect(ids(await store.listRequests({ since: BASE + 1000, until: BASE + 3000 }))).toEqual(['c', 'b']);
        expect(ids(await store.listRequests({ workload: 'batch', apiKey: 'team-a', status: 'error' }))).toEqual(['c']);
        expect((await store.listRequests({ workload: 'support' })).items[0]?.attempts).toHaveLength(1);
      });

      it('pages with a cursor, also through requests that share a timestamp', async () => {
        await store.insertBatch(['x1', 'x2', 'x3'].map((id) => makeRecord(id, { time: BASE + 2000 })));
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.listRequests({ limit: 3, ...(cursor === undefined ? {} : { cursor }) });
          seen.push(...ids(page));
          cursor = page.nextCursor;
          pages += 1;
        } while (cursor !== undefined);
        expect(pages).toBe(3);
        expect(seen).toEqual(['e', 'd', 'x3', 'x2', 'x1', 'c', 'b', 'a']);
        const filtered = await store.listRequests({ workload: 'support', limit: 1 });
        expect(ids(filtered)).toEqual(['b']);
        expect(ids(await store.listRequests({ workload: 'support', limit: 1, cursor: filtered.nextCursor! }))).toEqual(['a']);
        await expect(store.listRequests({ cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidRequestError);
      });
    });

    describe('aggregate', () => {
      beforeEach(async () => {
        await store.insertBatch([
          makeRecord('s1', { time: BASE, durationMs: 100, workload: 'support', deployment: 'cheap', apiKey: 'team-a', inputTokens: 100, outputTokens: 10, cachedInputTokens: 50, costUsd: 0.001, referenceCostUsd: 0.01 }),
          makeRecord('s2', { time: BASE + 10, durationMs: 200, workload: 'support', deployment: 'cheap', apiKey: 'team-a', inputTokens: 200, outputTokens: 20, costUsd: 0.002, referenceCostUsd: 0.02 }),
          makeRecord('s3', { time: BASE + HOUR, durationMs: 300, workload: 'support', deployment: 'frontier', inputTokens: 300, outputTokens: 30, costUsd: 0.03, referenceCostUsd: 0.03 }),
          makeRecord('s4', { time: BASE + HOUR + 5, durationMs: 400, workload: 'support', deployment: 'frontier', status: 500, errorCode: 'all_targets_failed' }),
          makeRecord('b1', { time: BASE + 2 * HOUR, durationMs: 1000, workload: 'batch', deployment: 'cheap', requestedModel: 'llama', inputTokens: 1000, outputTokens: 100, costUsd: 0.005 }),
          makeRecord('out', { time: BASE + 48 * HOUR, workload: 'support', costUsd: 9 }),
        ]);
      });
      const range = { since: BASE, until: BASE + 24 * HOUR };

      it('sums tokens, costs, savings and errors per workload, with latency percentiles', async () => {
        const rows = await store.aggregate({ ...range, groupBy: 'workload' });
        expect(rows.map((row) => row.key)).toEqual(['support', 'batch']);
        const [support, batch] = rows;
        expect(support).toMatchObject({ requests: 4, errors: 1, inputTokens: 600, outputTokens: 60, cachedInputTokens: 50 });
        expect(support!.costUsd).toBeCloseTo(0.033, 10);
        expect(support!.referenceCostUsd).toBeCloseTo(0.06, 10);
        expect(support!.savingsUsd).toBeCloseTo(0.027, 10);
        expect(support!.p50LatencyMs).toBeCloseTo(250, 6);
        expect(support!.p95LatencyMs).toBeCloseTo(385, 6);
        expect(batch).toMatchObject({ requests: 1, errors: 0, inputTokens: 1000, savingsUsd: 0, referenceCostUsd: 0, p50LatencyMs: 1000, p95LatencyMs: 1000 });
        expect(batch!.costUsd).toBeCloseTo(0.005, 10);
      });

      it('gives time-to-first-token percentiles over streamed answers only, and none for a group without any', async () => {
        const later = BASE + 100 * HOUR;
        await store.insertBatch([
          makeRecord('t1', { time: later, workload: 'chat', stream: true, timeToFirstTokenMs: 100 }),
          makeRecord('t2', { time: later + 1, workload: 'chat', stream: true, timeToFirstTokenMs: 300 }),
          makeRecord('t3', { time: later + 2, workload: 'chat', durationMs: 5000 }),
          makeRecord('t4', { time: later + 3, workload: 'quiet' }),
        ]);
        const rows = await store.aggregate({ since: later, until: later + HOUR, groupBy: 'workload' });
        const chat = rows.find((row) => row.key === 'chat')!;
        // Linear interpolation over [100, 300]; the non-streamed request's null is not a zero.
        expect(chat.p50TimeToFirstTokenMs).toBeCloseTo(200, 6);
        expect(chat.p95TimeToFirstTokenMs).toBeCloseTo(290, 6);
        expect(chat.p99TimeToFirstTokenMs).toBeCloseTo(298, 6);
        expect(rows.find((row) => row.key === 'quiet')).not.toHaveProperty('p50TimeToFirstTokenMs');
      });

      it("gives the gateway's own-time percentiles over the requests that have one, and none for a group without any", async () => {
        const later = BASE + 200 * HOUR;
        await store.insertBatch([
          makeRecord('o1', { time: later, workload: 'fast', overheadMs: 0.2 }),
          makeRecord('o2', { time: later + 1, workload: 'fast', overheadMs: 0.6 }),
          makeRecord('o3', { time: later + 2, workload: 'fast', status: 502, durationMs: 5000 }),
          makeRecord('o4', { time: later + 3, workload: 'old' }),
        ]);
        const rows = await store.aggregate({ since: later, until: later + HOUR, groupBy: 'workload' });
        const fast = rows.find((row) => row.key === 'fast')!;
        // Over [0.2, 0.6]; the failed request has none, which is not a zero.
        expect(fast.p50OverheadMs).toBeCloseTo(0.4, 9);
        expect(fast.p95OverheadMs).toBeCloseTo(0.58, 9);
        expect(fast.p99OverheadMs).toBeCloseTo(0.596, 9);
        expect(rows.find((row) => row.key === 'old')).not.toHaveProperty('p50OverheadMs');
      });

      it('groups by deployment, model and API key (absent keys as null)', async () => {
        const byDeployment = await store.aggregate({ ...range, groupBy: 'deployment' });
        expect(byDeployment.map((row) => [row.key, row.requests, row.errors])).toEqual([
          ['cheap', 3, 0],
          ['frontier', 2, 1],
        ]);
        const byModel = await store.aggregate({ ...range, groupBy: 'model' });
        expect(byModel.map((row) => [row.key, row.requests])).toEqual([
          ['gpt-4o', 4],
          ['llama', 1],
        ]);
        const byKey = await store.aggregate({ ...range, groupBy: 'apiKey' });
        expect(byKey.map((row) => [row.key, row.requests])).toEqual([
          [null, 3],
          ['team-a', 2],
        ]);
      });

      it('buckets by hour and day in UTC', async () => {
        const byHour = await store.aggregate({ ...range, groupBy: 'hour' });
        expect(byHour.map((row) => [row.key, row.bucketStart, row.requests, row.errors])).toEqual([
          ['2025-01-15T10:00:00.000Z', BASE, 2, 0],
          ['2025-01-15T11:00:00.000Z', BASE + HOUR, 2, 1],
          ['2025-01-15T12:00:00.000Z', BASE + 2 * HOUR, 1, 0],
        ]);
        expect(byHour[0]!.costUsd).toBeCloseTo(0.003, 10);
        expect(byHour[0]!.savingsUsd).toBeCloseTo(0.027, 10);
        const byDay = await store.aggregate({ since: BASE - 48 * HOUR, until: BASE + 72 * HOUR, groupBy: 'day' });
        expect(byDay.map((row) => [row.key, row.requests])).toEqual([
          ['2025-01-15T00:00:00.000Z', 5],
          ['2025-01-17T00:00:00.000Z', 1],
        ]);
        expect(await store.aggregate({ since: 0, until: 1, groupBy: 'hour' })).toEqual([]);
      });

      it('groups by several keys, filters, and counts fallbacks, cascade escalations and p99', async () => {
        await store.insertBatch([
          makeRecord('e1', {
            time: BASE + 20,
            durationMs: 500,
            workload: 'support',
            deployment: 'frontier',
            attempts: [
              { deployment: 'cheap', provider: 'local', code: 'provider_timeout', latencyMs: 100 },
              { deployment: 'frontier', provider: 'openai', code: 'ok', latencyMs: 380 },
            ],
          }),
          // A winning hedge: answered elsewhere, but the first deployment had not failed.
          makeRecord('h1', {
            time: BASE + 21,
            durationMs: 400,
            workload: 'support',
            deployment: 'frontier',
            attempts: [
              { deployment: 'cheap', provider: 'local', code: 'cancelled', latencyMs: 200 },
              { deployment: 'frontier', provider: 'openai', code: 'ok', latencyMs: 150, hedge: true },
            ],
          }),
        ]);
        const rows = await store.aggregate({ ...range, groupBy: ['workload', 'deployment'] });
        // makeRecord's one attempt is on openai-east, so a record answered by another deployment
        // counts as a fallback; s4 failed (500), so it was answered by no one; h1's winning hedge is
        // not a fallback. None was escalated by a cascade.
        expect(rows.map((row) => [row.keys, row.key, row.requests, row.fallbacks, row.escalations])).toEqual([
          [{ workload: 'support', deployment: 'frontier' }, 'support / frontier', 4, 2, 0],
          [{ workload: 'support', deployment: 'cheap' }, 'support / cheap', 2, 2, 0],
          [{ workload: 'batch', deployment: 'cheap' }, 'batch / cheap', 1, 1, 0],
        ]);
        const frontier = rows.find((row) => row.keys.deployment === 'frontier')!;
        // Durations 300, 400, 400, 500.
        expect(frontier.p50LatencyMs).toBeCloseTo(400, 6);
        expect(frontier.p99LatencyMs).toBeCloseTo(497, 6);
        const filtered = await store.aggregate({ ...range, groupBy: 'hour', workload: 'support', deployment: 'frontier' });
        expect(filtered.map((row) => [row.keys.hour, row.requests, row.fallbacks])).toEqual([
          ['2025-01-15T10:00:00.000Z', 2, 1],
          ['2025-01-15T11:00:00.000Z', 2, 1],
        ]);
        expect((await store.aggregate({ ...range, groupBy: 'workload', model: 'llama' })).map((row) => row.key)).toEqual(['batch']);
      });

      it('counts a cascade answered above its cheapest tier as escalated, and the fallback within that tier apart', async () => {
        await store.insertBatch([
          { ...fullRecord, id: 'qa-escalated', workload: 'qa' },
          makeRecord('qa-cheap-accepted', { workload: 'qa', cascade: { tiers: ['a', 'b'], tier: 0, steps: [] } }),
        ]);
        const [row] = await store.aggregate({ since: BASE - HOUR, until: BASE + HOUR, groupBy: 'workload', workload: 'qa' });
        // req-full: tier 1 answered (escalated), and within tier 1 the first deployment was rate limited (fallback).
        expect(row).toMatchObject({ key: 'qa', requests: 2, escalations: 1, fallbacks: 1 });
      });
    });
  });
}
