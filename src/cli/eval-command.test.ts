import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommandInProcess } from '../../test/support/run-cli.js';
import { EVAL_TEST_CONFIG_YAML } from '../evals/runner/__fixtures__/eval-test-config.js';
import { registerEvalCommands } from './eval-command.js';

const SET = fileURLToPath(new URL('../evals/runner/__fixtures__/small-set.jsonl', import.meta.url));

let directory: string;
let config: string;
let cacheDir: string;

const runEvalCli = (args: string[]) => runCommandInProcess(registerEvalCommands, ['eval', ...args, '--config', config, '--cache-dir', cacheDir, '--scorer', 'contains']);

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-eval-'));
  config = join(directory, 'switchyard.yaml');
  cacheDir = join(directory, 'cache');
  await writeFile(config, EVAL_TEST_CONFIG_YAML, 'utf8');
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
