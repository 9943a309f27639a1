/**
 * `npm run bench:log-insert`: what one request-log record costs the SQLite store as the log grows,
 * with random (UUID v4) request ids against time-ordered ones (UUID v7, what the gateway issues).
 * Each id kind fills a fresh database in batches of 500 and the CPU and wall time per record are
 * printed per 20,000 rows. Options: --rows <n> (100000)  --batch <n> (500)  --json
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newRequestId } from '../src/core/telemetry/request-id.js';
import type { RequestLogRecord } from '../src/core/telemetry/request-log-record.js';
import { openSqliteRequestLogStore } from '../src/store/sqlite/open-sqlite-request-log-store.js';
import { positiveIntegerOption } from './positive-integer-option.js';

const argv = process.argv.slice(2);
const totalRows = positiveIntegerOption(argv, '--rows', 100_000);
const batchSize = positiveIntegerOption(argv, '--batch', 500);
const json = argv.includes('--json');
const STEP = 20_000;

/** A record like one non-streaming chat request through one deployment. */
function recordWithId(id: string): RequestLogRecord {
  return {
    id,
    time: Date.now(),
    durationMs: 0.53,
    endpoint: 'chat',
    stream: false,
    apiKey: 'bench',
    requestedModel: 'bench-model',
    routeModel: 'bench-model',
    routeReason: 'model bench-model',
    router: 'default',
    deployment: 'bench-upstream/bench-model',
    upstreamModel: 'bench-model-2024-08-06',
    status: 200,
    cacheHit: false,
    inputTokens: 20,
    outputTokens: 9,
    cachedInputTokens: 0,
    costUsd: 0.0000123,
    referenceCostUsd: 0.00004,
    attempts: [{ deployment: 'bench-upstream/bench-model', provider: 'bench-upstream', code: 'ok', upstreamStatus: 200, latencyMs: 0.31, inputTokens: 20, outputTokens: 9, costUsd: 0.0000123 }],
    policy: { class: 'internal' },
  };
}

interface Step {
  ids: 'uuid-v4' | 'uuid-v7';
  rows: number;
  cpuMicrosecondsPerRecord: number;
  wallMicrosecondsPerRecord: number;
}

async function measure(ids: Step['ids'], directory: string): Promise<Step[]> {
  const store = openSqliteRequestLogStore({ path: join(directory, `${ids}.db`) });
  await store.migrate();
  const nextId = ids === 'uuid-v4' ? () => randomUUID() : newRequestId;
  const steps: Step[] = [];
  try {
    for (let rows = 0; rows < totalRows; ) {
      const stepRows = Math.min(STEP, totalRows - rows);
      const cpuBefore = process.cpuUsage();
      const wallBefore = process.hrtime.bigint();
      for (let written = 0; written < stepRows; written += batchSize) {
        await store.insertBatch(Array.from({ length: Math.min(batchSize, stepRows - written) }, () => recordWithId(nextId())));
      }
      const cpu = process.cpuUsage(cpuBefore);
      rows += stepRows;
      steps.push({ ids, rows, cpuMicrosecondsPerRecord: (cpu.user + cpu.system) / stepRows, wallMicrosecondsPerRecord: Number(process.hrtime.bigint() - wallBefore) / 1000 / stepRows });
      if (!json) process.stderr.write(`${ids}: ${rows} rows\r`);
    }
  } finally {
    await store.close();
  }
  return steps;
}

const directory = mkdtempSync(join(tmpdir(), 'switchyard-log-insert-'));
try {
  const steps = [...(await measure('uuid-v4', directory)), ...(await measure('uuid-v7', directory))];
  if (json) {
    process.stdout.write(`${JSON.stringify({ benchmark: 'log-insert', batchSize, steps }, null, 2)}\n`);
  } else {
    const lines = ['ids       rows in log  CPU µs/record  wall µs/record', '-------   -----------  -------------  --------------'];
    for (const step of steps) {
      lines.push(`${step.ids}  ${String(step.rows).padStart(11)}  ${step.cpuMicrosecondsPerRecord.toFixed(1).padStart(13)}  ${step.wallMicrosecondsPerRecord.toFixed(1).padStart(14)}`);
    }
    process.stdout.write(`\n${lines.join('\n')}\n`);
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}
