import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestLogRecord } from '../core/telemetry/request-log-record.js';
import { openSqliteRequestLogStore } from '../store/sqlite/open-sqlite-request-log-store.js';
import { runCommandInProcess } from '../../test/support/run-cli.js';
import { registerUsageCommand } from './usage-command.js';

/** Runs the command in process, with commander's exits turned into errors. */
const runUsage = (args: string[]) => runCommandInProcess(registerUsageCommand, ['usage', ...args]);

const HOUR = 3_600_000;
const now = Date.now();
let directory: string;
let configFile: string;

function record(id: string, overrides: Partial<RequestLogRecord>): RequestLogRecord {
  return {
    id,
    time: now - HOUR,
    durationMs: 200,
    endpoint: 'chat',
    stream: false,
    requestedModel: 'workload/support',
    workload: 'support',
    routeModel: 'small',
    deployment: 'cheap',
    status: 200,
    cacheHit: false,
    inputTokens: 1000,
    outputTokens: 100,
    costUsd: 0.25,
    attempts: [{ deployment: 'cheap', provider: 'local', code: 'ok', latencyMs: 190 }],
    ...overrides,
  };
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-usage-cli-'));
  const databasePath = join(directory, 'log.db');
  const store = openSqliteRequestLogStore({ path: databasePath });
  await store.migrate();
  await store.insertBatch([
    record('a', { overheadMs: 0.25 }),
    record('b', { overheadMs: 0.35, deployment: 'frontier', cascade: { tiers: ['small', 'big'], tier: 1, steps: [] }, attempts: [{ deployment: 'cheap', provider: 'local', code: 'provider_timeout', latencyMs: 100 }, { deployment: 'frontier', provider: 'openai', code: 'ok', latencyMs: 90 }] }),
    record('c', { workload: 'batch', routeModel: 'big', status: 500, errorCode: 'internal_error', deployment: undefined, inputTokens: undefined, outputTokens: undefined, costUsd: undefined }),
    record('old', { time: now - 10 * 24 * HOUR }),
    // A body that never parsed: no model was named, so the log holds an empty one.
    record('unparsed', { time: now - 40 * 24 * HOUR, requestedModel: '', workload: undefined, routeModel: undefined, status: 400, errorCode: 'invalid_json', deployment: undefined, attempts: [] }),
  ]);
  await store.close();
  configFile = join(directory, 'switchyard.yaml');
  await writeFile(configFile, `providers: {}\nmodels: {}\nstorage: { type: sqlite, path: "${databasePath}" }\n`);
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('switchyard usage', () => {
  it('--json gives the rows of the configured store', async () => {
    const result = await runUsage(['--config', configFile, '--by', 'workload,model', '--since', '7d', '--json']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const body = JSON.parse(result.stdout) as { by: string[]; rows: Array<Record<string, unknown>> };
    expect(body.by).toEqual(['workload', 'model']);
    expect(body.rows).toEqual([
      expect.objectContaining({ keys: { workload: 'support', model: 'small' }, requests: 2, escalations: 1, escalationRate: 0.5, fallbacks: 0, fallbackRate: 0, errorRate: 0, inputTokens: 2000, costUsd: 0.5 }),
      expect.objectContaining({ keys: { workload: 'batch', model: 'big' }, requests: 1, errors: 1, errorRate: 1, costUsd: 0 }),
    ]);
  });

  it('prints a table', async () => {
    const result = await runUsage(['--config', configFile, '--since', '30d']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[2]).toMatch(/^WORKLOAD\s+REQUESTS\s+ERRORS\s+ESCALATED\s+FALLBACK\s+IN TOKENS\s+OUT TOKENS\s+COST \$\s+SAVED \$\s+P50 MS\s+P95 MS\s+P99 MS\s+OVERHEAD P99 MS$/);
    expect(lines[4]).toMatch(/^support\s+3\s+0\.0%\s+33\.3%\s+0\.0%\s+3000\s+300\s+0\.7500\s+0\.0000\s+200\s+200\s+200\s+0\.35$/);
    expect(lines[5]).toMatch(/^batch\s+1\s+100\.0%\s+0\.0%\s+0\.0%\s+0\s+0\s+0\.0000/);
  });

  it('shows a request that named no model as "-", like one without a workload', async () => {
    const day = 24 * HOUR;
    const range = ['--since', new Date(now - 41 * day).toISOString(), '--until', new Date(now - 39 * day).toISOString()];
    const result = await runUsage(['--config', configFile, '--by', 'workload,model', ...range]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')[4]).toMatch(/^-\s+-\s+1\s+100\.0%/);
  });

  it('says so when nothing was logged in the range', async () => {
    const result = await runUsage(['--config', configFile, '--since', '2020-01-01', '--until', '2020-01-02']);
    expect(result.stdout).toMatch(/^No requests logged in 2020-01-01T00:00:00.000Z – 2020-01-02T00:00:00.000Z\.\n$/);
  });

  it('refuses a bad --since with a one-line reason, in text and JSON', async () => {
    const text = await runUsage(['--config', configFile, '--since', 'last-week']);
    expect(text).toEqual({
      code: 1,
      stdout: '',
      stderr: "error: --since must be a duration before now (30m, 24h, 7d), Unix milliseconds or an ISO-8601 date; got 'last-week'.\n",
    });
    const json = await runUsage(['--config', configFile, '--since', '7 days', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    const grouping = await runUsage(['--config', configFile, '--by', 'workload,team']);
    expect(grouping.stderr).toBe("error: --by must be a comma-separated list of workload, model, deployment, apiKey, hour, day; got 'team'.\n");
    const future = await runUsage(['--config', configFile, '--since', '2099-01-01']);
    expect(future.stderr).toBe('error: --since is in the future; nothing is logged after now.\n');
    const backwards = await runUsage(['--config', configFile, '--since', '2025-01-02', '--until', '2025-01-01']);
    expect(backwards.stderr).toBe('error: --until must be after --since.\n');
  });
});
