import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EvalRunRecord, EvaluationStore, GateRecord } from '../../../core/evaluation/evaluation-records.js';
import { openEvaluationStore, type OpenedEvaluationStore } from '../../../store/evaluation/open-evaluation-store.js';
import type { GatewayEnv } from '../../gateway-context.js';
import { toOpenAIErrorResponse } from '../../openai-wire/openai-error-body.js';
import { registerEvalRoutes, type EvalRouteDependencies } from './eval-routes.js';

const NOW = Date.UTC(2025, 5, 1);
const HOUR = 3_600_000;

let opened: OpenedEvaluationStore;
let store: EvaluationStore;

function run(id: string, overrides: Partial<EvalRunRecord> = {}): EvalRunRecord {
  return {
    id,
    time: NOW - HOUR,
    setPath: '/sets/support.jsonl',
    setHash: 'a'.repeat(64),
    model: 'frontier',
    workload: 'support',
    modelVersion: 'sim:frontier-large',
    trigger: 'cli',
    cases: 2,
    scored: 2,
    failed: 0,
    mean: 0.5,
    lower: 0,
    upper: 1,
    confidence: 0.95,
    report: {
      model: 'frontier',
      tags: [{ tag: '(all)', n: 2, mean: 0.5 }],
      caseScores: [
        { id: 'a', tags: [], score: 1 },
        { id: 'b', tags: [], score: 0 },
      ],
      unscoredReasons: [],
      failures: [],
    },
    ...overrides,
  };
}

function gate(id: string, overrides: Partial<GateRecord> = {}): GateRecord {
  return {
    id,
    time: NOW - HOUR,
    workload: 'support',
    setPath: '/sets/support.jsonl',
    setHash: 'a'.repeat(64),
    candidate: 'support-q4',
    candidateVersion: 'sim:big-q4',
    baseline: 'frontier',
    baselineVersion: 'sim:frontier-large',
    passed: true,
    mode: 'regression',
    maxDrop: 0.01,
    confidence: 0.95,
    bound: 0,
    meanDifference: 0,
    reason: 'pass',
    trigger: 'cli',
    actor: 'cli',
    ...overrides,
  };
}

beforeEach(async () => {
  opened = await openEvaluationStore({ type: 'sqlite', path: ':memory:' });
  store = opened.store;
  await store.recordEvalRun(run('old', { time: NOW - 48 * HOUR }));
  await store.recordEvalRun(run('other-model', { model: 'open-small', workload: 'faq' }));
  await store.recordEvalRun(run('new', { time: NOW - 60_000 }));
  await store.recordGate(gate('passed'));
  await store.recordGate(gate('failed', { passed: false, time: NOW - 60_000, reason: 'fail' }));
  await store.recordGate(gate('elsewhere', { workload: 'faq', candidate: 'open-small', time: NOW - 2 * HOUR }));
});

afterEach(async () => {
  await opened.close();
});

function adminApp(overrides: Partial<EvalRouteDependencies> = {}): Hono<GatewayEnv> {
  const admin = new Hono<GatewayEnv>();
  registerEvalRoutes(admin, { store, now: () => NOW, ...overrides });
  admin.onError((error, context) => {
    const response = toOpenAIErrorResponse(error);
    return context.json(response.body, response.status as 400);
  });
  return admin;
}

async function get<T>(path: string, app = adminApp()): Promise<{ status: number; body: T }> {
  const response = await app.request(path);
  return { status: response.status, body: (await response.json()) as T };
}

describe('GET /evals/runs', () => {
  it('lists runs newest first, filtered, without per-case arrays in the report', async () => {
    const all = await get<{ runs: EvalRunRecord[] }>('/evals/runs');
    expect(all.status).toBe(200);
    expect(all.body.runs.map((entry) => entry.id)).toEqual(['new', 'other-model', 'old']);
    expect(all.body.runs[0]).toMatchObject({ model: 'frontier', setHash: 'a'.repeat(64), mean: 0.5, report: { model: 'frontier', tags: [{ tag: '(all)' }] } });
    expect(all.body.runs[0]!.report).not.toHaveProperty('caseScores');
    expect(all.body.runs[0]!.report).not.toHaveProperty('unscoredReasons');
    expect(all.body.runs[0]!.report).not.toHaveProperty('failures');

    const filtered = await get<{ runs: EvalRunRecord[] }>('/evals/runs?workload=support&model=frontier&since=24h&limit=5');
    expect(filtered.body.runs.map((entry) => entry.id)).toEqual(['new']);
    expect((await get<{ runs: EvalRunRecord[] }>('/evals/runs?limit=1')).body.runs.map((entry) => entry.id)).toEqual(['new']);
  });
});

describe('GET /evals/gates', () => {
  it('lists gates newest first, filtered by workload, candidate and verdict', async () => {
    expect((await get<{ gates: GateRecord[] }>('/evals/gates')).body.gates.map((entry) => entry.id)).toEqual(['failed', 'passed', 'elsewhere']);
    expect((await get<{ gates: GateRecord[] }>('/evals/gates?workload=support&passed=true')).body.gates.map((entry) => entry.id)).toEqual(['passed']);
    expect((await get<{ gates: GateRecord[] }>('/evals/gates?candidate=support-q4&passed=false')).body.gates).toMatchObject([{ id: 'failed', reason: 'fail', passed: false }]);
    expect((await get<{ gates: GateRecord[] }>('/evals/gates?since=30m')).body.gates.map((entry) => entry.id)).toEqual(['failed']);
  });
});

describe('bad queries', () => {
  it('answer 400 naming the parameter', async () => {
    type ErrorBody = { error: { message: string; param: string | null; code: string | null } };
    const cases: Array<[string, string, RegExp]> = [
      ['/evals/runs?limit=0', 'limit', /^limit must be a whole number from 1 to 1000; got '0'\.$/],
      ['/evals/runs?limit=abc', 'limit', /got 'abc'/],
      ['/evals/gates?passed=yes', 'passed', /^passed must be true or false; got 'yes'\.$/],
      ['/evals/gates?since=yesterday', 'since', /^since must be a duration/],
      ['/evals/runs?modle=frontier', 'modle', /^Unknown query parameter 'modle'; expected workload, model, since, limit\.$/],
      ['/evals/gates?model=frontier', 'model', /expected workload, candidate, passed, since, limit/],
      ['/evals/runs?workload=', 'workload', /^workload must not be empty\.$/],
      ['/evals/runs?model=a&model=b', 'model', /^model may be given once; got 2 values\.$/],
    ];
    for (const [path, param, message] of cases) {
      const { status, body } = await get<ErrorBody>(path);
      expect({ path, status, param: body.error.param }).toEqual({ path, status: 400, param });
      expect(body.error.message).toMatch(message);
    }
  });

  it('answer 400 request_log_disabled without a store', async () => {
    const app = adminApp({ store: undefined });
    for (const path of ['/evals/runs', '/evals/gates']) {
      const { status, body } = await get<{ error: { code: string } }>(path, app);
      expect(status).toBe(400);
      expect(body.error.code).toBe('request_log_disabled');
    }
  });
});
