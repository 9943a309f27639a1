import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTemporaryEvaluationStore, type TemporaryEvaluationStore } from '../../../../test/support/temp-evaluation-store.js';
import { DEFAULT_EVALUATION_CONFIG } from '../../../core/evaluation/evaluation-config.js';
import type { QualityResponse } from '../../../core/evaluation/evaluation-api.js';
import type { OnlineScore } from '../../../core/evaluation/evaluation-records.js';
import { RollingQuality } from '../../../evals/online/rolling-quality.js';
import type { QualitySource } from '../../../evals/online/start-online-evaluation.js';
import type { GatewayEnv } from '../../gateway-context.js';
import { toOpenAIErrorResponse } from '../../openai-wire/openai-error-body.js';
import { registerQualityRoutes, type QualityRouteDependencies } from './quality-routes.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** On an hour boundary, so bucket starts are easy to name. */
const NOW = Date.UTC(2026, 0, 15, 12);

const score = (index: number, time: number, workload: string, value: number | undefined, route = 'default'): OnlineScore => ({
  requestId: `r${index}`,
  time,
  workload,
  model: 'small',
  route,
  judgeModel: 'judge',
  ...(value === undefined ? { unscoredReason: 'malformed judge reply after 2 attempt(s)' } : { score: value }),
});

const rolling = new RollingQuality({ settings: DEFAULT_EVALUATION_CONFIG.quality, now: () => NOW });
const quality: QualitySource = {
  rollingQuality: (workload) => rolling.snapshot(workload),
  recentAlerts: (workload) =>
    [{ time: NOW - HOUR, kind: 'quality_drop' as const, workload: 'support', model: 'small', route: 'default', message: 'dropped' }].filter(
      (alert) => workload === undefined || alert.workload === workload,
    ),
  queueStats: () => ({ queued: 2, running: 1, dropped: 5, completed: 40, failed: 0 }),
};

/** The route on an admin app with the gateway's error mapping, as admin-routes.ts mounts it. */
function adminApp(dependencies: QualityRouteDependencies): Hono<GatewayEnv> {
  const admin = new Hono<GatewayEnv>();
  registerQualityRoutes(admin, { now: () => NOW, ...dependencies });
  admin.onError((error, context) => {
    const response = toOpenAIErrorResponse(error);
    return context.json(response.body, response.status as 400);
  });
  return admin;
}

/** One real SQLite store for the file: every test only reads what is seeded here. */
let opened: TemporaryEvaluationStore;
let app: Hono<GatewayEnv>;

beforeAll(async () => {
  opened = await openTemporaryEvaluationStore();
  const seeded = [
    score(1, NOW - 100 * 60_000, 'support', 0.8),
    score(2, NOW - 50 * 60_000, 'support', 0.6),
    score(3, NOW - 45 * 60_000, 'support', undefined),
    score(4, NOW - 30 * 60_000, 'support', 1, 'cascade:0'),
    score(5, NOW - 30 * 60_000, 'batch', 0.5),
    score(6, NOW - 3 * DAY, 'support', 0.2),
  ];
  await opened.store.recordOnlineScores(seeded);
  for (const stored of seeded) {
    if (stored.score !== undefined) rolling.add({ ...stored, score: stored.score });
  }
  app = adminApp({ store: opened.store, quality });
});
afterAll(async () => {
  await opened.close();
});

async function getQuality(app: Hono<GatewayEnv>, query: string): Promise<{ status: number; body: QualityResponse & { error?: { message: string; param?: string } } }> {
  const response = await app.request(`/quality${query}`);
  return { status: response.status, body: (await response.json()) as QualityResponse & { error?: { message: string; param?: string } } };
}

describe('GET /admin/quality', () => {
  it('returns the last day by hour: series, rolling quality, alerts and the queue', async () => {
    const { status, body } = await getQuality(app, '');
    expect(status).toBe(200);
    expect(body).toMatchObject({ since: NOW - DAY, until: NOW + 1, bucket: 'hour' });
    // The store's order: by bucket, then workload, model and route.
    expect(body.series).toEqual([
      { bucketStart: NOW - 2 * HOUR, workload: 'support', model: 'small', route: 'default', scored: 1, unscored: 0, mean: 0.8 },
      { bucketStart: NOW - HOUR, workload: 'batch', model: 'small', route: 'default', scored: 1, unscored: 0, mean: 0.5 },
      { bucketStart: NOW - HOUR, workload: 'support', model: 'small', route: 'cascade:0', scored: 1, unscored: 0, mean: 1 },
      { bucketStart: NOW - HOUR, workload: 'support', model: 'small', route: 'default', scored: 1, unscored: 1, mean: 0.6 },
    ]);
    expect(body.rolling.map((row) => [row.workload, row.route, row.window.n, row.baseline.n])).toEqual([
      ['batch', 'default', 1, 0],
      ['support', 'cascade:0', 1, 0],
      ['support', 'default', 1, 1],
    ]);
    expect(body.alerts).toEqual([expect.objectContaining({ kind: 'quality_drop', workload: 'support' })]);
    expect(body.queue).toEqual({ queued: 2, running: 1, dropped: 5, completed: 40, failed: 0 });
  });

  it('narrows to one workload and buckets by day over a longer range', async () => {
    const { status, body } = await getQuality(app, '?bucket=day&since=7d&workload=support');
    expect(status).toBe(200);
    expect(body).toMatchObject({ since: NOW - 7 * DAY, bucket: 'day' });
    expect(body.series.map((row) => [row.bucketStart, row.route, row.scored])).toEqual([
      [NOW - 12 * HOUR - 3 * DAY, 'default', 1],
      [NOW - 12 * HOUR, 'cascade:0', 1],
      [NOW - 12 * HOUR, 'default', 2],
    ]);
    expect(body.rolling.every((row) => row.workload === 'support')).toBe(true);
    expect(body.alerts).toHaveLength(1);
    const other = await getQuality(app, '?workload=batch');
    expect(other.body.alerts).toEqual([]);
  });

  it('takes Unix milliseconds and ISO dates for since and until', async () => {
    const { body } = await getQuality(app, `?since=${NOW - 2 * HOUR}&until=2026-01-15T11:00:00Z`);
    expect(body).toMatchObject({ since: NOW - 2 * HOUR, until: NOW - HOUR });
    expect(body.series.map((row) => row.mean)).toEqual([0.8]);
  });

  it.each([
    ['?bucket=week', 'bucket', /bucket must be one of hour, day; got 'week'/],
    ['?since=yesterday', 'since', /since must be a duration before now/],
    ['?until=soon', 'until', /until must be a duration before now/],
    ['?since=1h&until=2h', 'until', /until must be after since/],
    ['?since=365d', 'since', /more than 2000 hour buckets/],
    ['?workload=', 'workload', /workload must not be empty/],
  ])('answers %s with a 400 naming %s', async (query, param, message) => {
    const { status, body } = await getQuality(app, query);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ param, message: expect.stringMatching(message) });
  });

  it('has an empty series when the request log is off, and empty rolling data when online evaluation is off', async () => {
    const withoutStore = await getQuality(adminApp({ quality }), '');
    expect(withoutStore.body.series).toEqual([]);
    expect(withoutStore.body.rolling).toHaveLength(3);
    expect(withoutStore.body.queue.completed).toBe(40);
    const bare = await getQuality(adminApp({}), '');
    expect(bare.status).toBe(200);
    expect(bare.body).toMatchObject({ series: [], rolling: [], alerts: [], queue: { queued: 0, running: 0, dropped: 0, completed: 0, failed: 0 } });
  });
});
