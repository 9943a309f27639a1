import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommandInProcess } from '../../test/support/run-cli.js';
import { EVAL_TEST_CONFIG_YAML } from '../evals/runner/__fixtures__/eval-test-config.js';
import type { EvalRunRecord, GateRecord } from '../core/evaluation/evaluation-records.js';
import { Hono } from 'hono';
import { loadConfigFile } from '../core/config/load-config.js';
import { RegistryOverlay } from '../core/governance/registry-state/registry-overlay.js';
import type { GatewayEnv } from '../server/gateway-context.js';
import { toOpenAIErrorResponse } from '../server/openai-wire/openai-error-body.js';
import { registerRegistryStateRoutes } from '../server/routes/admin/registry-state-routes.js';
import { openEvaluationStore } from '../store/evaluation/open-evaluation-store.js';
import { openGovernanceStore } from '../store/governance/open-governance-store.js';
import { registerEvalCommands } from './eval-command.js';

const SET = fileURLToPath(new URL('../evals/runner/__fixtures__/small-set.jsonl', import.meta.url));

let directory: string;
let config: string;
let cacheDir: string;
let database: string;

const runEvalCli = (args: string[]) => runCommandInProcess(registerEvalCommands, ['eval', ...args, '--config', config, '--cache-dir', cacheDir, '--scorer', 'contains']);

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-eval-'));
  config = join(directory, 'switchyard.yaml');
  cacheDir = join(directory, 'cache');
  database = join(directory, 'switchyard.db');
  // Runs and gates are recorded in this SQLite file, as they would be in the gateway's database.
  await writeFile(config, `${EVAL_TEST_CONFIG_YAML}storage: { type: sqlite, path: ${JSON.stringify(database)} }\n`, 'utf8');
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

interface ReportJson {
  model: string;
  cases: number;
  scored: number;
  unscored: number;
  failed: number;
  cached: number;
  score: { mean: number; lower: number; upper: number; n: number; confidence: number };
  tags: Array<{ tag: string; n: number; mean: number }>;
  costUsd: number;
  latencyMs: { p50: number; p95: number };
}

describe('switchyard eval run', () => {
  it('--json prints the report: score with interval, counts, tags, cost and latency', async () => {
    const out = join(directory, 'results.jsonl');
    const result = await runEvalCli(['run', '--set', SET, '--model', 'open-small', '--out', out, '--json']);
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as { ok: boolean; set: string; resumed: number; report: ReportJson };
    expect(body).toMatchObject({ ok: true, set: SET, resumed: 0 });
    expect(body.report).toMatchObject({ model: 'open-small', cases: 9, scored: 8, unscored: 1, failed: 0 });
    expect(body.report.score.mean).toBeCloseTo(0.25, 12);
    expect(body.report.score.lower).toBeLessThanOrEqual(0.25);
    expect(body.report.score.upper).toBeGreaterThanOrEqual(0.25);
    expect(body.report.tags.map((row) => row.tag)).toEqual(['(all)', 'geo', 'math', 'models']);
    expect(body.report.costUsd).toBeGreaterThan(0);
    expect(typeof body.report.latencyMs.p95).toBe('number');
    expect((await readFile(out, 'utf8')).trim().split('\n')).toHaveLength(9);

    // The same command again resumes every case from --out.
    const again = await runEvalCli(['run', '--set', SET, '--model', 'open-small', '--out', out, '--json']);
    expect((JSON.parse(again.stdout) as { resumed: number }).resumed).toBe(9);
  });

  it('runs on a config whose limits and cache live in Redis, without Redis (in-process stores for offline runs)', async () => {
    const redisConfig = join(directory, 'redis.yaml');
    await writeFile(redisConfig, `${EVAL_TEST_CONFIG_YAML}request_log: { enabled: false }\nlimits_store: { type: redis, url: redis://127.0.0.1:1 }\ncache_store: { type: redis, url: redis://127.0.0.1:1 }\n`, 'utf8');
    const result = await runCommandInProcess(registerEvalCommands, ['eval', 'run', '--set', SET, '--model', 'open-small', '--config', redisConfig, '--no-cache', '--scorer', 'contains', '--json']);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { report: ReportJson }).report).toMatchObject({ cases: 9, failed: 0 });
  });

  it('prints a text report without --json', async () => {
    const result = await runEvalCli(['run', '--set', SET, '--model', 'frontier']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('frontier: score 1.000');
    expect(result.stdout).toContain('9 cases: 8 scored, 1 unscored, 0 failed');
    expect(result.stdout).toMatch(/latency p50 \d+ ms, p95 \d+ ms/);
  });

  it('a bad set file is a one-line error naming the file and line', async () => {
    const bad = join(directory, 'bad.jsonl');
    await writeFile(bad, '{"id":"a","prompt":"hi"}\n{"id":"b"}\nnot json\n', 'utf8');
    const result = await runEvalCli(['run', '--set', bad, '--model', 'frontier']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`error: eval set ${bad}:2: messages: one of \`messages\` or \`prompt\` is required (and 1 more problem)`);
    // --json lists every problem with its line.
    const json = await runEvalCli(['run', '--set', bad, '--model', 'frontier', '--json']);
    expect(json.code).toBe(1);
    const body = JSON.parse(json.stdout) as { error: { issues: Array<{ line: number }> } };
    expect(body.error.issues.map((issue) => issue.line)).toEqual([2, 3]);
  });

  it('takes a bare scorer name on a case, as --scorer does', async () => {
    const set = join(directory, 'bare-scorer.jsonl');
    await writeFile(set, '{"id":"a","prompt":"Say hi","expected":"hi","scorer":"contains"}\n', 'utf8');
    const result = await runCommandInProcess(registerEvalCommands, ['eval', 'run', '--set', set, '--model', 'frontier', '--config', config, '--no-cache', '--no-record', '--json']);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { report: ReportJson }).report).toMatchObject({ cases: 1, scored: 1, failed: 0 });
  });

  it('a missing set and an unknown model fail on one line; --json gives an error object', async () => {
    const missing = await runEvalCli(['run', '--set', join(directory, 'nope.jsonl'), '--model', 'frontier']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: eval set .*nope\.jsonl: \(root\): cannot read eval set: .*\n$/);
    const unknown = await runEvalCli(['run', '--set', SET, '--model', 'no-such-model', '--json']);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ ok: false, error: { code: 'model_not_found' } });
  });

  it('rejects a bad --scorer on one line', async () => {
    const result = await runCommandInProcess(registerEvalCommands, ['eval', 'run', '--set', SET, '--model', 'frontier', '--config', config, '--scorer', 'fuzzy']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: --scorer: .*\n$/);
  });
});

describe('switchyard eval compare', () => {
  it('--json gives the paired difference and both reports', async () => {
    const result = await runEvalCli(['compare', '--set', SET, '--candidate', 'open-small', '--baseline', 'frontier', '--json']);
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as { comparison: { pairedCases: number; meanDifference: number; pValue: number; bootstrapDifferences?: unknown }; candidate: ReportJson; baseline: ReportJson };
    expect(body.comparison.pairedCases).toBe(8);
    expect(body.comparison.meanDifference).toBeCloseTo(-0.75, 12);
    expect(body.comparison.pValue).toBeLessThan(0.05);
    expect(body.comparison.bootstrapDifferences).toBeUndefined();
    expect(body.candidate.model).toBe('open-small');
    expect(body.baseline.model).toBe('frontier');
  });
});

describe('switchyard eval gate', () => {
  it('passes (exit 0) when the candidate is not worse', async () => {
    const result = await runEvalCli(['gate', '--set', SET, '--candidate', 'frontier', '--baseline', 'frontier', '--max-drop', '0.01']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('gate pass:');
  });

  it('fails (exit 1) with one line why when the candidate drops beyond --max-drop', async () => {
    const result = await runEvalCli(['gate', '--set', SET, '--candidate', 'open-small', '--baseline', 'frontier', '--max-drop', '0.01']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^gate failed: open-small vs frontier: fail: mean difference -0\.7500, upper 0\.95 bound -0\.\d+ < −0\.01/);
  });

  it('--json on a failing gate prints the decision and still exits 1', async () => {
    const result = await runEvalCli(['gate', '--set', SET, '--candidate', 'open-small', '--baseline', 'frontier', '--max-drop', '0.01', '--confidence', '0.9', '--json']);
    expect(result.code).toBe(1);
    const body = JSON.parse(result.stdout) as { ok: boolean; passed: boolean; confidence: number; threshold: number; reason: string };
    expect(body).toMatchObject({ ok: false, passed: false, confidence: 0.9, threshold: -0.01 });
    expect(body.reason).toMatch(/^fail:/);
  });

  it('a large enough --max-drop lets the weaker candidate pass', async () => {
    const result = await runEvalCli(['gate', '--set', SET, '--candidate', 'open-small', '--baseline', 'frontier', '--max-drop', '1', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, passed: true });
  });

  it('requires --max-drop', async () => {
    const result = await runEvalCli(['gate', '--set', SET, '--candidate', 'open-small', '--baseline', 'frontier']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: --max-drop is required\n');
  });
});

async function recordedIn(path: string): Promise<{ runs: EvalRunRecord[]; gates: GateRecord[] }> {
  const opened = await openEvaluationStore({ type: 'sqlite', path });
  try {
    return { runs: await opened.store.listEvalRuns({ limit: 1000 }), gates: await opened.store.listGates({ limit: 1000 }) };
  } finally {
    await opened.close();
  }
}

const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

describe('recording runs', () => {
  it('eval run records the run with the set hash, the model version and per-case scores', async () => {
    const before = (await recordedIn(database)).runs.length;
    const result = await runEvalCli(['run', '--set', SET, '--model', 'open-small', '--json']);
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as { setHash: string; recorded: { runIds: string[] } };
    expect(body.setHash).toBe(await sha256(SET));
    const { runs } = await recordedIn(database);
    expect(runs).toHaveLength(before + 1);
    const run = runs.find((entry) => entry.id === body.recorded.runIds[0]);
    expect(run).toMatchObject({ setPath: SET, setHash: body.setHash, model: 'open-small', modelVersion: 'sim-open:llama-3.1-8b-instruct', trigger: 'cli', cases: 9, scored: 8, failed: 0, confidence: 0.95 });
    expect(run?.mean).toBeCloseTo(0.25, 12);
    const caseScores = (run?.report as { caseScores: Array<{ id: string; score?: number }> }).caseScores;
    expect(caseScores).toHaveLength(9);
    expect(caseScores.find((entry) => entry.id === 'geo-1')).toEqual({ id: 'geo-1', tags: ['geo'], score: 1 });
    expect(caseScores.find((entry) => entry.id === 'free-1')).toEqual({ id: 'free-1', tags: [] });
  });

  it('records nothing with --no-record or when the request log is off', async () => {
    const before = await recordedIn(database);
    const skipped = await runEvalCli(['compare', '--set', SET, '--candidate', 'open-small', '--baseline', 'frontier', '--no-record', '--json']);
    expect(skipped.code).toBe(0);
    expect(JSON.parse(skipped.stdout)).toMatchObject({ recorded: null });
    const off = join(directory, 'no-log.yaml');
    await writeFile(off, `${EVAL_TEST_CONFIG_YAML}storage: { type: sqlite, path: ${JSON.stringify(database)} }\nrequest_log: { enabled: false }\n`, 'utf8');
    const text = await runCommandInProcess(registerEvalCommands, ['eval', 'run', '--set', SET, '--model', 'frontier', '--config', off, '--cache-dir', cacheDir, '--scorer', 'contains']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('not recorded (--no-record or request_log.enabled: false)');
    expect((await recordedIn(database)).runs).toHaveLength(before.runs.length);
  });
});

describe('eval gate --workload and registry approval', () => {
  const GATED_YAML = (database: string, frontierVersion = '') => `
providers:
  sim-open: { type: simulated }
  sim-closed: { type: simulated }
models:
  open-small:
    registry: { lifecycle: candidate }
    deployments: [{ provider: sim-open, model: llama-3.1-8b-instruct }]
  frontier:
    deployments: [{ provider: sim-closed, model: frontier-large${frontierVersion === '' ? '' : `, version: "${frontierVersion}"`} }]
  frontier-q4:
    registry: { lifecycle: candidate, lineage: { base_model: frontier, base_version: frontier-large, quantization_bits: 4 } }
    deployments: [{ id: closed-q4, provider: sim-closed, model: frontier-large, version: q4-2025 }]
workloads:
  support:
    route: { model: frontier, fallbacks: [frontier-q4, open-small] }
    evaluation:
      eval_set: { path: sets/support.jsonl, scorer: contains, gate: { max_drop: 0.01 } }
  chat:
    route: { model: open-small }
storage: { type: sqlite, path: ${JSON.stringify(database)} }
`;
  let gatedDirectory: string;
  let gatedConfig: string;
  let gatedDatabase: string;
  let setFile: string;
  const gateCli = (args: string[], configFile = gatedConfig) => runCommandInProcess(registerEvalCommands, ['eval', ...args, '--config', configFile, '--cache-dir', cacheDir]);

  beforeAll(async () => {
    gatedDirectory = join(directory, 'gated');
    await mkdir(join(gatedDirectory, 'sets'), { recursive: true });
    setFile = join(gatedDirectory, 'sets', 'support.jsonl');
    await copyFile(SET, setFile);
    gatedConfig = join(gatedDirectory, 'switchyard.yaml');
    gatedDatabase = join(gatedDirectory, 'switchyard.db');
    await writeFile(gatedConfig, GATED_YAML(gatedDatabase), 'utf8');
  });

  it('uses the workload set, scorer, gate settings and current model; the recorded gate lets the registry approve', async () => {
    const passed = await gateCli(['gate', '--workload', 'support', '--candidate', 'frontier-q4', '--json']);
    expect(passed.code).toBe(0);
    const body = JSON.parse(passed.stdout) as { passed: boolean; maxDrop: number; confidence: number; mode: string; set: string; recorded: { runIds: string[]; gateId: string } };
    expect(body).toMatchObject({ passed: true, maxDrop: 0.01, confidence: 0.95, mode: 'regression', set: setFile });
    expect(body.recorded.runIds).toHaveLength(2);
    const { runs, gates } = await recordedIn(gatedDatabase);
    expect(gates).toHaveLength(1);
    expect(gates[0]).toMatchObject({
      id: body.recorded.gateId,
      workload: 'support',
      setPath: setFile,
      setHash: await sha256(setFile),
      candidate: 'frontier-q4',
      candidateVersion: 'sim-closed:frontier-large@q4-2025',
      baseline: 'frontier',
      baselineVersion: 'sim-closed:frontier-large',
      passed: true,
      trigger: 'cli',
      actor: 'cli',
      candidateRunId: body.recorded.runIds[0],
      baselineRunId: body.recorded.runIds[1],
    });
    expect(runs.filter((run) => body.recorded.runIds.includes(run.id)).map((run) => [run.model, run.workload, run.trigger]).sort()).toEqual([
      ['frontier', 'support', 'gate'],
      ['frontier-q4', 'support', 'gate'],
    ]);

    const approve = await approvalApp(gatedConfig, gatedDatabase);
    try {
      const approved = await approve('frontier-q4');
      expect(approved.status).toBe(200);
      expect(await approved.json()).toMatchObject({ lifecycle: 'approved', gates: { gateIds: [body.recorded.gateId] } });

      // open-small has no gate on support's set: refused, then gated (failing), then still refused.
      const refused = await approve('open-small');
      expect(refused.status).toBe(409);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('run `switchyard eval gate --workload support --candidate open-small`');
      const failing = await gateCli(['gate', '--workload', 'support', '--candidate', 'open-small']);
      expect(failing.code).toBe(1);
      expect(failing.stderr).toMatch(/^gate failed: open-small vs frontier: fail:/);
      const stillRefused = await approve('open-small');
      expect(((await stillRefused.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'gate_required', message: expect.stringContaining('failed: fail: mean difference -0.7500') });
      // Explicit flags override the workload's gate settings.
      const lenient = await gateCli(['gate', '--workload', 'support', '--candidate', 'open-small', '--max-drop', '1', '--json']);
      expect(JSON.parse(lenient.stdout)).toMatchObject({ passed: true, maxDrop: 1 });
      expect((await approve('open-small')).status).toBe(200);
    } finally {
      await approve.close();
    }
  });

  it('gates the workload model against its recorded earlier version when it is the candidate', async () => {
    const none = await gateCli(['gate', '--workload', 'support', '--candidate', 'frontier', '--set', SET]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^error: frontier is workload support's current model, so its baseline is its recorded run of an earlier version on this set, and none is recorded/);

    expect((await gateCli(['run', '--workload', 'support', '--model', 'frontier'])).code).toBe(0);
    const pinned = join(gatedDirectory, 'pinned.yaml');
    await writeFile(pinned, GATED_YAML(gatedDatabase, '2026-11-01'), 'utf8');
    const result = await gateCli(['gate', '--workload', 'support', '--candidate', 'frontier', '--json'], pinned);
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as { passed: boolean; recorded: { runIds: string[]; gateId: string }; baseline: { modelVersion: string; recordedRun: { id: string } } };
    expect(body).toMatchObject({ passed: true, baseline: { model: 'frontier', modelVersion: 'sim-closed:frontier-large' } });
    expect(body.recorded.runIds).toHaveLength(1);
    const gateRecord = (await recordedIn(gatedDatabase)).gates.find((entry) => entry.id === body.recorded.gateId);
    expect(gateRecord).toMatchObject({
      candidate: 'frontier',
      candidateVersion: 'sim-closed:frontier-large@2026-11-01',
      baseline: 'frontier',
      baselineVersion: 'sim-closed:frontier-large',
      baselineRunId: body.baseline.recordedRun.id,
    });
  });

  it('a workload without an eval set needs --set', async () => {
    const result = await gateCli(['gate', '--workload', 'chat', '--candidate', 'frontier']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("error: workload 'chat' declares no evaluation.eval_set; pass --set\n");
  });
});

/** The registry-state admin routes over the database the CLI recorded in, as the gateway mounts them. */
async function approvalApp(configFile: string, path: string) {
  const config = await loadConfigFile(configFile);
  const governance = await openGovernanceStore({ type: 'sqlite', path });
  const evaluations = await openEvaluationStore({ type: 'sqlite', path });
  const admin = new Hono<GatewayEnv>();
  registerRegistryStateRoutes(admin, { store: governance.store, evaluations: evaluations.store, overlay: new RegistryOverlay(), currentConfig: () => config });
  admin.onError((error, context) => {
    const response = toOpenAIErrorResponse(error);
    return context.json(response.body, response.status as 400);
  });
  const approve = (model: string) =>
    Promise.resolve(admin.request(`/registry/models/${model}/lifecycle`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lifecycle: 'approved', reason: 'gated' }) }));
  return Object.assign(approve, {
    close: async () => {
      await governance.close();
      await evaluations.close();
    },
  });
}
