import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../core/config/load-config.js';
import { createLogger } from '../../../core/telemetry/create-logger.js';
import type { RequestLogRecord } from '../../../core/telemetry/request-log-record.js';
import { buildGatewayRuntime } from '../../../core/registry/gateway-runtime.js';
import { RuntimeHolder } from '../../../core/registry/runtime-holder.js';
import type { KyselyRequestLogStore } from '../../../store/kysely-request-log-store.js';
import { openSqliteRequestLogStore } from '../../../store/sqlite/open-sqlite-request-log-store.js';
import type { UsageReport } from '../../../store/usage-query.js';
import { createGatewayApp } from '../../app.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = Date.now();

function record(id: string, overrides: Partial<RequestLogRecord>): RequestLogRecord {
  return {
    id,
    time: now - HOUR,
    durationMs: 100,
    endpoint: 'chat',
    stream: false,
    requestedModel: 'workload/support',
    status: 200,
    cacheHit: false,
    attempts: [{ deployment: 'cheap', provider: 'local', code: 'ok', latencyMs: 90 }],
    deployment: 'cheap',
    ...overrides,
  };
}

const seeded: RequestLogRecord[] = [
  // support × small: four answered by their first deployment, one by a fallback model.
  ...[100, 200, 300, 400].map((durationMs, index) =>
    record(`s${index}`, { workload: 'support', routeModel: 'small', durationMs, inputTokens: 100, outputTokens: 10, costUsd: 0.001, referenceCostUsd: 0.004 }),
  ),
  record('s-fallback', {
    workload: 'support',
    routeModel: 'small',
    durationMs: 1000,
    deployment: 'frontier',
    inputTokens: 100,
    outputTokens: 10,
    costUsd: 0.01,
    referenceCostUsd: 0.004,
    attempts: [
      { deployment: 'cheap', provider: 'local', code: 'provider_http_error', latencyMs: 300 },
      { deployment: 'frontier', provider: 'openai', code: 'ok', latencyMs: 650 },
    ],
  }),
  // support × big, two days ago: one error.
  record('b1', { time: now - 2 * DAY, workload: 'support', routeModel: 'big', deployment: 'frontier', attempts: [{ deployment: 'frontier', provider: 'openai', code: 'ok', latencyMs: 10 }] }),
  record('b2', { time: now - 2 * DAY, workload: 'support', routeModel: 'big', status: 502, errorCode: 'all_targets_failed', deployment: undefined }),
  // batch × small, with a retry on the same deployment: not a fallback.
  record('x1', {
    workload: 'batch',
    routeModel: 'small',
    attempts: [
      { deployment: 'cheap', provider: 'local', code: 'provider_timeout', latencyMs: 50 },
      { deployment: 'cheap', provider: 'local', code: 'ok', latencyMs: 40, retry: 1 },
    ],
  }),
  // Eight days ago: outside the default week.
  record('old', { time: now - 8 * DAY, workload: 'support', routeModel: 'small', costUsd: 5 }),
];

let store: KyselyRequestLogStore;
let app: ReturnType<typeof createGatewayApp>;

beforeAll(async () => {
  store = openSqliteRequestLogStore({ path: ':memory:' });
  await store.migrate();
  await store.insertBatch(seeded);
  const config = loadConfigText('providers: {}\nmodels: {}\n', 'test.yaml', { env: {} });
  app = createGatewayApp({ holder: new RuntimeHolder(buildGatewayRuntime(config), undefined), logger: createLogger({ level: 'silent' }), requestLog: store });
});

afterAll(async () => {
  await store.close();
});

async function usage(query: string): Promise<{ status: number; body: UsageReport & { error?: { message: string; param?: string } } }> {
  const response = await app.request(`/admin/usage?${query}`);
  return { status: response.status, body: (await response.json()) as UsageReport & { error?: { message: string; param?: string } } };
}

describe('GET /admin/usage', () => {
  it('groups by two keys over the last week, with rates and latency percentiles', async () => {
    const { status, body } = await usage('by=workload,model&since=7d');
    expect(status).toBe(200);
    expect(body.by).toEqual(['workload', 'model']);
    expect(body.since).toBeGreaterThanOrEqual(now - 7 * DAY);
    expect(body.rows.map((row) => [row.keys.workload, row.keys.model, row.requests])).toEqual([
      ['support', 'small', 5],
      ['support', 'big', 2],
      ['batch', 'small', 1],
    ]);
    const [supportSmall, supportBig, batch] = body.rows;
    expect(supportSmall).toMatchObject({ errors: 0, errorRate: 0, fallbacks: 1, fallbackRate: 0.2, escalations: 0, inputTokens: 500, outputTokens: 50 });
    expect(supportSmall!.costUsd).toBeCloseTo(0.014, 10);
    expect(supportSmall!.savingsUsd).toBeCloseTo(0.02 - 0.014, 10);
    // Durations 100, 200, 300, 400, 1000 (linear interpolation, as percentile_cont).
    expect(supportSmall!.p50LatencyMs).toBeCloseTo(300, 6);
    expect(supportSmall!.p95LatencyMs).toBeCloseTo(880, 6);
    expect(supportSmall!.p99LatencyMs).toBeCloseTo(976, 6);
    expect(supportBig).toMatchObject({ errors: 1, errorRate: 0.5, fallbacks: 0 });
    expect(batch).toMatchObject({ fallbacks: 0, fallbackRate: 0 });
  });

  it('takes relative and absolute times, and filters', async () => {
    const lastDay = await usage('by=workload&since=24h');
    expect(lastDay.body.rows.map((row) => [row.keys.workload, row.requests])).toEqual([
      ['support', 5],
      ['batch', 1],
    ]);
    const window = await usage(`by=model&since=${new Date(now - 3 * DAY).toISOString()}&until=${now - DAY}`);
    expect(window.body.rows.map((row) => [row.keys.model, row.requests])).toEqual([['big', 2]]);
    const month = await usage('by=deployment&since=30d&workload=support');
    expect(month.body.rows.map((row) => [row.keys.deployment, row.requests])).toEqual([
      ['cheap', 5],
      ['frontier', 2],
      [null, 1],
    ]);
    const byModel = await usage('by=workload&since=7d&model=big');
    expect(byModel.body.rows.map((row) => [row.keys.workload, row.requests])).toEqual([['support', 2]]);
  });

  it('defaults to the last week grouped by workload', async () => {
    const { body } = await usage('');
    expect(body.by).toEqual(['workload']);
    expect(body.rows.map((row) => [row.keys.workload, row.requests])).toEqual([
      ['support', 7],
      ['batch', 1],
    ]);
  });

  it.each([
    ['since=7days', 'since'],
    ['since=yesterday', 'since'],
    ['until=soon', 'until'],
    ['since=1h&until=2h', 'until'],
    ['by=workload,colour', 'by'],
    ['by=', 'by'],
  ])('refuses %s with a 400 naming the parameter', async (query, param) => {
    const { status, body } = await usage(query);
    expect(status).toBe(400);
    expect(body.error?.param).toBe(param);
  });
});
