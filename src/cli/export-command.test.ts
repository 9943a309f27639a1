import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommandInProcess } from '../../test/support/run-cli.js';
import type { OnlineScore } from '../core/evaluation/evaluation-records.js';
import { FINETUNE_TEST_CONFIG_YAML, sample } from '../evals/finetune-export/__fixtures__/finetune-test-config.js';
import { openEvaluationStore } from '../store/evaluation/open-evaluation-store.js';
import { registerExportCommands } from './export-command.js';

const HOUR = 3_600_000;
const now = Date.now();

const stored: OnlineScore[] = [];

const runExport = (args: string[], config = configFile) => runCommandInProcess(registerExportCommands, ['export', 'finetune', '--config', config, ...args]);

let directory: string;
/** Points at a SQLite database holding `stored`. */
let configFile: string;
/** Points at a database that does not exist: commands that must not open the store use it. */
let untouchedConfig: string;
let untouchedDatabase: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-export-'));
  const database = join(directory, 'evaluation.db');
  configFile = join(directory, 'switchyard.yaml');
  await writeFile(configFile, `${FINETUNE_TEST_CONFIG_YAML}storage: { type: sqlite, path: ${JSON.stringify(database)} }\n`, 'utf8');
  untouchedDatabase = join(directory, 'untouched.db');
  untouchedConfig = join(directory, 'untouched.yaml');
  await writeFile(untouchedConfig, `${FINETUNE_TEST_CONFIG_YAML}storage: { type: sqlite, path: ${JSON.stringify(untouchedDatabase)} }\n`, 'utf8');
  const at = (hoursAgo: number) => now - hoursAgo * HOUR;
  stored.push(
    ...Array.from({ length: 12 }, (_, index) => sample(`q${String(index).padStart(2, '0')}`, { time: at(index + 1), score: 0.8 + (index % 3) * 0.05 })),
    sample('low', { time: at(2), score: 0.4, rubricScore: 4.6 }),
    sample('local', { time: at(3), model: 'open-small', deployment: 'gpu/llama-3.1-8b-instruct' }),
    sample('dup', { time: at(4), messages: [{ role: 'system', content: 'You are a support agent.' }, { role: 'user', content: 'Question q00' }] }),
    sample('email', { time: at(5), messages: [{ role: 'user', content: 'I am jane.doe@example.com' }] }),
    sample('old', { time: now - 30 * 24 * HOUR }),
    sample('other-workload', { workload: 'plain', time: at(1) }),
  );
  const { store, close } = await openEvaluationStore({ type: 'sqlite', path: database });
  try {
    await store.recordOnlineScores(stored);
  } finally {
    await close();
  }
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** The store was never opened: opening creates (and migrates) the database file. */
async function expectUntouched(): Promise<void> {
  await expect(access(untouchedDatabase)).rejects.toThrow(/ENOENT/);
}

interface ReportJson {
  ok: boolean;
  out: string;
  workload: string;
  read: number;
  written: number;
  train: number;
  validation: number;
  skipped: Record<string, number>;
  redaction: { examples: number; replaced: Record<string, number> };
  carried: { regions: string[] };
  warnings: string[];
}

async function jsonlLines(path: string): Promise<Array<{ messages: Array<{ role: string; content: string | null }>; tools?: unknown }>> {
  const text = await readFile(path, 'utf8');
  expect(text.endsWith('\n') || text === '').toBe(true);
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as { messages: Array<{ role: string; content: string | null }> });
}

describe('switchyard export finetune', () => {
  it('--json writes the file and reports written and skipped by reason', async () => {
    const out = join(directory, 'train.jsonl');
    const result = await runExport(['--workload', 'support', '--min-score', '0.7', '--out', out, '--json']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const report = JSON.parse(result.stdout) as ReportJson;
    expect(report).toMatchObject({ ok: true, out, workload: 'support', read: 17, written: 14, train: 14, validation: 0, carried: { regions: ['eu'] }, warnings: [] });
    expect(report.skipped).toMatchObject({ below_threshold: 1, self_hosted: 1, duplicate: 1, unscored: 0 });
    expect(report.redaction).toEqual({ examples: 1, replaced: { email: 1 } });
    const lines = await jsonlLines(out);
    expect(lines).toHaveLength(14);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(['messages']);
      expect(line.messages.at(-1)!.role).toBe('assistant');
      expect(line.messages.slice(0, -1).some((message) => message.role === 'user')).toBe(true);
    }
    expect(JSON.stringify(lines)).not.toContain('jane.doe');
    // No partial file is left beside the output.
    expect((await readdir(directory)).filter((name) => name.includes('.partial'))).toEqual([]);
  });

  it('writes JSONL to stdout and the report to stderr without --out', async () => {
    const result = await runExport(['--workload', 'support', '--min-rubric', '9', '--since', '7d']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { messages: Array<{ role: string }> });
    // Rubric 9 is a score of 8/9: the 0.9 samples of the last week (the duplicate's twin scored 0.8).
    expect(lines).toHaveLength(6);
    for (const line of lines) expect(line.messages.at(-1)!.role).toBe('assistant');
    expect(result.stderr).toMatch(/^fine-tuning export of workload 'support' \(data class internal\), score >= 0\.889: 6 examples written to stdout$/m);
    expect(result.stderr).toMatch(/^read 16 samples; skipped: below_threshold 9, self_hosted 1$/m);
    expect(result.stderr).toContain('redacted again: 1 example (email 1)');
    expect(result.stderr).toContain('the data keeps its policy: regions eu; certifications none');
    expect(result.stderr).toContain('warning: 6 training examples: OpenAI fine-tuning needs at least 10');
    // Without --since the month-old sample counts too.
    const all = await runExport(['--workload', 'support', '--min-rubric', '9']);
    expect(all.stdout.trim().split('\n')).toHaveLength(7);
  });

  it('splits validation examples into their own file', async () => {
    const out = join(directory, 'split-train.jsonl');
    const validationOut = join(directory, 'split-validation.jsonl');
    const result = await runExport(['--workload', 'support', '--min-score', '0.7', '--out', out, '--validation-share', '0.3', '--validation-out', validationOut, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as ReportJson;
    const [train, validation] = await Promise.all([jsonlLines(out), jsonlLines(validationOut)]);
    expect(train).toHaveLength(report.train);
    expect(validation).toHaveLength(report.validation);
    expect(report.train + report.validation).toBe(14);
    expect(report.validation).toBeGreaterThan(0);
  });

  it('--model restricts and --include-self-hosted adds self-hosted answers', async () => {
    const out = join(directory, 'models.jsonl');
    const local = await runExport(['--workload', 'support', '--min-score', '0.7', '--model', 'open-small', '--include-self-hosted', '--out', out, '--json']);
    expect(JSON.parse(local.stdout)).toMatchObject({ written: 1, models: { 'open-small': 1 }, skipped: { model_not_selected: 15 } });
    const unknown = await runExport(['--workload', 'support', '--min-score', '0.7', '--model', 'frontier,nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe("error: --model: unknown model 'nope' (not in the config's models)\n");
  });

  it.each([
    ['no-export', 'workloads.no-export.evaluation.finetune_export is false'],
    ['vault', 'workloads.vault.policy.data_class is restricted'],
    ['private', 'policy.data_classes.confidential.require.no_training (a default)'],
    ['on-prem', 'workloads.on-prem.policy.require.self_hosted'],
  ])('refuses workload %s on one line naming the setting, without opening the store', async (workload, setting) => {
    const result = await runExport(['--workload', workload, '--min-score', '0.5'], untouchedConfig);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`error: fine-tuning export refused: ${setting}`);
    await expectUntouched();
  });

  it('--json gives a refusal as an error object', async () => {
    const result = await runExport(['--workload', 'no-export', '--min-score', '0.5', '--out', join(directory, 'x.jsonl'), '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: { code: 'permission_denied', message: expect.stringContaining('finetune_export is false') } });
  });

  it.each([
    [['--min-score', '8'], '--min-score is on the 0-1 scale; 8 looks like a 1-10 rubric rating: use --min-rubric 8 (= --min-score 0.778)'],
    [['--min-rubric', '0.8'], "--min-rubric is the judge's 1-10 rating; 0.8 looks like a 0-1 score: use --min-score 0.8"],
    [['--min-score', '12'], "--min-score must be between 0 and 1; got '12'"],
    [['--min-score', 'high'], "--min-score must be a number between 0 and 1; got 'high'"],
    [['--min-score', '0.5', '--min-rubric', '5'], 'give --min-score (0-1) or --min-rubric (1-10), not both'],
    [[], '--min-score is required'],
    [['--min-score', '0.5', '--validation-share', '0.2'], '--validation-share needs --validation-out'],
    [['--min-score', '0.5', '--validation-out', 'v.jsonl', '--validation-share', '1.5'], '--validation-share must be a share between 0 and 1'],
    [['--min-score', '0.5', '--limit', '0'], "--limit must be a positive integer; got '0'"],
    [['--min-score', '0.5', '--since', 'yesterday'], '--since must be a duration before now'],
  ])('rejects %j with a clear one-line message', async (args, message) => {
    const result = await runExport(['--workload', 'support', ...args], untouchedConfig);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`error: ${message}`);
    await expectUntouched();
  });

  it('--json without --out is an error object: stdout cannot carry both', async () => {
    const result = await runExport(['--workload', 'support', '--min-score', '0.5', '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringMatching(/^--json needs --out/) } });
  });

  it('names the configured workloads when the workload is unknown', async () => {
    const result = await runExport(['--workload', 'nope', '--min-score', '0.5']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("error: unknown workload 'nope' (configured: no-export, on-prem, plain, private, support, vault)\n");
  });

  it('--limit keeps the best-scored examples', async () => {
    const out = join(directory, 'limited.jsonl');
    const result = await runExport(['--workload', 'support', '--min-score', '0.7', '--limit', '3', '--out', out, '--json']);
    expect(JSON.parse(result.stdout)).toMatchObject({ written: 3, skipped: { over_limit: 11 } });
    expect(await jsonlLines(out)).toHaveLength(3);
  });
});
