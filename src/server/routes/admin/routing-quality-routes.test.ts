import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTemporaryEvaluationStore, type TemporaryEvaluationStore } from '../../../../test/support/temp-evaluation-store.js';
import type { RoutingQualityResponse } from '../../../core/evaluation/evaluation-api.js';
import type { ShadowPair } from '../../../core/evaluation/evaluation-records.js';
import type { GatewayEnv } from '../../gateway-context.js';
import { toOpenAIErrorResponse } from '../../openai-wire/openai-error-body.js';
import { registerRoutingQualityRoutes, type RoutingQualityRouteDependencies } from './routing-quality-routes.js';

const NOW = Date.parse('2025-03-10T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function pair(overrides: Partial<ShadowPair>): ShadowPair {
  return {
    requestId: 'r',
    time: NOW - HOUR,
    workload: 'support',
    router: 'cascade',
    served: 'cheap',
    cheapModel: 'small',
    strongModel: 'big',
    judgeModel: 'judge',
    outcome: 'tie',
    prompt: '[user]\nhi',
    costUsd: 0.01,
    ...overrides,
  };
}

/** One real SQLite store for the file: every test only reads what is seeded here. */
let opened: TemporaryEvaluationStore;
beforeAll(async () => {
  opened = await openTemporaryEvaluationStore();
  await opened.store.recordShadowPairs([
    pair({ requestId: 'a', outcome: 'strong_better' }),
    pair({ requestId: 'b', outcome: 'tie' }),
    pair({ requestId: 'c', outcome: 'unjudged', costUsd: 0 }),
    pair({ requestId: 'd', served: 'strong', outcome: 'cheap_better' }),
    pair({ requestId: 'e', served: 'strong', outcome: 'strong_better' }),
    pair({ requestId: 'f', workload: 'batch', served: 'strong', outcome: 'tie' }),
    // Two days ago: only in wider ranges.
    pair({ requestId: 'old', time: NOW - 2 * DAY, outcome: 'strong_better' }),
  ]);
});
afterAll(async () => {
  await opened.close();
});

/** The route on an admin app with the gateway's error mapping, as admin-routes.ts mounts it. */
function adminApp(dependencies: RoutingQualityRouteDependencies): Hono<GatewayEnv> {
  const admin = new Hono<GatewayEnv>();
  registerRoutingQualityRoutes(admin, { now: () => NOW, ...dependencies });
  admin.onError((error, context) => {
    const response = toOpenAIErrorResponse(error);
    return context.json(response.body, response.status as 400);
  });
  return admin;
}

describe('GET /admin/routing/quality', () => {
  it('reports under- and over-escalation per workload over the last week by default', async () => {
    const app = adminApp({ store: opened.store });
    const response = await app.request('/routing/quality');
    expect(response.status).toBe(200);
    const body = (await response.json()) as RoutingQualityResponse;
    expect(body.since).toBe(NOW - 7 * DAY);
    expect(body.until).toBe(NOW + 1);
    expect(body.workloads.map((row) => row.workload)).toEqual(['batch', 'support']);
    const support = body.workloads[1]!;
    expect(support).toMatchObject({ pairs: 6, unjudged: 1, servedCheap: 4, servedStrong: 2 });
    expect(support.underEscalation).toMatchObject({ count: 2, of: 3 });
    expect(support.overEscalation).toMatchObject({ count: 1, of: 2, rate: 0.5 });
    expect(support.overEscalation.lower).toBeLessThan(0.5);
    expect(support.overEscalation.upper).toBeGreaterThan(0.5);
  });

  it('narrows to a range and a workload', async () => {
    const app = adminApp({ store: opened.store });
    const recent = (await (await app.request('/routing/quality?since=1d&workload=support')).json()) as RoutingQualityResponse;
    expect(recent.workloads).toHaveLength(1);
    expect(recent.workloads[0]).toMatchObject({ workload: 'support', pairs: 5, underEscalation: { count: 1, of: 2 } });
    const older = (await (await app.request(`/routing/quality?since=2025-03-01&until=${NOW - DAY}`)).json()) as RoutingQualityResponse;
    expect(older.workloads).toEqual([expect.objectContaining({ workload: 'support', pairs: 1, underEscalation: expect.objectContaining({ count: 1, of: 1 }) })]);
  });

  it.each([
    ['/routing/quality?since=yesterday', 'since', /since must be a duration/],
    ['/routing/quality?since=1d&until=2d', 'until', /until must be after since/],
    ['/routing/quality?until=soon', 'until', /until must be a duration/],
    ['/routing/quality?workload=', 'workload', /workload must not be empty/],
    ['/routing/quality?workload=a&workload=b', 'workload', /given 2 times/],
    ['/routing/quality?from=1d', 'from', /Unknown query parameter 'from'/],
  ])('answers %s with a 400 naming %s', async (path, param, message) => {
    const app = adminApp({ store: opened.store });
    const response = await app.request(path);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { param: string; message: string; type: string } };
    expect(body.error).toMatchObject({ param, type: 'invalid_request_error' });
    expect(body.error.message).toMatch(message);
  });

  it('says so when there is no evaluation store', async () => {
    const response = await adminApp({ store: undefined }).request('/routing/quality');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'request_log_disabled' } });
  });
});
