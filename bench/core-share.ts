/**
 * `npm run bench:core-share`: what sharing its core with background work costs a server at one
 * connection on this machine, shown on the bare 20-line proxy (bench/bare-proxy.ts) so that no
 * gateway code is involved.
 *
 * The proxy runs pinned to core 0; the zero-latency upstream and wrk (`-c1`) run on core 1. Each
 * round measures the proxy alone and beside a background load on core 0 (bench/duty-cycle-load.mjs,
 * which spins and sleeps, and with `--touch-kb` writes through memory as it spins): a thread that
 * always wants the core under SCHED_IDLE, and one that takes `--busy-ms` of CPU every `--period-ms`
 * (10% by default, the request log's share of the core at one connection) at nice 10 and under
 * SCHED_IDLE. Loads are interleaved
 * within each round, so a slow stretch of the VM hits all of them. It prints requests/s, wrk's p50
 * and p99, the proxy's CPU per request, and what each load added against the proxy alone.
 *
 * Why it exists: the gateway's one-connection tail with the request log on was traced to the log
 * worker sharing the core (docs/performance.md). This says how much of that any server would pay
 * here for the same share of the core, whatever the work.
 *
 * Options: --rounds <n> (3)  --duration <s> (10)  --warmup <s> (3)  --busy-ms <ms> (1.5)
 *          --period-ms <ms> (15)  --touch-kb <n> (0; above 0 adds the duty-cycle loads writing through
 *          that much memory)  --json
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installCleanup, processCpuMs, startPinned, waitForLine, type LongRunningChild } from './child-processes.js';
import { formatStalls, probeCoreStalls } from './core-stall-probe.js';
import {
  formatCoreShareTable,
  loadCommand,
  loadVariants,
  parseCoreShareOptions,
  summariseCoreShare,
  type CoreShareOptions,
  type CoreShareRun,
  type LoadVariant,
} from './core-share-report.js';
import { errorCount, median, runWrk, wrkInstalled, writeWrkScript } from './wrk.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const SERVER_CORE = 0;
const LOAD_GENERATOR_CORE = 1;

function progress(options: CoreShareOptions, line: string): void {
  // With --json, stdout carries only the JSON document.
  (options.json ? process.stderr : process.stdout).write(`${line}\n`);
}

async function startScript(core: number, script: string, args: string[], name: string): Promise<{ process: LongRunningChild; port: number }> {
  const child = startPinned(core, process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], { name });
  return { process: child, port: Number(await waitForLine(child, /listening (\d+)/, 20_000)) };
}

async function startLoad(variant: LoadVariant): Promise<LongRunningChild | undefined> {
  if (!variant.load) return undefined;
  const { command, args } = loadCommand(variant.load, process.execPath, join(ROOT, 'bench/duty-cycle-load.mjs'));
  const load = startPinned(SERVER_CORE, command, args, { name: `background load ${variant.name}` });
  await waitForLine(load, /running/, 10_000);
  return load;
}

async function measure(options: CoreShareOptions, round: number, variant: LoadVariant, proxy: LongRunningChild, url: string, script: string): Promise<CoreShareRun> {
  const load = await startLoad(variant);
  try {
    await runWrk({ url, connections: 1, durationSeconds: options.warmupSeconds, scriptFile: script, core: LOAD_GENERATOR_CORE });
    const proxyBefore = processCpuMs(proxy.pid);
    const loadBefore = load ? processCpuMs(load.pid) : 0;
    const result = await runWrk({ url, connections: 1, durationSeconds: options.durationSeconds, scriptFile: script, core: LOAD_GENERATOR_CORE });
    if (errorCount(result) > 0) throw new Error(`${variant.name}: wrk counted ${errorCount(result)} errors`);
    const proxyCpuMs = processCpuMs(proxy.pid) - proxyBefore;
    const loadCpuMs = load ? processCpuMs(load.pid) - loadBefore : 0;
    return {
      round,
      variant: variant.name,
      requestsPerSecond: result.requestsPerSecond,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      proxyCpuUsPerRequest: (proxyCpuMs * 1000) / result.requests,
      loadCoreShare: loadCpuMs / (result.durationSeconds * 1000),
    };
  } finally {
    await load?.stop('SIGKILL');
  }
}

async function main(): Promise<number> {
  const options = parseCoreShareOptions(process.argv.slice(2));
  if (!wrkInstalled()) throw new Error('wrk is not installed (apt-get install wrk)');
  if (!existsSync('/proc/self/stat')) throw new Error('needs /proc (Linux) for CPU accounting');
  installCleanup();
  const temporary = mkdtempSync(join(tmpdir(), 'switchyard-core-share-'));
  process.on('exit', () => rmSync(temporary, { recursive: true, force: true }));
  const script = writeWrkScript(temporary, false);

  const upstream = await startScript(LOAD_GENERATOR_CORE, 'bench/zero-latency-upstream.ts', [], 'zero-latency upstream');
  const proxy = await startScript(SERVER_CORE, 'bench/bare-proxy.ts', ['--upstream', String(upstream.port)], 'bare proxy');
  const proxyUrl = `http://127.0.0.1:${proxy.port}/v1/chat/completions`;
  progress(options, `bare proxy on core ${SERVER_CORE} (pid ${proxy.process.pid}); upstream and wrk -c1 on core ${LOAD_GENERATOR_CORE}; ${options.durationSeconds}s per run after ${options.warmupSeconds}s`);
  const stallsBefore = await probeCoreStalls(SERVER_CORE, 3);
  progress(options, `before the runs, ${formatStalls(stallsBefore)}`);

  const variants = loadVariants(options);
  const runs: CoreShareRun[] = [];
  const directP99s: number[] = [];
  const total = options.rounds * (variants.length + 1);
  for (let round = 1; round <= options.rounds; round++) {
    const direct = await runWrk({ url: `http://127.0.0.1:${upstream.port}/v1/chat/completions`, connections: 1, durationSeconds: options.durationSeconds, scriptFile: script, core: LOAD_GENERATOR_CORE });
    directP99s.push(direct.p99Ms);
    progress(options, `[${runs.length + round}/${total}] round ${round} direct: ${direct.requestsPerSecond.toFixed(0)} requests/s, p50 ${direct.p50Ms.toFixed(2)} / p99 ${direct.p99Ms.toFixed(2)} ms`);
    for (const variant of variants) {
      const run = await measure(options, round, variant, proxy.process, proxyUrl, script);
      runs.push(run);
      progress(options, `[${runs.length + round}/${total}] round ${round} ${variant.name}: ${run.requestsPerSecond.toFixed(0)} requests/s, p50 ${run.p50Ms.toFixed(2)} / p99 ${run.p99Ms.toFixed(2)} ms, proxy CPU ${run.proxyCpuUsPerRequest.toFixed(0)} µs/req, load ${(run.loadCoreShare * 100).toFixed(1)}% of the core`);
    }
  }
  const stallsAfter = await probeCoreStalls(SERVER_CORE, 3);
  progress(options, `after the runs, ${formatStalls(stallsAfter)}`);

  const summary = summariseCoreShare(variants, runs);
  const directP99Ms = median(directP99s);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ benchmark: 'core-share', options: { ...options, json: undefined }, directP99Ms, summary, runs, coreStalls: { before: stallsBefore, after: stallsAfter } }, null, 2)}\n`);
  } else {
    process.stdout.write(`\nmedians over ${options.rounds} rounds; direct path p99 ${directP99Ms.toFixed(2)} ms\n${formatCoreShareTable(summary, directP99Ms)}\n`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:core-share failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
