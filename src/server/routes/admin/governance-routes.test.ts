import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../core/config/load-config.js';
import type { ResolvedConfig } from '../../../core/config/resolve-config.js';
import { DriftTracker } from '../../../core/governance/drift/drift-tracker.js';
import type { ExposureCatalogue } from '../../../core/governance/exposure/exposure-catalogue.js';
import { exposureDeployments } from '../../../core/governance/exposure/exposure-deployments.js';
import { workloadUsage } from '../../../core/governance/registry/workload-usage.js';
import { EXPOSURE_LOG, NOW, openMigrated } from '../../../store/governance/__fixtures__/governance-store-behaviour.js';
import type { KyselyGovernanceStore } from '../../../store/governance/kysely-governance-store.js';
import type { KyselyRequestLogStore } from '../../../store/kysely-request-log-store.js';
import { openSqliteRequestLogStore } from '../../../store/sqlite/open-sqlite-request-log-store.js';
import type { GatewayEnv } from '../../gateway-context.js';
import { toOpenAIErrorResponse } from '../../openai-wire/openai-error-body.js';
import { adminActor, registerGovernanceRoutes, type GovernanceRouteDependencies } from './governance-routes.js';

const config = loadConfigText(
  `providers:
  openai: { type: openai, base_url: "http://127.0.0.1:9/v1", api_key: none }
  local: { type: vllm, base_url: "http://127.0.0.1:9/v1" }
models:
  gpt-4o: { deployments: [{ id: openai/gpt-4o, provider: openai, model: gpt-4o }] }
  llama: { deployments: [{ id: local/llama, provider: local, model: llama-3.1-70b }] }
workloads:
  support: { route: { model: gpt-4o } }
  batch: { route: { model: llama } }
`,
  'test.yaml',
  { env: {} },
);

function catalogueOf(resolved: ResolvedConfig): ExposureCatalogue {
  return { deployments: exposureDeployments(resolved, (id) => resolved.registry.factsFor(id)), usage: workloadUsage(resolved) };
}

/** The routes on an admin app with the gateway's error mapping, as admin-routes.ts mounts them. */
function adminApp(overrides: Partial<GovernanceRouteDependencies>): Hono<GatewayEnv> {
  const admin = new Hono<GatewayEnv>();
  registerGovernanceRoutes(admin, { store, currentConfig: () => config, catalogueOf, now: () => NOW, ...overrides });
  admin.onError((error, context) => {
    const response = toOpenAIErrorResponse(error);
    return context.json(response.body, response.status as 400);
  });
  return admin;
}

let requestLog: KyselyRequestLogStore;
let store: KyselyGovernanceStore;

beforeAll(async () => {
  ({ requestLog, store } = await openMigrated({ open: () => openSqliteRequestLogStore({ path: ':memory:' }) }));
  await requestLog.insertBatch(EXPOSURE_LOG);
  await store.appendAudit([
    { time: NOW - 2000, actor: 'local', action: 'config.reload', target: 'test.yaml', configGeneration: 1 },
    { time: NOW - 1000, actor: 'admin', action: 'admin.reload', target: 'test.yaml', configGeneration: 2 },
  ]);
  await store.recordSightings([
    { deployment: 'openai/gpt-4o', pinnedModel: 'gpt-4o', reportedModel: 'gpt-4o-2024-08-06', firstSeen: NOW - 500, resolvedVersion: 'gpt-4o-2024-08-06' },
    { deployment: 'openai/gpt-4o', pinnedModel: 'gpt-4o', reportedModel: 'gpt-4o-2024-11-20', firstSeen: NOW - 100, drift: { kind: 'resolved_version_changed', reason: 'changed' } },
  ]);
});

afterAll(async () => {
  await requestLog.close();
});

describe('GET /registry/exposure', () => {
  it('answers for a model over the default week', async () => {
    const response = await adminApp({}).request('/registry/exposure?model=gpt-4o');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { target: unknown; days: number; workloads: Array<{ workload: string | null; trafficShare: number; alternative?: unknown }> };
    expect(body).toMatchObject({ target: { kind: 'model', value: 'gpt-4o' }, days: 7 });
    expect(body.workloads.find((row) => row.workload === 'support')).toMatchObject({ trafficShare: 0.5, alternative: { exists: true, deployments: ['local/llama'] } });
  });

  it('answers for a provider with days', async () => {
    const body = (await (await adminApp({}).request('/registry/exposure?provider=local&days=30')).json()) as { days: number; deployments: string[] };
    expect(body).toMatchObject({ days: 30, deployments: ['local/llama'] });
  });

  it.each([
    ['/registry/exposure', 'exactly one of model, provider, license'],
    ['/registry/exposure?model=gpt-4o&provider=openai', 'exactly one'],
    ['/registry/exposure?model=gpt-4o&days=0', 'days must be a whole number'],
    ['/registry/exposure?license=mit', "license: no configured license 'mit'"],
  ])('refuses %s with 400', async (path, message) => {
    const response = await adminApp({}).request(path);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(message);
  });

  it('says the database is off when there is no store', async () => {
    const response = await adminApp({ store: undefined }).request('/registry/exposure?model=gpt-4o');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'request_log_disabled' } });
  });
});

describe('GET /registry/drift', () => {
  it('lists stored sightings newest first, drifts only on request', async () => {
    const all = (await (await adminApp({}).request('/registry/drift')).json()) as { sightings: Array<{ reportedModel: string }> };
    expect(all.sightings.map((sighting) => sighting.reportedModel)).toEqual(['gpt-4o-2024-11-20', 'gpt-4o-2024-08-06']);
    const drifts = (await (await adminApp({}).request('/registry/drift?drift_only=true&deployment=openai/gpt-4o')).json()) as { sightings: unknown[] };
    expect(drifts.sightings).toEqual([expect.objectContaining({ drift: { kind: 'resolved_version_changed', reason: 'changed' } })]);
    expect((await adminApp({}).request('/registry/drift?drift_only=maybe')).status).toBe(400);
  });

  it("answers from the tracker's memory without a store", async () => {
    const tracker = new DriftTracker({ pins: new Map([['openai/gpt-4o', { model: 'gpt-4o-2024-08-06' }]]), now: () => NOW });
    tracker.observe('openai/gpt-4o', 'gpt-4o-2024-08-06');
    tracker.observe('openai/gpt-4o', 'gpt-4o-2024-11-20');
    const body = (await (await adminApp({ store: undefined, driftTracker: tracker }).request('/registry/drift?drift_only=1')).json()) as {
      sightings: Array<{ reportedModel: string }>;
    };
    expect(body.sightings.map((sighting) => sighting.reportedModel)).toEqual(['gpt-4o-2024-11-20']);
  });
});

describe('GET /audit', () => {
  it('lists entries newest first, filtered by since, action and limit', async () => {
    const list = async (query: string) =>
      ((await (await adminApp({}).request(`/audit${query}`)).json()) as { entries: Array<{ action: string }> }).entries.map((entry) => entry.action);
    expect(await list('')).toEqual(['admin.reload', 'config.reload']);
    expect(await list(`?since=${NOW - 1500}`)).toEqual(['admin.reload']);
    expect(await list('?action=config.reload')).toEqual(['config.reload']);
    expect(await list('?limit=1')).toEqual(['admin.reload']);
    expect((await adminApp({}).request('/audit?limit=5000')).status).toBe(400);
  });

  it('offers no way to change the log', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect((await adminApp({}).request('/audit', { method })).status).toBe(404);
    }
  });
});

describe('adminActor', () => {
  it('is admin with the admin key, local without', () => {
    expect(adminActor('secret')).toBe('admin');
    expect(adminActor(undefined)).toBe('local');
  });
});
