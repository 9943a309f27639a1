/**
 * `npm run bench:exposure`: how fast `switchyard registry exposure` / `GET /admin/registry/exposure`
 * answers on a large request log (issue 6 asks for under a second on a million requests).
 *
 * Fills a temporary database through the production write path (`insertBatch`) with synthetic
 * requests spread over the last 30 days, in arrival order (8 workloads, 6 models with a primary and
 * a secondary deployment each, 8% fallbacks, a judge attempt on 5% of requests), then times the
 * whole exposure query (both store reads and the report) for a model, a provider and a licence
 * over 7 and 30 days: best and median of several runs after one warm-up.
 *
 * Options: --requests <n> (1000000)  --batch <n> (5000)  --runs <n> (5)  --postgres (also PostgreSQL,
 * started from the installed binaries)  --json
 */
import { positiveIntegerOption } from './positive-integer-option.js';
import { createSeededRandom } from '../src/provider-utils/seeded-random.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely';
import { queryExposure } from '../src/core/governance/exposure/compute-exposure.js';
import type { ExposureDeployment, ExposureTarget } from '../src/core/governance/exposure/exposure-target.js';
import type { WorkloadModelUse } from '../src/core/governance/registry/workload-usage.js';
import type { RequestLogRecord } from '../src/core/telemetry/request-log-record.js';
import { governanceMigrationProvider } from '../src/store/governance/governance-migrations.js';
import { KyselyGovernanceStore } from '../src/store/governance/kysely-governance-store.js';
import type { KyselyRequestLogStore } from '../src/store/kysely-request-log-store.js';
import { openPostgresRequestLogStore } from '../src/store/postgres/open-postgres-request-log-store.js';
import { openSqliteRequestLogStore } from '../src/store/sqlite/open-sqlite-request-log-store.js';
import { startPostgresServer } from '../test/support/start-postgres-server.js';

const DAY_MS = 86_400_000;
const SPAN_DAYS = 30;
const WORKLOADS = ['support', 'triage', 'summarise', 'extract', 'code-review', 'search', 'translate', 'chat'];
const MODELS: ReadonlyArray<{ name: string; provider: string; license: string }> = [
  { name: 'gpt-4o', provider: 'openai', license: 'openai-api' },
  { name: 'gpt-4o-mini', provider: 'openai', license: 'openai-api' },
  { name: 'claude-sonnet', provider: 'anthropic', license: 'anthropic-api' },
  { name: 'claude-haiku', provider: 'anthropic', license: 'anthropic-api' },
  { name: 'llama-3-70b', provider: 'vllm', license: 'llama-3-community' },
  { name: 'qwen-2.5-32b', provider: 'vllm', license: 'apache-2.0' },
];

interface Options {
  requests: number;
  batch: number;
  runs: number;
  postgres: boolean;
  json: boolean;
}

function parseOptions(argv: string[]): Options {
  const value = (name: string, fallback: number) => positiveIntegerOption(argv, name, fallback);
  return {
    requests: value('--requests', 1_000_000),
    batch: value('--batch', 5000),
    runs: value('--runs', 5),
    postgres: argv.includes('--postgres'),
    json: argv.includes('--json'),
  };
}

/** A deterministic generator, so every run measures the same data. */
const createRandom = createSeededRandom;

function syntheticRecord(index: number, total: number, now: number, random: () => number): RequestLogRecord {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const workload = pick(WORKLOADS);
  const model = pick(MODELS);
  const primary = `${model.name}@primary`;
  const fallback = random() < 0.08;
  const deployment = fallback ? `${pick(MODELS).name}@secondary` : primary;
  const costUsd = (50 + random() * 4000) / 1e6;
  const attempts: RequestLogRecord['attempts'] = [{ deployment: primary, provider: model.provider, code: fallback ? 'provider_rate_limited' : 'ok', latencyMs: 300, costUsd: fallback ? 0 : costUsd }];
  if (fallback) attempts.push({ deployment, provider: 'other', code: 'ok', latencyMs: 400, costUsd });
  if (random() < 0.05) attempts.push({ deployment: 'gpt-4o-mini@primary', provider: 'openai', code: 'ok', latencyMs: 200, costUsd: costUsd / 10, purpose: 'check' });
  return {
    id: `bench-${index.toString().padStart(8, '0')}`,
    time: Math.floor(now - SPAN_DAYS * DAY_MS + ((index + random()) / total) * SPAN_DAYS * DAY_MS),
    durationMs: 500,
    endpoint: 'chat',
    stream: false,
    workload,
    requestedModel: `workload/${workload}`,
    routeModel: model.name,
    status: 200,
    deployment,
    cacheHit: false,
    costUsd: attempts.reduce((sum, attempt) => sum + (attempt.costUsd ?? 0), 0),
    attempts,
  };
}

const deployments: ExposureDeployment[] = MODELS.flatMap((model) =>
  ['primary', 'secondary'].map((suffix) => ({
    id: `${model.name}@${suffix}`,
    model: model.name,
    provider: model.provider,
    providerType: model.provider,
    selfHosted: model.provider === 'vllm',
    openWeights: model.provider === 'vllm',
    regions: [],
    certifications: [],
    lifecycle: 'approved' as const,
    license: model.license,
  })),
);
const usage: WorkloadModelUse[] = WORKLOADS.flatMap((workload) => MODELS.map((model) => ({ workload, model: model.name, role: 'primary' as const, path: `workloads.${workload}.route.model` })));
const targets: ExposureTarget[] = [
  { kind: 'model', value: 'gpt-4o' },
  { kind: 'provider', value: 'anthropic' },
  { kind: 'license', value: 'llama-3-community' },
];

interface Measurement {
  database: string;
  target: string;
  days: number;
  answered: number;
  bestMs: number;
  medianMs: number;
}

async function measure(database: string, requestLog: KyselyRequestLogStore, options: Options, log: (line: string) => void): Promise<Measurement[]> {
  const migrated = await new Migrator({ db: requestLog.database, provider: governanceMigrationProvider }).migrateToLatest();
  if (migrated.error !== undefined) throw migrated.error;
  const now = Date.now();
  const random = createRandom(42);
  const started = performance.now();
  for (let start = 0; start < options.requests; start += options.batch) {
    const count = Math.min(options.batch, options.requests - start);
    await requestLog.insertBatch(Array.from({ length: count }, (_unused, offset) => syntheticRecord(start + offset, options.requests, now, random)));
    if ((start + count) % (options.batch * 40) === 0) log(`  ${database}: inserted ${(start + count).toLocaleString('en')}`);
  }
  log(`${database}: filled ${options.requests.toLocaleString('en')} requests in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const store = new KyselyGovernanceStore(requestLog.database);
  const measurements: Measurement[] = [];
  for (const target of targets) {
    for (const days of [7, 30]) {
      const input = { target, deployments, usage, days, now };
      const report = await queryExposure(store, input);
      const times: number[] = [];
      for (let run = 0; run < options.runs; run++) {
        const runStarted = performance.now();
        await queryExposure(store, input);
        times.push(performance.now() - runStarted);
      }
      times.sort((left, right) => left - right);
      measurements.push({
        database,
        target: `${target.kind} ${target.value}`,
        days,
        answered: report.totals.answeredByTarget,
        bestMs: times[0]!,
        medianMs: times[Math.floor(times.length / 2)]!,
      });
    }
  }
  return measurements;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const measurements: Measurement[] = [];
  const directory = mkdtempSync(join(tmpdir(), 'switchyard-bench-exposure-'));
  try {
    const sqlite = openSqliteRequestLogStore({ path: join(directory, 'exposure.db') });
    try {
      measurements.push(...(await measure('sqlite', sqlite, options, log)));
    } finally {
      await sqlite.close();
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  if (options.postgres) {
    const server = await startPostgresServer();
    try {
      const postgres = openPostgresRequestLogStore({ url: await server.createDatabase('exposure_bench') });
      try {
        measurements.push(...(await measure('postgres', postgres, options, log)));
      } finally {
        await postgres.close();
      }
    } finally {
      await server.stop();
    }
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ requests: options.requests, measurements }, null, 2)}\n`);
    return;
  }
  const headers = ['DATABASE', 'TARGET', 'DAYS', 'ANSWERED', 'BEST MS', 'MEDIAN MS'];
  const cells = measurements.map((row) => [row.database, row.target, String(row.days), row.answered.toLocaleString('en'), row.bestMs.toFixed(0), row.medianMs.toFixed(0)]);
  const widths = headers.map((header, index) => Math.max(header.length, ...cells.map((row) => row[index]!.length)));
  const line = (row: string[]) => row.map((cell, index) => cell.padEnd(widths[index]!)).join('  ').trimEnd();
  process.stdout.write(`${[line(headers), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n')}\n`);
}

await main();
