import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTemporaryEvaluationStore, type TemporaryEvaluationStore } from '../../../../test/support/temp-evaluation-store.js';
import { loadConfigText } from '../../../core/config/load-config.js';
import type { ResolvedConfig } from '../../../core/config/resolve-config.js';
import type { EvaluationStore, GateRecord } from '../../../core/evaluation/evaluation-records.js';
import { hashEvalSetFile } from '../../../evals/gating/eval-set-identity.js';
import { AuditRecorder } from '../../../core/governance/audit/audit-recorder.js';
import { applyOverlay } from '../../../core/governance/registry-state/apply-registry-overlay.js';
import { RegistryOverlay } from '../../../core/governance/registry-state/registry-overlay.js';
import type { RegistryStateStore } from '../../../core/governance/registry-state/registry-state-entry.js';
import { NOW, openMigrated } from '../../../store/governance/__fixtures__/governance-store-behaviour.js';
import type { KyselyGovernanceStore } from '../../../store/governance/kysely-governance-store.js';
import type { KyselyRequestLogStore } from '../../../store/kysely-request-log-store.js';
import { openSqliteRequestLogStore } from '../../../store/sqlite/open-sqlite-request-log-store.js';
import type { GatewayEnv } from '../../gateway-context.js';
import { toOpenAIErrorResponse } from '../../openai-wire/openai-error-body.js';
import { registerRegistryStateRoutes, type RegistryStateRouteDependencies } from './registry-state-routes.js';

const CONFIG_TEXT = `providers:
  openai: { type: openai, base_url: "http://127.0.0.1:9/v1", api_key: none }
  local: { type: vllm, base_url: "http://127.0.0.1:9/v1" }
models:
  gpt-4o:
    registry: { lifecycle: deprecated, deprecation_date: "2025-12-31" }
    deployments: [{ id: openai/gpt-4o, provider: openai, model: gpt-4o }]
  meta/llama: { deployments: [{ id: local/llama, provider: local, model: llama-3.1-70b }] }
workloads:
  support: { route: { model: gpt-4o } }
`;
const config = loadConfigText(CONFIG_TEXT, 'test.yaml', { env: {} });
const keyedConfig = loadConfigText(`server: { admin_key: secret-admin-key }\n${CONFIG_TEXT}`, 'test.yaml', { env: {} });

let requestLog: KyselyRequestLogStore;
let store: KyselyGovernanceStore;
let overlay: RegistryOverlay;

beforeEach(async () => {
  ({ requestLog, store } = await openMigrated({ open: () => openSqliteRequestLogStore({ path: ':memory:' }) }));
  overlay = new RegistryOverlay();
});

afterEach(async () => {
  await requestLog.close();
});

/** The routes on an admin app with the gateway's error mapping, as admin-routes.ts mounts them. */
function adminApp(overrides: Partial<RegistryStateRouteDependencies> = {}, resolved: ResolvedConfig = config): Hono<GatewayEnv> {
  const admin = new Hono<GatewayEnv>();
  registerRegistryStateRoutes(admin, {
    store,
    overlay,
    currentConfig: () => resolved,
    audit: new AuditRecorder(store, { now: () => NOW }),
    generation: () => 7,
    now: () => NOW,
    ...overrides,
  });
  admin.onError((error, context) => {
    const response = toOpenAIErrorResponse(error);
    return context.json(response.body, response.status as 400);
  });
  return admin;
}

function put(app: Hono<GatewayEnv>, model: string, body: unknown): Promise<Response> {
  return Promise.resolve(app.request(`/registry/models/${model}/lifecycle`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }));
}

async function errorOf(response: Response): Promise<{ status: number; param: unknown; code: unknown; message: string }> {
  const body = (await response.json()) as { error: { param?: unknown; code?: unknown; message: string } };
  return { status: response.status, param: body.error.param ?? null, code: body.error.code ?? null, message: body.error.message };
}

describe('PUT /registry/models/:model/lifecycle', () => {
  it('stores the lifecycle, lays it over the registry at once and audits before and after', async () => {
    const response = await put(adminApp(), 'gpt-4o', { lifecycle: 'retired', reason: 'provider shut the snapshot down' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      model: 'gpt-4o',
      lifecycle: 'retired',
      deprecationDate: null,
      reason: 'provider shut the snapshot down',
      actor: 'local',
      updatedAt: NOW,
      overlayVersion: 1,
      previous: { lifecycle: 'deprecated', deprecationDate: '2025-12-31', source: 'config', reason: null },
    });
    expect(await store.listRegistryState()).toEqual([{ model: 'gpt-4o', lifecycle: 'retired', reason: 'provider shut the snapshot down', actor: 'local', updatedAt: NOW }]);
    expect(overlay.current().version).toBe(1);
    expect(applyOverlay(config.registry, overlay).factsFor('openai/gpt-4o').lifecycle).toBe('retired');
    expect(await store.listAudit()).toEqual([
      {
        id: expect.any(Number),
        time: NOW,
        actor: 'local',
        action: 'registry.change',
        target: 'models.gpt-4o',
        configGeneration: 7,
        details: {
          change: 'lifecycle',
          before: { lifecycle: 'deprecated', deprecationDate: '2025-12-31', source: 'config', reason: null },
          after: { lifecycle: 'retired', deprecationDate: null, source: 'live', reason: 'provider shut the snapshot down' },
        },
      },
    ]);
  });

  it('names the admin key as actor, reports the live state as "before" on a second change, and accepts model names with a slash', async () => {
    const app = adminApp({}, keyedConfig);
    expect((await put(app, 'meta/llama', { lifecycle: 'candidate', reason: 'licence review' })).status).toBe(200);
    const second = await put(app, 'meta%2Fllama', { lifecycle: 'deprecated', deprecation_date: '2025-08-01', reason: 'replaced by llama 4' });
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({
      model: 'meta/llama',
      actor: 'admin',
      overlayVersion: 2,
      previous: { lifecycle: 'candidate', deprecationDate: null, source: 'live', reason: 'licence review' },
    });
    expect(await store.listRegistryState()).toEqual([
      { model: 'meta/llama', lifecycle: 'deprecated', deprecationDate: '2025-08-01', reason: 'replaced by llama 4', actor: 'admin', updatedAt: NOW },
    ]);
    expect((await store.listAudit()).map((entry) => [entry.actor, entry.target])).toEqual([
      ['admin', 'models.meta/llama'],
      ['admin', 'models.meta/llama'],
    ]);
  });

  it('answers 400 naming the field, and changes nothing', async () => {
    const app = adminApp();
    expect(await errorOf(await put(app, 'gpt-4o', { lifecycle: 'deprecated', reason: 'x' }))).toMatchObject({ status: 400, param: 'deprecation_date', message: expect.stringContaining('required when lifecycle is deprecated') });
    expect(await errorOf(await put(app, 'gpt-4o', { lifecycle: 'retired' }))).toMatchObject({ status: 400, param: 'reason', code: 'missing_required_parameter' });
    expect(await errorOf(await put(app, 'gpt-4o', { lifecycle: 'sunset', reason: 'x' }))).toMatchObject({ status: 400, param: 'lifecycle' });
    expect(await errorOf(await put(app, 'gpt-4o', { lifecycle: 'deprecated', deprecation_date: '31/12/2025', reason: 'x' }))).toMatchObject({ status: 400, param: 'deprecation_date' });
    expect(await errorOf(await put(app, 'gpt-4o', { lifecycle: 'retired', reason: 'x', actor: 'me' }))).toMatchObject({ status: 400, param: 'actor', code: 'unknown_parameter' });
    expect(await errorOf(await put(app, 'gpt-4o', '{"lifecycle": '))).toMatchObject({ status: 400, code: 'invalid_json' });
    expect(await store.listRegistryState()).toEqual([]);
    expect(await store.listAudit()).toEqual([]);
    expect(overlay.current().version).toBe(0);
  });

  it('answers 404 for a model that is not configured', async () => {
    const failure = await errorOf(await put(adminApp(), 'gpt-5', { lifecycle: 'retired', reason: 'x' }));
    expect(failure).toMatchObject({ status: 404, code: 'model_not_found', message: expect.stringContaining("Model 'gpt-5' is not in the config's models") });
    expect(await store.listRegistryState()).toEqual([]);
  });

  it('refuses without a database, and neither enforces nor audits a change the store refused', async () => {
    expect(await errorOf(await put(adminApp({ store: undefined }), 'gpt-4o', { lifecycle: 'retired', reason: 'x' }))).toMatchObject({ status: 400, code: 'request_log_disabled' });
    const failing: RegistryStateStore = {
      setRegistryState: async () => {
        throw new Error('disk full');
      },
      listRegistryState: async () => [],
    };
    const response = await put(adminApp({ store: failing }), 'gpt-4o', { lifecycle: 'retired', reason: 'x' });
    expect(response.status).toBe(500);
    expect(overlay.current().version).toBe(0);
    expect(await store.listAudit()).toEqual([]);
  });
});

describe('GET /registry/state', () => {
  it('lists the live overrides with config lifecycle, and orphans for models no longer configured', async () => {
    const empty = await adminApp().request('/registry/state');
    expect(await empty.json()).toEqual({ version: 0, states: [], orphaned: [] });

    overlay.replaceAll([{ model: 'removed', lifecycle: 'retired', reason: 'gone', actor: 'admin', updatedAt: NOW - 1 }]);
    expect((await put(adminApp(), 'gpt-4o', { lifecycle: 'approved', reason: 'provider extended support' })).status).toBe(200);
    const response = await adminApp().request('/registry/state');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      version: 2,
      states: [
        { model: 'gpt-4o', lifecycle: 'approved', deprecationDate: null, reason: 'provider extended support', actor: 'local', updatedAt: NOW, configLifecycle: 'deprecated', orphaned: false },
        { model: 'removed', lifecycle: 'retired', deprecationDate: null, reason: 'gone', actor: 'admin', updatedAt: NOW - 1, configLifecycle: null, orphaned: true },
      ],
      orphaned: ['removed'],
    });
  });
});

describe('PUT /registry/models/:model/lifecycle with approved: gate evidence', () => {
  const GATED_CONFIG = `providers:
  sim: { type: simulated }
models:
  current: { deployments: [{ provider: sim, model: big }] }
  support-q4:
    registry: { lifecycle: candidate, lineage: { base_model: current, base_version: big, quantization_bits: 4 } }
    deployments: [{ provider: sim, model: big-q4, version: "2025-06-01" }]
workloads:
  support:
    route: { model: current, fallbacks: [support-q4] }
    evaluation: { eval_set: { path: sets/support.jsonl } }
  faq: { route: { model: support-q4 } }
`;
  const VERSION = 'sim:big-q4@2025-06-01';
  let directory: string;
  let gated: ResolvedConfig;
  /** A real SQLite evaluation store, fresh for each test. */
  let openedEvaluations: TemporaryEvaluationStore;
  let evaluations: EvaluationStore;
  let setHash: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'switchyard-approve-'));
    await mkdir(join(directory, 'sets'));
    await writeFile(join(directory, 'sets', 'support.jsonl'), '{"id":"a","prompt":"hi","expected":"hello"}\n');
    gated = loadConfigText(GATED_CONFIG, join(directory, 'switchyard.yaml'), { env: {} });
    openedEvaluations = await openTemporaryEvaluationStore();
    evaluations = openedEvaluations.store;
    setHash = await hashEvalSetFile(join(directory, 'sets', 'support.jsonl'));
  });
  afterEach(async () => {
    await openedEvaluations.close();
    await rm(directory, { recursive: true, force: true });
  });

  const passingGate = (overrides: Partial<GateRecord> = {}): GateRecord => ({
    id: 'gate-1',
    time: NOW - 10,
    workload: 'support',
    setPath: join(directory, 'sets', 'support.jsonl'),
    setHash,
    candidate: 'support-q4',
    candidateVersion: VERSION,
    baseline: 'current',
    baselineVersion: 'sim:big',
    passed: true,
    mode: 'regression',
    maxDrop: 0.01,
    confidence: 0.95,
    bound: -0.004,
    meanDifference: 0,
    reason: 'pass: mean difference 0.0000',
    trigger: 'cli',
    actor: 'cli',
    ...overrides,
  });

  it('refuses (409 gate_required) naming the workload, its eval set and the command, and changes nothing', async () => {
    const response = await put(adminApp({ evaluations }, gated), 'support-q4', { lifecycle: 'approved', reason: 'quantized build looks fine' });
    const body = (await response.json()) as { error: { message: string; type: string; code: string; param: unknown } };
    expect(response.status).toBe(409);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'gate_required', param: null });
    expect(body.error.message).toBe(
      `Model 'support-q4' cannot be approved without a passing gate on the eval set of every workload that uses it (version ${VERSION}). ` +
        "workload 'support' (eval set sets/support.jsonl): no passing gate for this version of the model on the current contents of the set; run `switchyard eval gate --workload support --candidate support-q4`. " +
        'Workloads without an eval set need no gate: faq.',
    );
    expect(await store.listRegistryState()).toEqual([]);
    expect(await store.listAudit()).toEqual([]);
    expect(overlay.current().version).toBe(0);
    // Without an evaluation store nothing can show a gate passed.
    expect((await put(adminApp({}, gated), 'support-q4', { lifecycle: 'approved', reason: 'x' })).status).toBe(409);
    // Other lifecycles need no evidence.
    expect((await put(adminApp({ evaluations }, gated), 'support-q4', { lifecycle: 'candidate', reason: 'still measuring' })).status).toBe(200);
  });

  it('approves with a passing gate on the current set and version, reporting and auditing the gates used', async () => {
    await evaluations.recordGate(passingGate());
    const response = await put(adminApp({ evaluations }, gated), 'support-q4', { lifecycle: 'approved', reason: 'gate passed' });
    expect(response.status).toBe(200);
    const gates = {
      modelVersion: VERSION,
      gateIds: ['gate-1'],
      workloads: [
        { workload: 'faq', state: 'no_eval_set', evalSet: null, setHash: null, gateId: null, note: 'the workload declares no evaluation.eval_set, so it needs no gate' },
        { workload: 'support', state: 'passed', evalSet: 'sets/support.jsonl', setHash, gateId: 'gate-1' },
      ],
    };
    expect(await response.json()).toMatchObject({ model: 'support-q4', lifecycle: 'approved', gates });
    expect(applyOverlay(gated.registry, overlay).models['support-q4']?.lifecycle).toBe('approved');
    expect((await store.listAudit())[0]?.details).toMatchObject({ change: 'lifecycle', after: { lifecycle: 'approved' }, gates });
  });

  it('a changed set, a new version or a failing drift re-run needs a new gate', async () => {
    await evaluations.recordGate(passingGate());
    await writeFile(join(directory, 'sets', 'support.jsonl'), '{"id":"a","prompt":"hi","expected":"hello there"}\n');
    expect(await errorOf(await put(adminApp({ evaluations }, gated), 'support-q4', { lifecycle: 'approved', reason: 'x' }))).toMatchObject({ status: 409, code: 'gate_required' });

    await writeFile(join(directory, 'sets', 'support.jsonl'), '{"id":"a","prompt":"hi","expected":"hello"}\n');
    const newVersion = loadConfigText(GATED_CONFIG.replace('"2025-06-01"', '"2025-07-01"'), join(directory, 'switchyard.yaml'), { env: {} });
    const refused = await errorOf(await put(adminApp({ evaluations }, newVersion), 'support-q4', { lifecycle: 'approved', reason: 'x' }));
    expect(refused).toMatchObject({ status: 409, code: 'gate_required', message: expect.stringContaining('(version sim:big-q4@2025-07-01)') });

    await evaluations.recordGate(passingGate({ id: 'drift', time: NOW - 5, passed: false, trigger: 'drift', actor: 'gateway', baseline: 'support-q4', baselineVersion: VERSION, reason: 'fail: mean difference -0.2000' }));
    const afterDrift = await errorOf(await put(adminApp({ evaluations }, gated), 'support-q4', { lifecycle: 'approved', reason: 'x' }));
    expect(afterDrift.message).toContain('the newest gate for this version (drift, drift) failed: fail: mean difference -0.2000');
    expect(await store.listRegistryState()).toEqual([]);
  });
});
