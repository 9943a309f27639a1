/**
 * `npm run bench:tail`: where the gateway's one-connection latency tail comes from.
 *
 * Runs the gateway (pinned to core 0, request log on, as `npm start` runs) against the zero-latency
 * upstream (core 1) at one connection with wrk (core 1), whose Lua script logs each request's send
 * time and latency on the monotonic clock; the gateway logs its GCs and request times the same way
 * (bench/tail-instrument.mjs). It then prints wrk's p99 (which corrects for coordinated omission: a
 * request of L ms also counts as L − i, L − 2i, … for the requests it held back, i being the mean
 * interval), the uncorrected p99, and how the corrected samples above a threshold split by what
 * overlapped the slow request: a young-generation GC, a full GC, or nothing the gateway saw
 * (scheduling: the log worker, other threads, the VM).
 *
 * Options: --duration <s> (10)  --warmup <s> (3)  --threshold <ms> (1.2)  --config-extra <yaml line>
 *          --request-log <field: value> (repeatable: e.g. 'writer_priority: idle', 'enabled: false')
 *          --node-flag <flag> (repeatable: e.g. --max-semi-space-size=4)  --json
 *          --target gateway|proxy (proxy: the same breakdown for bench/bare-proxy.ts, the floor)
 *          --stream (streamed chat completions instead of plain ones)
 *          --probe <s> (3: how long core 0 is probed for stalls before the run, to say what stretch
 *          of the VM the run met: bench/core-stall-probe.ts)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, installCleanup, killAllChildren, runChild, startPinned, waitForHealthy, waitForLine } from './child-processes.js';
import { formatStalls, probeCoreStalls } from './core-stall-probe.js';
import { BENCH_CLIENT_KEY, benchGatewayConfig } from './bench-gateway-config.js';
import { chatRequestBody, wrkInstalled } from './wrk.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const KIND_MINOR = 1;
const KIND_MAJOR = 4;

interface Options {
  durationSeconds: number;
  warmupSeconds: number;
  thresholdMs: number;
  configExtra: string[];
  requestLogFields: string[];
  nodeFlags: string[];
  json: boolean;
  /** What is measured: the gateway, or the bare keep-alive proxy (the floor, for comparison). */
  target: 'gateway' | 'proxy';
  stream: boolean;
  /** How long core 0 is probed for stalls before the run (bench/core-stall-probe.ts). */
  probeSeconds: number;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { durationSeconds: 10, warmupSeconds: 3, thresholdMs: 1.2, configExtra: [], requestLogFields: [], nodeFlags: [], json: false, target: 'gateway', stream: false, probeSeconds: 3 };
  const positive = (flag: string, text: string | undefined) => {
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${flag} expects a positive number, got '${text}'`);
    return value;
  };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index]!;
    if (flag === '--duration') options.durationSeconds = Math.round(positive(flag, argv[++index]));
    else if (flag === '--warmup') options.warmupSeconds = Math.round(positive(flag, argv[++index]));
    else if (flag === '--threshold') options.thresholdMs = positive(flag, argv[++index]);
    else if (flag === '--config-extra') options.configExtra.push(argv[++index] ?? '');
    else if (flag === '--request-log') options.requestLogFields.push(argv[++index] ?? '');
    else if (flag === '--node-flag') options.nodeFlags.push(argv[++index] ?? '');
    else if (flag === '--json') options.json = true;
    else if (flag === '--stream') options.stream = true;
    else if (flag === '--probe') options.probeSeconds = Math.round(positive(flag, argv[++index]));
    else if (flag === '--target') {
      const target = argv[++index];
      if (target !== 'gateway' && target !== 'proxy') throw new Error(`--target expects gateway or proxy, got '${target}'`);
      options.target = target;
    }
    else throw new Error(`unknown option '${flag}' (see the header of bench/tail-latency.ts)`);
  }
  return options;
}

/** A wrk script that posts the chat body and appends "<send ms> <latency ms>" per response to `logFile`. */
function luaScript(logFile: string, stream: boolean): string {
  return `local ffi = require("ffi")
ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } bench_timespec; int clock_gettime(int clk_id, bench_timespec *tp); ]]
local ts = ffi.new("bench_timespec")
local function now() ffi.C.clock_gettime(1, ts); return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6 end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer ${BENCH_CLIENT_KEY}"
wrk.body = [[${chatRequestBody(stream)}]]
local formatted = nil
local sent = 0
local lines = {}
local file = io.open("${logFile}", "w")
request = function() if not formatted then formatted = wrk.format() end sent = now(); return formatted end
response = function(status, headers, body)
  lines[#lines + 1] = string.format("%.4f %.4f %d", sent, now() - sent, status)
  if #lines >= 500 then file:write(table.concat(lines, "\\n"), "\\n"); file:flush(); lines = {} end
end
done = function(summary, latency, requests)
  io.write(string.format("wrk %.1f %.4f %.4f %.4f\\n", summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000))
end
`;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))] ?? Number.NaN;

interface Breakdown {
  wrk: { requestsPerSecond: number; p50Ms: number; p99Ms: number; p999Ms: number };
  client: { requests: number; intervalMs: number; rawP99Ms: number; correctedP99Ms: number };
  gcs: { minorPerSecond: number; minorMeanMs: number; majorCount: number; majorMeanMs: number };
  thresholdMs: number;
  samplesAbove: number;
  /** Corrected samples above the threshold that p99 can absorb (1% of all samples). */
  budget: number;
  byCause: Record<string, number>;
}

interface Timeline {
  /** [start ms, duration ms, kind] on CLOCK_MONOTONIC. */
  gcs: Array<[number, number, number]>;
  /** [start ms, duration ms]. */
  requests: Array<[number, number]>;
}

function analyse(wrkLine: string, clientLog: string, timeline: Timeline, upstreamGcs: Timeline['gcs'], thresholdMs: number): Breakdown {
  const [, rps, p50, p99, p999] = wrkLine.trim().split(/\s+/).map(Number);
  // The first second is the tail of start-up; what wrk wrote last may be cut off.
  const client = clientLog.trim().split('\n').map((line) => line.split(' ').map(Number) as [number, number, number]).filter(([, , status]) => status === 200);
  const start = (client[0]?.[0] ?? 0) + 1000;
  const rows = client.filter(([sent]) => sent >= start);
  if (rows.length < 100) throw new Error(`too few requests logged (${rows.length}): is the gateway answering 200?`);
  const intervalMs = (rows.at(-1)![0] - rows[0]![0]) / rows.length;
  const corrected: number[] = [];
  for (const [, latency] of rows) {
    corrected.push(latency);
    for (let value = latency - intervalMs; value >= intervalMs; value -= intervalMs) corrected.push(value);
  }
  corrected.sort((left, right) => left - right);
  const raw = rows.map(([, latency]) => latency).sort((left, right) => left - right);
  const gcs = timeline.gcs.filter(([at]) => at >= start && at <= rows.at(-1)![0]);
  const seconds = (rows.at(-1)![0] - rows[0]![0]) / 1000;
  const minor = gcs.filter(([, , kind]) => kind === KIND_MINOR);
  const major = gcs.filter(([, , kind]) => kind === KIND_MAJOR);
  // Where a slow request without a GC spent its time, from the gateway's own record of it: before node
  // emitted 'request' (the event loop was busy elsewhere, or the kernel/client was slow to deliver), in
  // the handler, or after 'finish' (delivery back to the client).
  const handled = [...timeline.requests].sort((left, right) => left[0] - right[0]);
  const phaseOf = (sent: number, latency: number): string => {
    let low = 0;
    let high = handled.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (handled[middle]![0] < sent) low = middle + 1;
      else high = middle;
    }
    const match = handled[low];
    if (!match || match[0] > sent + latency) return 'gateway has no record';
    const before = match[0] - sent;
    const inside = match[1];
    const after = latency - before - inside;
    const longest = Math.max(before, inside, after);
    return longest === before ? 'mostly before the handler' : longest === inside ? 'mostly in the handler' : 'mostly after the response';
  };
  const byCause: Record<string, number> = {};
  let samplesAbove = 0;
  for (const [sent, latency] of rows) {
    if (latency <= thresholdMs) continue;
    const samples = 1 + Math.floor((latency - thresholdMs) / intervalMs);
    const overlapping = gcs.filter(([at, duration]) => at < sent + latency && at + duration > sent);
    const upstreamPaused = upstreamGcs.some(([at, duration]) => at < sent + latency && at + duration > sent);
    const cause = overlapping.some(([, , kind]) => kind === KIND_MAJOR)
      ? 'full GC'
      : overlapping.length > 0
        ? 'young GC'
        : upstreamPaused
          ? 'upstream GC (not the gateway)'
          : `no GC, ${phaseOf(sent, latency)}`;
    const size = latency > 5 ? '> 5 ms' : latency > 2 ? '2–5 ms' : `${thresholdMs}–2 ms`;
    byCause[`${cause}, requests of ${size}`] = (byCause[`${cause}, requests of ${size}`] ?? 0) + samples;
    samplesAbove += samples;
  }
  const mean = (values: number[]) => (values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length);
  return {
    wrk: { requestsPerSecond: rps!, p50Ms: p50!, p99Ms: p99!, p999Ms: p999! },
    client: { requests: rows.length, intervalMs, rawP99Ms: percentile(raw, 0.99), correctedP99Ms: percentile(corrected, 0.99) },
    gcs: { minorPerSecond: minor.length / seconds, minorMeanMs: mean(minor.map(([, duration]) => duration)), majorCount: major.length, majorMeanMs: mean(major.map(([, duration]) => duration)) },
    thresholdMs,
    samplesAbove,
    budget: Math.floor(corrected.length / 100),
    byCause,
  };
}

function format(result: Breakdown): string {
  const lines = [
    `wrk: ${Math.round(result.wrk.requestsPerSecond)} req/s, p50 ${result.wrk.p50Ms.toFixed(2)} ms, p99 ${result.wrk.p99Ms.toFixed(2)} ms, p99.9 ${result.wrk.p999Ms.toFixed(2)} ms (coordinated-omission corrected)`,
    `client log: ${result.client.requests} requests, one every ${result.client.intervalMs.toFixed(3)} ms; p99 uncorrected ${result.client.rawP99Ms.toFixed(2)} ms, corrected ${result.client.correctedP99Ms.toFixed(2)} ms`,
    `GCs: ${result.gcs.minorPerSecond.toFixed(1)} young per second at ${result.gcs.minorMeanMs.toFixed(2)} ms; ${result.gcs.majorCount} full at ${result.gcs.majorMeanMs.toFixed(1)} ms`,
    `corrected samples above ${result.thresholdMs} ms: ${result.samplesAbove} (p99 absorbs ${result.budget})`,
    '',
    '| slow requests: what overlapped them | corrected samples above the threshold |',
    '|---|---:|',
    ...Object.entries(result.byCause)
      .sort((left, right) => right[1] - left[1])
      .map(([cause, samples]) => `| ${cause} | ${samples} |`),
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (!wrkInstalled()) throw new Error('wrk is not installed: apt-get install wrk');
  installCleanup();
  const directory = mkdtempSync(join(tmpdir(), 'switchyard-tail-'));
  process.on('exit', () => rmSync(directory, { recursive: true, force: true }));
  const progress = (line: string) => (options.json ? process.stderr : process.stdout).write(`${line}\n`);

  // The upstream records its GCs too: a pause there lengthens a request without the gateway pausing.
  const upstreamTimelineFile = join(directory, 'upstream-timeline.json');
  const upstream = startPinned(1, process.execPath, ['--import', 'tsx', '--import', join(ROOT, 'bench/tail-instrument.mjs'), join(ROOT, 'bench/zero-latency-upstream.ts')], {
    name: 'zero-latency upstream',
    env: { ...process.env, TAIL_TIMELINE: upstreamTimelineFile },
  });
  const upstreamPort = Number(await waitForLine(upstream, /listening (\d+)/, 20_000));
  // Before the gateway starts, so the probe has core 0 to itself: what this stretch of the VM takes.
  const coreStalls = await probeCoreStalls(0, options.probeSeconds);
  progress(formatStalls(coreStalls));
  const configFile = join(directory, 'switchyard.yaml');
  writeFileSync(configFile, benchGatewayConfig(upstreamPort, directory, options.configExtra, options.requestLogFields));
  const port = await freePort();
  const timelineFile = join(directory, 'timeline.json');
  const command =
    options.target === 'gateway'
      ? [join(ROOT, 'bin/switchyard.js'), 'serve', '--config', configFile, '--port', String(port)]
      : ['--import', 'tsx', join(ROOT, 'bench/bare-proxy.ts'), '--upstream', String(upstreamPort), '--port', String(port)];
  const gateway = startPinned(0, process.execPath, [...options.nodeFlags, '--import', join(ROOT, 'bench/tail-instrument.mjs'), ...command], {
    name: options.target === 'gateway' ? 'gateway' : 'bare proxy',
    env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'production', TAIL_TIMELINE: timelineFile },
  });
  const url = `http://127.0.0.1:${port}/v1/chat/completions`;
  if (options.target === 'gateway') await waitForHealthy(`http://127.0.0.1:${port}/healthz`, 20_000, gateway.exited);
  else await waitForLine(gateway, /listening (\d+)/, 20_000);
  const wrk = (seconds: number, script: string) => runChild('taskset', ['-c', '1', 'wrk', '-t1', '-c1', `-d${seconds}s`, '-s', script, url]);
  const warmupScript = join(directory, 'warmup.lua');
  writeFileSync(warmupScript, luaScript(join(directory, 'warmup.log'), options.stream));
  progress(`warming up for ${options.warmupSeconds} s, then measuring for ${options.durationSeconds} s at one connection`);
  await wrk(options.warmupSeconds, warmupScript);
  const clientLog = join(directory, 'client.log');
  const script = join(directory, 'measure.lua');
  writeFileSync(script, luaScript(clientLog, options.stream));
  const run = await wrk(options.durationSeconds, script);
  const wrkLine = run.stdout.split('\n').find((line) => line.startsWith('wrk '));
  if (wrkLine === undefined) throw new Error(`wrk printed no summary: ${run.stderr.trim() || run.stdout.trim()}`);
  gateway.child.kill('SIGUSR2');
  await waitForLine(gateway, /timeline written/, 10_000);
  upstream.child.kill('SIGUSR2');
  await waitForLine(upstream, /timeline written/, 10_000);
  const upstreamTimeline = JSON.parse(readFileSync(upstreamTimelineFile, 'utf8')) as Timeline;
  const result = analyse(wrkLine, readFileSync(clientLog, 'utf8'), JSON.parse(readFileSync(timelineFile, 'utf8')) as Timeline, upstreamTimeline.gcs, options.thresholdMs);
  await gateway.stop();
  await upstream.stop();
  process.stdout.write(options.json ? `${JSON.stringify(Object.assign(result, { coreStalls }), null, 2)}\n` : `${format(result)}\n`);
}

main().then(
  () => {
    killAllChildren();
    process.exit(0);
  },
  (error: unknown) => {
    killAllChildren();
    process.stderr.write(`bench:tail failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
    process.exit(1);
  },
);
