/**
 * `npm run bench:log`: sustained request-log write throughput, and what writing costs the event loop.
 *
 * Records go through the real `RequestLogWriter` (gateway defaults: flush every 1000 ms or once 50
 * records wait, inserts of up to 500, queue bounded at 10 000, overflow spilled to a temp directory)
 * into each store, as the gateway opens it: SQLite in its worker thread on a temp file, and a
 * throwaway PostgreSQL started from the installed binaries (skipped with a note when they are
 * missing). A `none` baseline store accepts every batch at once, so its row shows what generating
 * and enqueueing alone cost.
 *
 * Each run offers records (two attempts each, tokens, costs, unique ids) at a fixed rate for
 * `--duration` seconds, then closes the writer and counts the stored rows with `aggregate()`.
 * Reported: records/s stored during the run, spilled and dropped records, the largest writer queue,
 * and the main thread's event-loop delay while writing (how late a 1 ms timer fires) and utilisation,
 * since request handling shares that thread. The npm script builds dist/ first and this file loads the
 * compiled writer and stores from there, so the SQLite worker runs compiled JavaScript as in production.
 *
 * Options: --duration <s> (5)  --rates 5000,20000,50000  --stores none,sqlite,postgres  --json
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RequestLogRecord } from '../src/core/telemetry/request-log-record.js';
import type { RequestLogStore } from '../src/store/request-log-store.js';
import { startPostgresServer, type PostgresServerHandle } from '../test/support/start-postgres-server.js';

type WriterModule = typeof import('../src/core/telemetry/request-log-writer.js');
type StoreModule = typeof import('../src/store/create-request-log-store.js');
type StoreName = 'none' | 'sqlite' | 'postgres';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
/** The event-loop monitor's timer interval; the delay reported is how much later than this it fired. */
const LOOP_RESOLUTION_MS = 1;
const SAMPLE_EVERY_MS = 250;
const WORKLOADS = ['support', 'triage', 'summarise', 'extract', 'code-review', 'search'];
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet', 'claude-haiku', 'llama-3-70b'];

interface Options {
  durationSeconds: number;
  rates: number[];
  stores: StoreName[];
  json: boolean;
}

interface TimelinePoint {
  atMs: number;
  offered: number;
  stored: number;
  queued: number;
  spilled: number;
}

interface LogThroughputRow {
  store: StoreName;
  offeredPerSecond: number;
  offered: number;
  windowMs: number;
  /** Records inserted (flushed or replayed) while records were being offered, per second. */
  storedPerSecond: number;
  /** Rows counted in the store after the writer closed. */
  storedRows: number;
  spilled: number;
  /** Spilled records still in spill files after close (the next start would replay them). */
  leftInSpill: number;
  dropped: number;
  failedBatches: number;
  maxQueued: number;
  /** After the last record was offered: how long `close()` took to store or spill what was queued. */
  drainMs: number;
  loopDelayMs: { p50: number; p99: number; max: number; mean: number };
  /** Process CPU (main thread plus the SQLite worker) over the window, as a share of one core. */
  cpuShare: number;
  /** Event-loop utilisation of the main thread over the window: the share of time it was busy. */
  mainThreadBusy: number;
  timeline: TimelinePoint[];
  problems: string[];
}

function parseOptions(argv: string[]): Options {
  const options: Options = { durationSeconds: 5, rates: [5000, 20_000, 50_000], stores: ['none', 'sqlite', 'postgres'], json: false };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index]!;
    const value = () => argv[++index] ?? '';
    if (flag === '--duration') {
      const text = value();
      options.durationSeconds = Number(text.replace(/s$/, ''));
      if (!(options.durationSeconds > 0)) throw new Error(`--duration expects seconds, got '${text}'`);
    } else if (flag === '--rates') {
      options.rates = value().split(',').map(Number);
      if (options.rates.some((rate) => !Number.isInteger(rate) || rate < 1)) throw new Error('--rates expects e.g. 5000,20000,50000');
    } else if (flag === '--stores') {
      const names = value().split(',');
      const unknown = names.find((name) => name !== 'none' && name !== 'sqlite' && name !== 'postgres');
      if (unknown !== undefined) throw new Error(`--stores: unknown store '${unknown}' (none, sqlite, postgres)`);
      options.stores = names as StoreName[];
    } else if (flag === '--json') options.json = true;
    else throw new Error(`unknown option '${flag}' (see the header of bench/log-throughput.ts)`);
  }
  return options;
}

function progress(options: Options, line: string): void {
  // With --json, stdout carries only the JSON document.
  (options.json ? process.stderr : process.stdout).write(`${line}\n`);
}

/** The compiled modules; types come from the sources so typechecking does not need dist/. */
async function loadCompiled(): Promise<{ writer: WriterModule; stores: StoreModule }> {
  const file = (path: string) => join(ROOT, 'dist', path);
  if (!existsSync(file('core/telemetry/request-log-writer.js'))) throw new Error('dist/ is missing: run `npm run build` (or use `npm run bench:log`)');
  const writer = (await import(pathToFileURL(file('core/telemetry/request-log-writer.js')).href)) as WriterModule;
  const stores = (await import(pathToFileURL(file('store/create-request-log-store.js')).href)) as StoreModule;
  return { writer, stores };
}

/** A deterministic generator (mulberry32), so every run offers the same mix. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A request the gateway retried on a second deployment: the first attempt was rate limited. */
function createRecordFactory(seed: number): () => RequestLogRecord {
  const random = createRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  return () => {
    const model = pick(MODELS);
    const inputTokens = 50 + Math.floor(random() * 4000);
    const outputTokens = 10 + Math.floor(random() * 800);
    const cachedInputTokens = random() < 0.3 ? Math.floor(inputTokens * 0.5) : 0;
    const costUsd = (inputTokens * 2.5 + outputTokens * 10) / 1e6;
    const firstLatencyMs = 20 + random() * 200;
    const secondLatencyMs = 200 + random() * 3000;
    const stream = random() < 0.5;
    return {
      id: randomUUID(),
      time: Date.now(),
      durationMs: firstLatencyMs + secondLatencyMs,
      endpoint: 'chat',
      stream,
      apiKey: `team-${Math.floor(random() * 20)}`,
      workload: pick(WORKLOADS),
      requestedModel: model,
      routeModel: model,
      routeReason: 'retry: provider_rate_limited',
      deployment: `${model}@secondary`,
      upstreamModel: `${model}-2024-08-06`,
      status: 200,
      cacheHit: false,
      ...(stream ? { timeToFirstTokenMs: firstLatencyMs + 150 } : {}),
      inputTokens,
      outputTokens,
      cachedInputTokens,
      costUsd,
      referenceCostUsd: costUsd * 4,
      attempts: [
        { deployment: `${model}@primary`, provider: 'openai', code: 'provider_rate_limited', message: 'Rate limit reached for requests', upstreamStatus: 429, latencyMs: firstLatencyMs },
        { deployment: `${model}@secondary`, provider: 'azure', code: 'ok', upstreamStatus: 200, latencyMs: secondLatencyMs, retry: 1, inputTokens, outputTokens, cachedInputTokens, costUsd },
      ],
      policy: { dataClass: 'internal' },
    };
  };
}

/** Accepts every batch at once: the cost of generating and enqueueing without any store. */
function createNullStore(): RequestLogStore & { rows(): number } {
  let rows = 0;
  const unsupported = () => Promise.reject(new Error('the baseline store keeps nothing'));
  return {
    rows: () => rows,
    migrate: async () => {},
    insertBatch: async (records) => void (rows += records.length),
    getRequest: unsupported,
    listRequests: unsupported,
    aggregate: unsupported,
    close: async () => {},
  };
}

async function countRows(store: RequestLogStore, since: number, until: number): Promise<number> {
  const groups = await store.aggregate({ since, until, groupBy: 'workload' });
  return groups.reduce((sum, group) => sum + group.requests, 0);
}

/** The first record as stored must match what was offered: both attempts, tokens and costs. */
async function checkRoundTrip(store: RequestLogStore, offered: RequestLogRecord): Promise<string | undefined> {
  const stored = await store.getRequest(offered.id);
  if (stored === undefined) return `record ${offered.id} is not in the store`;
  const close = (left: number | undefined, right: number | undefined) => Math.abs((left ?? Number.NaN) - (right ?? Number.NaN)) < 1e-9;
  if (stored.attempts.length !== 2) return `record ${offered.id} came back with ${stored.attempts.length} attempts`;
  if (stored.inputTokens !== offered.inputTokens || stored.outputTokens !== offered.outputTokens) return `record ${offered.id} came back with other token counts`;
  if (!close(stored.costUsd, offered.costUsd) || !close(stored.attempts[1]?.costUsd, offered.attempts[1]?.costUsd)) return `record ${offered.id} came back with other costs`;
  return undefined;
}

async function runOne(
  options: Options,
  modules: { writer: WriterModule },
  name: StoreName,
  store: RequestLogStore,
  rate: number,
  temporary: string,
): Promise<LogThroughputRow> {
  const label = `${name.padEnd(8)} ${String(rate).padStart(6)}/s`;
  const problems: string[] = [];
  let closed = false;
  const spillDirectory = mkdtempSync(join(temporary, `spill-${name}-${rate}-`));
  const writer = new modules.writer.RequestLogWriter({
    store,
    spillDirectory,
    onError: (error, context) => {
      // After close() the writer must not touch the store: the gateway closes the store next.
      const when = closed ? 'after close(), ' : '';
      if (problems.length < 5) problems.push(`${when}${context}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    },
  });
  await writer.start();
  const createRecord = createRecordFactory(rate);
  const total = Math.round(rate * options.durationSeconds);
  const startedWall = Date.now();
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  const timeline: TimelinePoint[] = [];
  let offered = 0;
  let maxQueued = 0;
  let first: RequestLogRecord | undefined;
  const inserted = () => writer.stats().written + writer.stats().replayed;

  loopDelay.enable();
  const cpuBefore = process.cpuUsage();
  const busyBefore = performance.eventLoopUtilization();
  const started = performance.now();
  await new Promise<void>((resolve) => {
    let nextSample = SAMPLE_EVERY_MS;
    let nextProgress = 1000;
    // Every millisecond (as far as timers allow), enqueue what is due by now: a steady arrival rate,
    // and a burst after any stall, as requests that arrived meanwhile finish together.
    const tick = () => {
      const elapsed = performance.now() - started;
      const due = Math.min(total, Math.floor((rate * elapsed) / 1000));
      while (offered < due) {
        const record = createRecord();
        first ??= record;
        writer.enqueue(record);
        offered += 1;
      }
      const stats = writer.stats();
      maxQueued = Math.max(maxQueued, stats.queued);
      if (elapsed >= nextSample || offered >= total) {
        timeline.push({ atMs: Math.round(elapsed), offered, stored: stats.written + stats.replayed, queued: stats.queued, spilled: stats.spilled });
        nextSample += SAMPLE_EVERY_MS;
      }
      if (elapsed >= nextProgress) {
        progress(options, `  ${label}  t=${(elapsed / 1000).toFixed(0)}s  offered ${offered}  stored ${stats.written + stats.replayed}  queue ${stats.queued}  spilled ${stats.spilled}`);
        nextProgress += 1000;
      }
      if (offered >= total) resolve();
      else setTimeout(tick, 1);
    };
    setTimeout(tick, 1);
  });
  const windowMs = performance.now() - started;
  const storedInWindow = inserted();
  const cpu = process.cpuUsage(cpuBefore);
  const busy = performance.eventLoopUtilization(busyBefore);
  loopDelay.disable();

  const drainStarted = performance.now();
  await writer.close();
  const drainMs = performance.now() - drainStarted;
  closed = true;
  const stats = writer.stats();
  const storedRows = name === 'none' ? (store as ReturnType<typeof createNullStore>).rows() : await countRows(store, startedWall - 60_000, Date.now() + 60_000);

  // Every offered record is inserted by a flush, spilled or dropped; spilled ones may be replayed.
  if (stats.written + stats.spilled + stats.dropped !== offered) problems.push(`writer accounted for ${stats.written + stats.spilled + stats.dropped} of ${offered} records`);
  if (storedRows !== stats.written + stats.replayed) problems.push(`${storedRows} rows stored, writer inserted ${stats.written + stats.replayed}`);
  if (stats.dropped > 0) problems.push(`${stats.dropped} records dropped`);
  if (name !== 'none' && first !== undefined && stats.written + stats.replayed > 0) {
    const mismatch = await checkRoundTrip(store, first);
    if (mismatch !== undefined) problems.push(mismatch);
  }
  rmSync(spillDirectory, { recursive: true, force: true });

  const delayMs = (nanoseconds: number) => Math.max(0, nanoseconds / 1e6 - LOOP_RESOLUTION_MS);
  const row: LogThroughputRow = {
    store: name,
    offeredPerSecond: rate,
    offered,
    windowMs: Math.round(windowMs),
    storedPerSecond: Math.round(storedInWindow / (windowMs / 1000)),
    storedRows,
    spilled: stats.spilled,
    leftInSpill: stats.spilled - stats.replayed,
    dropped: stats.dropped,
    failedBatches: stats.failedBatches,
    maxQueued,
    drainMs: Math.round(drainMs),
    loopDelayMs: {
      p50: delayMs(loopDelay.percentile(50)),
      p99: delayMs(loopDelay.percentile(99)),
      max: delayMs(loopDelay.max),
      mean: delayMs(loopDelay.mean),
    },
    cpuShare: (cpu.user + cpu.system) / 1000 / windowMs,
    mainThreadBusy: busy.utilization,
    timeline,
    problems,
  };
  progress(
    options,
    `  ${label}  stored ${row.storedPerSecond}/s (${storedRows} rows), spilled ${row.spilled}, max queue ${maxQueued}, loop delay p99 ${row.loopDelayMs.p99.toFixed(1)} ms max ${row.loopDelayMs.max.toFixed(1)} ms, drain ${row.drainMs} ms${problems.length > 0 ? `  PROBLEM: ${problems[0]}` : ''}`,
  );
  return row;
}

function formatTable(rows: LogThroughputRow[]): string {
  const header = ['store', 'offered/s', 'stored/s', 'rows', 'spilled', 'dropped', 'max queue', 'loop p50', 'loop p99', 'loop max', 'drain', 'main busy', 'cpu'];
  const lines = rows.map((row) => [
    row.store,
    String(row.offeredPerSecond),
    String(row.storedPerSecond),
    String(row.storedRows),
    String(row.spilled),
    String(row.dropped),
    String(row.maxQueued),
    `${row.loopDelayMs.p50.toFixed(2)} ms`,
    `${row.loopDelayMs.p99.toFixed(2)} ms`,
    `${row.loopDelayMs.max.toFixed(1)} ms`,
    `${row.drainMs} ms`,
    `${Math.round(row.mainThreadBusy * 100)}%`,
    `${Math.round(row.cpuShare * 100)}%`,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const format = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  const legend = [
    'stored/s: inserted while offering; rows: counted after close (spilled records stay in spill files until replayed);',
    `loop: how late a ${LOOP_RESOLUTION_MS} ms timer fired on the main thread; main busy: its event-loop utilisation; cpu: whole process, share of one core.`,
  ];
  return [format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.map(format), '', ...legend].join('\n');
}

function saveResults(document: object): string {
  const directory = join(ROOT, 'bench/results');
  mkdirSync(directory, { recursive: true });
  const file = join(directory, `log-throughput-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  return file;
}

/** Starts PostgreSQL, or explains why it is skipped when its binaries are not installed. */
async function startPostgres(options: Options): Promise<PostgresServerHandle | string> {
  try {
    const server = await startPostgresServer();
    progress(options, `throwaway PostgreSQL on port ${server.port}`);
    return server;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!message.includes('was not found')) throw error;
    return `PostgreSQL skipped: ${message}`;
  }
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const modules = await loadCompiled();
  const temporary = mkdtempSync(join(tmpdir(), 'switchyard-bench-log-'));
  let postgres: PostgresServerHandle | undefined;
  const cleanup = async () => {
    await postgres?.stop().catch(() => {});
    rmSync(temporary, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\ninterrupted (${signal}); stopping PostgreSQL and removing temp files\n`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  const rows: LogThroughputRow[] = [];
  const notes: string[] = [];
  try {
    if (options.stores.includes('postgres')) {
      const started = await startPostgres(options);
      if (typeof started === 'string') notes.push(started);
      else postgres = started;
    }
    const total = options.stores.length * options.rates.length;
    let step = 0;
    for (const name of options.stores) {
      if (name === 'postgres' && postgres === undefined) continue;
      for (const rate of options.rates) {
        step += 1;
        progress(options, `[${step}/${total}] ${name} at ${rate} records/s for ${options.durationSeconds}s`);
        // A fresh database per run, so each starts from empty tables.
        let store: RequestLogStore;
        if (name === 'none') store = createNullStore();
        else if (name === 'sqlite') store = await modules.stores.createRequestLogStore({ type: 'sqlite', path: join(temporary, `sqlite-${rate}.db`) });
        else store = await modules.stores.createRequestLogStore({ type: 'postgres', url: await postgres!.createDatabase(`switchyard_bench_${rate}`) });
        try {
          await store.migrate();
          rows.push(await runOne(options, modules, name, store, rate, temporary));
        } finally {
          await store.close();
        }
      }
    }
  } finally {
    await cleanup();
  }

  const problems = rows.flatMap((row) => row.problems.map((problem) => `${row.store} at ${row.offeredPerSecond}/s: ${problem}`));
  const document = {
    benchmark: 'log-throughput',
    timestamp: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    durationSeconds: options.durationSeconds,
    writer: { flushIntervalMs: 1000, batchSize: 500, maxQueue: 10_000 },
    loopDelayResolutionMs: LOOP_RESOLUTION_MS,
    rows,
    notes,
    problems,
  };
  const file = saveResults(document);
  if (options.json) process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  else process.stdout.write(`\n${formatTable(rows)}\n${notes.map((note) => `\n${note}`).join('')}\n`);
  progress(options, `results saved to ${file}`);
  if (problems.length > 0) {
    process.stderr.write(`bench:log failed: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more, see ${file})` : ''}\n`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:log failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
    process.exit(1);
  },
);
