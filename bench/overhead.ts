/**
 * `npm run bench:overhead`: what the gateway adds on top of a zero-latency upstream.
 *
 * The gateway runs pinned to core 0; wrk and the fake upstream share core 1. Each scenario
 * (non-streaming / streaming × 1, 16, 64 connections) is measured directly against the upstream
 * and through the gateway, after a discarded warm-up. Gateway CPU per request comes from
 * /proc/<pid>/stat. The npm script builds dist/ first; this file builds nothing.
 *
 * A bare keep-alive proxy (bench/bare-proxy.ts), pinned to the gateway's core, is measured beside
 * it: the issue's own reference point, and the floor any Node proxy shows on this machine. At one
 * connection each path is run several times, interleaved, and the medians are reported: a single
 * run's p99 there moves by milliseconds with the VM's scheduling. Before and after the runs, a busy
 * loop on the gateway's core measures how much of it the VM itself took (bench/core-stall-probe.ts).
 *
 * Options: --duration <s> (8)  --warmup <s> (2)  --connections 1,16,64  --json
 *          --node-flag <flag> (repeatable: extra flags for the gateway's node)  --request-log <field: value> (repeatable)
 *          --one-connection-runs <n> (3: runs per path at one connection, medians reported)
 *          --strict (exit 2 when a target is missed)
 *          --cpu-prof (profile the gateway during one non-streaming 64-connection run instead;
 *                      add --stream to profile a streaming 64-connection run)
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  clockTicksPerSecond,
  coreBusyMs,
  freePort,
  installCleanup,
  killAllChildren,
  processCpuMs,
  startPinned,
  waitForHealthy,
  waitForLine,
  type LongRunningChild,
} from './child-processes.js';
import { benchGatewayConfig } from './bench-gateway-config.js';
import { formatStalls, probeCoreStalls } from './core-stall-probe.js';
import { buildRow, formatSummary, formatTable, type GatewayMeasurement, type OverheadRow, type Scenario } from './overhead-report.js';
import { addBuckets, bucketsBetween, observationCount, parseOverheadBuckets, quantileMs, type CumulativeBuckets } from './overhead-histogram.js';
import { summarizeCpuProfile } from './summarize-cpu-profile.js';
import { addThreadSchedules, readThreadSnapshot, threadScheduleBetween, type ThreadSnapshot } from './thread-schedule.js';
import { validateCompletion, validateStream } from './validate-answers.js';
import { errorCount, medianOfRuns, runWrk, writeWrkScript, wrkInstalled, type WrkResult } from './wrk.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const GATEWAY_CORE = 0;
const LOAD_CORE = 1;

interface Options {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number[];
  json: boolean;
  strict: boolean;
  cpuProfile: boolean;
  /** With --cpu-prof: profile the streaming scenario. */
  stream: boolean;
  oneConnectionRuns: number;
  /** Extra node flags for the gateway process (experiments: e.g. --max-semi-space-size=8). */
  nodeFlags: string[];
  /** Extra `request_log` fields for the gateway's config (e.g. 'writer_priority: low'). */
  requestLogFields: string[];
}

function parseOptions(argv: string[]): Options {
  const options: Options = { durationSeconds: 8, warmupSeconds: 2, connections: [1, 16, 64], json: false, strict: false, cpuProfile: false, stream: false, oneConnectionRuns: 3, nodeFlags: [], requestLogFields: [] };
  const seconds = (flag: string, text: string | undefined) => {
    const value = Number(text?.replace(/s$/, ''));
    if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} expects whole seconds, got '${text}'`);
    return value;
  };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index]!;
    if (flag === '--duration') options.durationSeconds = seconds(flag, argv[++index]);
    else if (flag === '--warmup') options.warmupSeconds = seconds(flag, argv[++index]);
    else if (flag === '--connections') {
      options.connections = (argv[++index] ?? '').split(',').map(Number);
      if (options.connections.some((count) => !Number.isInteger(count) || count < 1)) throw new Error(`--connections expects e.g. 1,16,64`);
    } else if (flag === '--json') options.json = true;
    else if (flag === '--strict') options.strict = true;
    else if (flag === '--cpu-prof') options.cpuProfile = true;
    else if (flag === '--stream') options.stream = true;
    else if (flag === '--node-flag') options.nodeFlags.push(argv[++index] ?? '');
    else if (flag === '--request-log') options.requestLogFields.push(argv[++index] ?? '');
    else if (flag === '--one-connection-runs') {
      options.oneConnectionRuns = Number(argv[++index]);
      if (!Number.isInteger(options.oneConnectionRuns) || options.oneConnectionRuns < 1) throw new Error(`--one-connection-runs expects a positive integer, got '${argv[index]}'`);
    }
    else throw new Error(`unknown option '${flag}' (see the header of bench/overhead.ts)`);
  }
  return options;
}

function checkPrerequisites(): void {
  if (!wrkInstalled()) throw new Error('wrk is not installed: apt-get install wrk');
  if (!existsSync('/usr/bin/taskset') && !existsSync('/bin/taskset')) throw new Error('taskset is not installed: apt-get install util-linux');
  if (availableParallelism() < 2) throw new Error(`needs 2 cores (gateway on core ${GATEWAY_CORE}, load on core ${LOAD_CORE}); this machine offers ${availableParallelism()}`);
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` (or use `npm run bench:overhead`)');
  if (!existsSync('/proc/self/stat')) throw new Error('needs /proc (Linux) for CPU accounting');
}

function progress(options: Options, line: string): void {
  // With --json, stdout carries only the JSON document.
  (options.json ? process.stderr : process.stdout).write(`${line}\n`);
}

async function startUpstream(): Promise<{ process: LongRunningChild; port: number }> {
  const script = join(ROOT, 'bench/zero-latency-upstream.ts');
  const upstream = startPinned(LOAD_CORE, process.execPath, ['--import', 'tsx', script], { name: 'zero-latency upstream' });
  const port = Number(await waitForLine(upstream, /listening (\d+)/, 20_000));
  return { process: upstream, port };
}

async function startBareProxy(upstreamPort: number): Promise<{ process: LongRunningChild; url: string }> {
  const proxy = startPinned(GATEWAY_CORE, process.execPath, ['--import', 'tsx', join(ROOT, 'bench/bare-proxy.ts'), '--upstream', String(upstreamPort)], { name: 'bare proxy' });
  const port = Number(await waitForLine(proxy, /listening (\d+)/, 20_000));
  return { process: proxy, url: `http://127.0.0.1:${port}` };
}

async function startGatewayProcess(configFile: string, profileDirectory: string | undefined, nodeFlags: string[] = []): Promise<{ process: LongRunningChild; url: string }> {
  const port = await freePort();
  const profileFlags = profileDirectory ? ['--cpu-prof', `--cpu-prof-dir=${profileDirectory}`] : [];
  const gateway = startPinned(
    GATEWAY_CORE,
    process.execPath,
    [...profileFlags, ...nodeFlags, join(ROOT, 'bin/switchyard.js'), 'serve', '--config', configFile, '--port', String(port), '--host', '127.0.0.1'],
    { name: 'gateway', env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'production' } },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHealthy(`${url}/healthz`, 20_000, gateway.exited);
  return { process: gateway, url };
}

/** A wrk run that fails fast when the gateway dies during it. */
async function measure(url: string, connections: number, seconds: number, scriptFile: string, gateway: LongRunningChild): Promise<WrkResult> {
  return Promise.race([runWrk({ url, connections, durationSeconds: seconds, scriptFile, core: LOAD_CORE }), gateway.exited]);
}

/**
 * Waits until the gateway's request log has stored every record of the load so far: nothing queued
 * in memory and every spilled record replayed (`/metrics`). The log worker runs at idle priority,
 * so on a saturated core it writes little during the run and catches up after it; waiting here
 * keeps one run's backlog out of the next and lets the CPU of writing a run's records count
 * against that run. Returns the time it took.
 */
async function waitForLogCatchUp(gatewayUrl: string, gateway: LongRunningChild, timeoutMs = 180_000): Promise<number> {
  const started = performance.now();
  for (;;) {
    const text = await Promise.race([fetch(`${gatewayUrl}/metrics`).then((response) => response.text()), gateway.exited]);
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? Number.NaN);
    const queued = value(/^switchyard_request_log_queue_depth (\S+)$/m);
    const spilled = value(/^switchyard_request_log_records\{fate="spilled"\} (\S+)$/m);
    const replayed = value(/^switchyard_request_log_records\{fate="replayed"\} (\S+)$/m);
    if (Number.isNaN(queued)) throw new Error('the gateway does not report switchyard_request_log_queue_depth on /metrics');
    if (queued === 0 && !(spilled > replayed)) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`the request log did not catch up within ${timeoutMs / 1000} s (queued ${queued}, spilled ${spilled}, replayed ${replayed})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let threadScheduleWarning = false;

/** Per-thread CPU and run-queue wait of the gateway, or undefined (once warned) where the kernel keeps no schedstat. */
function threadSnapshotOrUndefined(pid: number): ThreadSnapshot | undefined {
  try {
    return readThreadSnapshot(pid);
  } catch (error) {
    if (!threadScheduleWarning) process.stderr.write(`note: per-thread scheduling not measured: ${(error as Error).message}\n`);
    threadScheduleWarning = true;
    return undefined;
  }
}

async function scrapeOwnTime(gatewayUrl: string, gateway: LongRunningChild): Promise<CumulativeBuckets> {
  const text = await Promise.race([fetch(`${gatewayUrl}/metrics`).then((response) => response.text()), gateway.exited]);
  return parseOverheadBuckets(text);
}

/** Each measurement keeps its run's own-time histogram (by bound) so runs can be combined. */
const ownTimeBuckets = new WeakMap<GatewayMeasurement, CumulativeBuckets>();

function ownTimeOf(buckets: CumulativeBuckets): GatewayMeasurement['ownTime'] {
  return { p50Ms: quantileMs(buckets, 0.5), p99Ms: quantileMs(buckets, 0.99), requests: observationCount(buckets) };
}

async function measureGateway(url: string, connections: number, seconds: number, scriptFile: string, gateway: LongRunningChild): Promise<GatewayMeasurement> {
  const gatewayUrl = new URL(url).origin;
  // A warm-up's records are written before the measured run starts.
  await waitForLogCatchUp(gatewayUrl, gateway);
  const ownTimeBefore = await scrapeOwnTime(gatewayUrl, gateway);
  const cpuBefore = processCpuMs(gateway.pid);
  const threadsBefore = threadSnapshotOrUndefined(gateway.pid);
  const coreBefore = coreBusyMs(GATEWAY_CORE);
  const result = await measure(url, connections, seconds, scriptFile, gateway);
  // The CPU of a run includes writing its log records, however long after the load that happens.
  const logCatchUpMs = await waitForLogCatchUp(gatewayUrl, gateway);
  const cpuMs = processCpuMs(gateway.pid) - cpuBefore;
  const threadsAfter = threadSnapshotOrUndefined(gateway.pid);
  const coreMs = coreBusyMs(GATEWAY_CORE) - coreBefore;
  const wallMs = result.durationSeconds * 1000 + logCatchUpMs;
  const ownTime = bucketsBetween(ownTimeBefore, await scrapeOwnTime(gatewayUrl, gateway));
  const measurement: GatewayMeasurement = {
    ...result,
    ownTime: ownTimeOf(ownTime),
    cpuMs,
    cpuMsPerRequest: result.requests === 0 ? Number.NaN : cpuMs / result.requests,
    coreUtilisation: cpuMs / wallMs,
    otherLoadOnCore: Math.max(0, coreMs - cpuMs) / wallMs,
    logCatchUpMs,
    threads: threadsBefore && threadsAfter ? threadScheduleBetween(gateway.pid, threadsBefore, threadsAfter) : undefined,
  };
  ownTimeBuckets.set(measurement, ownTime);
  return measurement;
}

/** Several measured runs of the gateway as one: medians of rps and latency, CPU over all of them. */
function combineGatewayRuns(runs: GatewayMeasurement[]): GatewayMeasurement {
  const cpuMs = runs.reduce((total, run) => total + run.cpuMs, 0);
  const wallMs = runs.reduce((total, run) => total + run.durationSeconds * 1000 + run.logCatchUpMs, 0);
  const combined = medianOfRuns(runs);
  return {
    ...combined,
    logCatchUpMs: Math.max(...runs.map((run) => run.logCatchUpMs)),
    // Every run's requests as one distribution.
    ownTime: ownTimeOf(addBuckets(runs.map((run) => ownTimeBuckets.get(run) ?? new Map()))),
    cpuMs,
    cpuMsPerRequest: combined.requests === 0 ? Number.NaN : cpuMs / combined.requests,
    coreUtilisation: cpuMs / wallMs,
    otherLoadOnCore: runs.reduce((total, run) => total + run.otherLoadOnCore * run.durationSeconds * 1000, 0) / wallMs,
    threads: runs.every((run) => run.threads !== undefined) ? addThreadSchedules(runs.map((run) => run.threads!)) : undefined,
  };
}

function describe(result: WrkResult): string {
  const errors = errorCount(result);
  return `${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms${errors ? `, ${errors} ERRORS` : ''}`;
}

async function runMatrix(
  options: Options,
  targets: { upstreamUrl: string; gatewayUrl: string; proxyUrl: string },
  gateway: LongRunningChild,
  scripts: Record<Scenario, string>,
): Promise<OverheadRow[]> {
  const rows: OverheadRow[] = [];
  const chat = (base: string) => `${base}/v1/chat/completions`;
  // One warm-up under load for each path first, so the JIT has compiled the hot path before the
  // latency-sensitive 1-connection runs.
  for (const scenario of ['non-streaming', 'streaming'] as const) {
    await measure(chat(targets.gatewayUrl), 16, options.warmupSeconds * 2, scripts[scenario], gateway);
    await measure(chat(targets.proxyUrl), 16, options.warmupSeconds, scripts[scenario], gateway);
  }
  const total = 2 * options.connections.length;
  let step = 0;
  for (const scenario of ['non-streaming', 'streaming'] as const) {
    for (const connections of options.connections) {
      step += 1;
      const runs = connections === 1 ? options.oneConnectionRuns : 1;
      const direct: WrkResult[] = [];
      const through: GatewayMeasurement[] = [];
      const proxy: WrkResult[] = [];
      for (let run = 1; run <= runs; run++) {
        const label = (target: string) => `[${String(step).padStart(2)}/${total}${runs > 1 ? ` run ${run}/${runs}` : ''}] ${target.padEnd(10)} ${scenario.padEnd(13)} ${String(connections).padStart(2)} conn`;
        await measure(chat(targets.upstreamUrl), connections, options.warmupSeconds, scripts[scenario], gateway);
        direct.push(await measure(chat(targets.upstreamUrl), connections, options.durationSeconds, scripts[scenario], gateway));
        progress(options, `${label('direct')}  ${describe(direct.at(-1)!)}`);
        await measure(chat(targets.gatewayUrl), connections, options.warmupSeconds, scripts[scenario], gateway);
        const measured = await measureGateway(chat(targets.gatewayUrl), connections, options.durationSeconds, scripts[scenario], gateway);
        through.push(measured);
        const catchUp = measured.logCatchUpMs > 1500 ? `; request log caught up ${(measured.logCatchUpMs / 1000).toFixed(1)} s after the load, counted` : '';
        progress(options, `${label('gateway')}  ${describe(measured)}, own time p50 ${measured.ownTime.p50Ms.toFixed(2)} / p99 ${measured.ownTime.p99Ms.toFixed(2)} ms, CPU ${measured.cpuMsPerRequest.toFixed(3)} ms/req (${Math.round(measured.coreUtilisation * 100)}% of core ${GATEWAY_CORE}; other load there ${Math.round(measured.otherLoadOnCore * 100)}%${catchUp})`);
        await measure(chat(targets.proxyUrl), connections, options.warmupSeconds, scripts[scenario], gateway);
        proxy.push(await measure(chat(targets.proxyUrl), connections, options.durationSeconds, scripts[scenario], gateway));
        progress(options, `${label('bare proxy')}  ${describe(proxy.at(-1)!)}`);
      }
      rows.push(buildRow(scenario, connections, runs, medianOfRuns(direct), combineGatewayRuns(through), medianOfRuns(proxy)));
    }
  }
  return rows;
}

function saveResults(document: object): string {
  const directory = join(ROOT, 'bench/results');
  mkdirSync(directory, { recursive: true });
  const file = join(directory, `overhead-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  return file;
}

async function profileGateway(options: Options, configFile: string, scriptFile: string): Promise<void> {
  const profileDirectory = join(ROOT, 'bench/results', `profile-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(profileDirectory, { recursive: true });
  const gateway = await startGatewayProcess(configFile, profileDirectory, options.nodeFlags);
  await validateCompletion(`${gateway.url}/v1/chat/completions`, 'gateway (profiled)');
  await measure(`${gateway.url}/v1/chat/completions`, 64, options.warmupSeconds, scriptFile, gateway.process);
  const result = await measureGateway(`${gateway.url}/v1/chat/completions`, 64, options.durationSeconds, scriptFile, gateway.process);
  progress(options, `profiled gateway ${options.stream ? 'streaming' : 'non-streaming'} 64 conn  ${describe(result)}, CPU ${result.cpuMsPerRequest.toFixed(3)} ms/req (profiler on)`);
  // SIGTERM makes the CLI shut down cleanly, which is when node writes the .cpuprofile.
  await gateway.process.stop('SIGTERM');
  const profile = readdirSync(profileDirectory).find((name) => name.endsWith('.cpuprofile'));
  if (!profile) throw new Error(`the gateway wrote no .cpuprofile into ${profileDirectory}`);
  progress(options, `profile: ${join(profileDirectory, profile)}\n`);
  process.stdout.write(`${summarizeCpuProfile(join(profileDirectory, profile), { top: 40 })}\n`);
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  checkPrerequisites();
  installCleanup();
  const temporary = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  process.on('exit', () => rmSync(temporary, { recursive: true, force: true }));
  const scripts: Record<Scenario, string> = { 'non-streaming': writeWrkScript(temporary, false), streaming: writeWrkScript(temporary, true) };

  const upstream = await startUpstream();
  const upstreamUrl = `http://127.0.0.1:${upstream.port}`;
  const configFile = join(temporary, 'switchyard.yaml');
  writeFileSync(configFile, benchGatewayConfig(upstream.port, temporary, [], options.requestLogFields));
  progress(options, `zero-latency upstream on ${upstreamUrl} (core ${LOAD_CORE}); wrk on core ${LOAD_CORE}; gateway on core ${GATEWAY_CORE}`);

  if (options.cpuProfile) {
    await profileGateway(options, configFile, scripts[options.stream ? 'streaming' : 'non-streaming']);
    return 0;
  }

  // The VM's own stalls on the gateway's core, before and after the runs: at one connection each
  // counts many times in wrk's (coordinated-omission corrected) p99, so the table is read against them.
  const stallsBefore = await probeCoreStalls(GATEWAY_CORE, 3);
  progress(options, `before the runs, ${formatStalls(stallsBefore)}`);
  const proxy = await startBareProxy(upstream.port);
  const gateway = await startGatewayProcess(configFile, undefined, options.nodeFlags);
  progress(options, `gateway on ${gateway.url} (pid ${gateway.process.pid}); ${options.durationSeconds}s per run after a ${options.warmupSeconds}s warm-up`);
  await validateCompletion(`${upstreamUrl}/v1/chat/completions`, 'upstream');
  await validateStream(`${upstreamUrl}/v1/chat/completions`, 'upstream');
  await validateCompletion(`${gateway.url}/v1/chat/completions`, 'gateway');
  await validateStream(`${gateway.url}/v1/chat/completions`, 'gateway');
  await validateCompletion(`${proxy.url}/v1/chat/completions`, 'bare proxy');
  await validateStream(`${proxy.url}/v1/chat/completions`, 'bare proxy');
  progress(options, 'validated: chat.completion and streamed chunks ending in [DONE], direct, through the gateway and through the bare proxy');

  const rows = await runMatrix(options, { upstreamUrl, gatewayUrl: gateway.url, proxyUrl: proxy.url }, gateway.process, scripts);
  await gateway.process.stop();
  await proxy.process.stop();
  await upstream.process.stop();
  const stallsAfter = await probeCoreStalls(GATEWAY_CORE, 3);
  progress(options, `after the runs, ${formatStalls(stallsAfter)}`);

  const allPassed = rows.every((row) => row.pass);
  const document = {
    benchmark: 'overhead',
    timestamp: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model,
    cores: { gateway: GATEWAY_CORE, loadGeneratorAndUpstream: LOAD_CORE },
    durationSeconds: options.durationSeconds,
    warmupSeconds: options.warmupSeconds,
    oneConnectionRuns: options.oneConnectionRuns,
    clockTicksPerSecond: clockTicksPerSecond(),
    coreStalls: { before: stallsBefore, after: stallsAfter },
    rows,
    allPassed,
  };
  const file = saveResults(document);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  } else {
    process.stdout.write(`\n${formatTable(rows)}\n\n${formatSummary(rows)}\n`);
  }
  progress(options, `results saved to ${file}`);
  return options.strict && !allPassed ? 2 : 0;
}

main().then(
  (code) => {
    killAllChildren();
    process.exit(code);
  },
  (error: unknown) => {
    killAllChildren();
    process.stderr.write(`bench:overhead failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
    process.exit(1);
  },
);
