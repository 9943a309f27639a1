/**
 * `npm run bench:usage`: how fast the usage query (`GET /admin/usage`, `switchyard usage`) answers
 * on a large request log.
 *
 * Fills a temporary SQLite database through the production write path (`insertBatch`, in batches)
 * with synthetic requests spread evenly over the last 30 days, in arrival order, then times `aggregate()` for a few
 * groupings and ranges (best and median of several runs, after one warm-up) and prints a table.
 *
 * Options: --requests <n> (1000000)  --batch <n> (5000)  --runs <n> (5)  --keep (leave the database)  --json
 *          --in-memory-percentiles (percentiles computed from fetched values, as without SQLite's percentile_cont)
 */
import { positiveIntegerOption } from './positive-integer-option.js';
import { createSeededRandom } from '../src/provider-utils/seeded-random.js';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestLogRecord } from '../src/core/telemetry/request-log-record.js';
import type { AggregateGroupBy } from '../src/store/request-log-store.js';
import { openSqliteRequestLogStore } from '../src/store/sqlite/open-sqlite-request-log-store.js';

interface Options {
  requests: number;
  batch: number;
  runs: number;
  keep: boolean;
  /** Compute percentiles from fetched values, as on a SQLite without percentile_cont. */
  inMemoryPercentiles: boolean;
  json: boolean;
}

const DAY_MS = 86_400_000;
const SPAN_DAYS = 30;
const WORKLOADS = ['support', 'triage', 'summarise', 'extract', 'code-review', 'search', 'translate', 'chat'];
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet', 'claude-haiku', 'llama-3-70b', 'qwen-2.5-32b'];
const API_KEYS = Array.from({ length: 20 }, (_unused, index) => `team-${index}`);

function parseOptions(argv: string[]): Options {
  const value = (name: string, fallback: number) => positiveIntegerOption(argv, name, fallback);
  return {
    requests: value('--requests', 1_000_000),
    batch: value('--batch', 5000),
    runs: value('--runs', 5),
    keep: argv.includes('--keep'),
    inMemoryPercentiles: argv.includes('--in-memory-percentiles'),
    json: argv.includes('--json'),
  };
}

/** A deterministic generator, so every run measures the same data. */
const createRandom = createSeededRandom;

function syntheticRecord(index: number, total: number, now: number, random: () => number): RequestLogRecord {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const workload = pick(WORKLOADS);
  const model = pick(MODELS);
  const primary = `${model}@primary`;
  const escalated = random() < 0.08;
  const failed = !escalated && random() < 0.03;
  const deployment = escalated ? `${model}@secondary` : primary;
  const inputTokens = 50 + Math.floor(random() * 4000);
  const outputTokens = 10 + Math.floor(random() * 800);
  const costUsd = (inputTokens * 0.5 + outputTokens * 1.5) / 1e6;
  // Log-normal-ish latency: most requests fast, a long tail.
  const durationMs = Math.exp(5.5 + random() * 1.5 + (random() < 0.02 ? 2 : 0));
  const stream = random() < 0.5;
  // The gateway's own time of an answered request: a fraction of a millisecond, now and then a few.
  const overheadMs = 0.1 + random() * 0.3 + (random() < 0.01 ? 3 : 0);
  const attempts: RequestLogRecord['attempts'] = [
    { deployment: primary, provider: 'openai', code: escalated ? 'provider_rate_limited' : failed ? 'provider_http_error' : 'ok', latencyMs: durationMs * 0.9 },
  ];
  if (escalated) attempts.push({ deployment, provider: 'anthropic', code: 'ok', latencyMs: durationMs * 0.5, inputTokens, outputTokens, costUsd });
  return {
    id: `bench-${index.toString().padStart(8, '0')}`,
    // Arrival order, as the gateway logs them (with a little jitter from out-of-order completion).
    time: Math.floor(now - SPAN_DAYS * DAY_MS + ((index + random()) / total) * SPAN_DAYS * DAY_MS),
    durationMs,
    endpoint: 'chat',
    stream,
    apiKey: pick(API_KEYS),
    workload,
    requestedModel: `workload/${workload}`,
    routeModel: model,
    routeReason: `workload ${workload}: ${model}`,
    ...(failed ? { status: 502, errorCode: 'all_targets_failed' } : { status: 200, deployment, upstreamModel: `${model}-2025-01-01` }),
    cacheHit: false,
    ...(failed ? {} : { inputTokens, outputTokens, costUsd, referenceCostUsd: costUsd * 4, overheadMs }),
    ...(failed || !stream ? {} : { timeToFirstTokenMs: durationMs * 0.3 }),
    attempts,
  };
}

interface Measurement {
  groupBy: string;
  range: string;
  rows: number;
  matched: number;
  bestMs: number;
  medianMs: number;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const directory = mkdtempSync(join(tmpdir(), 'switchyard-bench-usage-'));
  const path = join(directory, 'usage.db');
  const store = openSqliteRequestLogStore({ path, inMemoryPercentiles: options.inMemoryPercentiles });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    await store.migrate();
    const now = Date.now();
    const random = createRandom(42);
    const fillStarted = performance.now();
    for (let start = 0; start < options.requests; start += options.batch) {
      const count = Math.min(options.batch, options.requests - start);
      await store.insertBatch(Array.from({ length: count }, (_unused, offset) => syntheticRecord(start + offset, options.requests, now, random)));
      const done = start + count;
      if (done % (options.batch * 20) === 0 || done === options.requests) {
        const seconds = (performance.now() - fillStarted) / 1000;
        log(`  inserted ${done.toLocaleString('en')} / ${options.requests.toLocaleString('en')} (${Math.round(done / seconds).toLocaleString('en')} requests/s)`);
      }
    }
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    const sizeMb = statSync(path).size / 1e6;
    log(`filled ${options.requests.toLocaleString('en')} requests in ${fillSeconds.toFixed(1)} s (${sizeMb.toFixed(0)} MB)`);

    const ranges: Array<{ name: string; since: number }> = [
      { name: 'all 30d', since: now - SPAN_DAYS * DAY_MS - 1 },
      { name: '7d', since: now - 7 * DAY_MS },
      { name: '24h', since: now - DAY_MS },
    ];
    const groupings: AggregateGroupBy[][] = [['workload'], ['workload', 'model'], ['deployment'], ['apiKey', 'model'], ['day'], ['hour']];
    const measurements: Measurement[] = [];
    for (const range of ranges) {
      for (const groupBy of groupings) {
        const filter = { since: range.since, until: now + 1, groupBy };
        const rows = await store.aggregate(filter);
        const times: number[] = [];
        for (let run = 0; run < options.runs; run++) {
          const started = performance.now();
          await store.aggregate(filter);
          times.push(performance.now() - started);
        }
        times.sort((left, right) => left - right);
        measurements.push({
          groupBy: groupBy.join(','),
          range: range.name,
          rows: rows.length,
          matched: rows.reduce((sum, row) => sum + row.requests, 0),
          bestMs: times[0]!,
          medianMs: times[Math.floor(times.length / 2)]!,
        });
      }
    }
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ requests: options.requests, fillSeconds, sizeMb, measurements }, null, 2)}\n`);
    } else {
      const headers = ['RANGE', 'GROUP BY', 'MATCHED', 'ROWS', 'BEST MS', 'MEDIAN MS'];
      const cells = measurements.map((measurement) => [
        measurement.range,
        measurement.groupBy,
        measurement.matched.toLocaleString('en'),
        String(measurement.rows),
        measurement.bestMs.toFixed(0),
        measurement.medianMs.toFixed(0),
      ]);
      const widths = headers.map((header, index) => Math.max(header.length, ...cells.map((row) => row[index]!.length)));
      const line = (row: string[]) => row.map((cell, index) => cell.padEnd(widths[index]!)).join('  ').trimEnd();
      process.stdout.write(`${[line(headers), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n')}\n`);
    }
  } finally {
    await store.close();
    if (options.keep) log(`database kept at ${path}`);
    else rmSync(directory, { recursive: true, force: true });
  }
}

await main();
