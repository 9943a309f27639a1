/**
 * `npx tsx bench/overhead-ab.ts --base <checkout>`: is this build faster than another one?
 *
 * This VM's speed drifts by 10–20% between minutes, so two `bench:overhead` runs taken one after the
 * other cannot tell a 5% change from noise. Here both gateways run at once, pinned to the same
 * core (core 0) against one zero-latency upstream (core 1), and short wrk runs alternate between
 * them in ABBA order; each pair is compared by its ratio, so drift slower than a pair cancels out.
 * `<checkout>` is another built copy of the project, e.g.
 * `git worktree add /tmp/perf-base HEAD && ln -s $PWD/node_modules /tmp/perf-base/ && (cd /tmp/perf-base && npx tsc -p tsconfig.build.json)`.
 *
 * Options: --base <dir> (required)  --candidate <dir> (this checkout)  --rounds <n> (8)
 *          --duration <s> (5)  --connections <n> (64)  --stream  --json
 *          --sessions <n> (2: both gateways are restarted this many times, in alternating order)
 *          --candidate-node-flags '<flags>' (node flags for the candidate only, e.g. '--max-semi-space-size=32')
 *          --max-other-load <percent> (10: pairs during which other processes took more of core 0 are left out)
 *          --together (load both gateways at once, each with its own wrk: they share core 0 and every
 *                      disturbance, so CPU per request compares closely; absolute figures are lower)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchGatewayConfig } from './bench-gateway-config.js';
import { coreBusyMs, freePort, installCleanup, killAllChildren, processCpuMs, startPinned, waitForHealthy, waitForLine, type LongRunningChild } from './child-processes.js';
import { validateCompletion, validateStream } from './validate-answers.js';
import { errorCount, median, runWrk, writeWrkScript } from './wrk.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const GATEWAY_CORE = 0;
const LOAD_CORE = 1;

interface Options {
  base: string;
  candidate: string;
  rounds: number;
  durationSeconds: number;
  connections: number;
  stream: boolean;
  json: boolean;
  /** Pairs with more of core 0 taken by other processes than this are left out of the summary. */
  maxOtherLoad: number;
  /** Flags for node running the candidate (e.g. a V8 heap setting), to compare runtime settings. */
  candidateNodeFlags: string[];
  /** Times both gateways are started afresh; the rounds are spread over them. */
  sessions: number;
  /** Load both gateways at the same time (they share core 0), so both see the same interference. */
  together: boolean;
}

type Side = 'base' | 'candidate';
type Gateway = { process: LongRunningChild; url: string };

interface Sample {
  requestsPerSecond: number;
  cpuMsPerRequest: number;
  p50Ms: number;
  p99Ms: number;
  /** Share of core 0's time taken by other processes during the run (other sessions' tests...). */
  otherLoad: number;
}

function positive(flag: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} expects a positive integer, got '${text}'`);
  return value;
}

function parseOptions(argv: string[]): Options {
  const options: Partial<Options> & Omit<Options, 'base'> = { candidate: ROOT, rounds: 8, durationSeconds: 5, connections: 64, stream: false, json: false, maxOtherLoad: 0.1, together: false, sessions: 2, candidateNodeFlags: [] };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index]!;
    if (flag === '--base') options.base = resolve(argv[++index] ?? '');
    else if (flag === '--candidate') options.candidate = resolve(argv[++index] ?? '');
    else if (flag === '--rounds') options.rounds = positive(flag, argv[++index]);
    else if (flag === '--duration') options.durationSeconds = positive(flag, argv[++index]);
    else if (flag === '--connections') options.connections = positive(flag, argv[++index]);
    else if (flag === '--stream') options.stream = true;
    else if (flag === '--json') options.json = true;
    else if (flag === '--together') options.together = true;
    else if (flag === '--candidate-node-flags') options.candidateNodeFlags = (argv[++index] ?? '').split(' ').filter((part) => part !== '');
    else if (flag === '--sessions') options.sessions = positive(flag, argv[++index]);
    else if (flag === '--max-other-load') options.maxOtherLoad = positive(flag, argv[++index]) / 100;
    else throw new Error(`unknown option '${flag}' (see the header of bench/overhead-ab.ts)`);
  }
  if (options.base === undefined) throw new Error('--base <dir> is required: a built checkout to compare against');
  return { ...options, base: options.base };
}

async function startGateway(root: string, nodeFlags: string[], upstreamPort: number, directory: string): Promise<Gateway> {
  const configFile = join(directory, 'switchyard.yaml');
  // The same configuration as bench/overhead.ts: request log on SQLite, metrics and costing on.
  writeFileSync(configFile, benchGatewayConfig(upstreamPort, directory));
  const port = await freePort();
  const gateway = startPinned(GATEWAY_CORE, process.execPath, [...nodeFlags, join(root, 'bin/switchyard.js'), 'serve', '--config', configFile, '--port', String(port), '--host', '127.0.0.1'], {
    name: `gateway from ${root}`,
    env: { ...process.env, LOG_LEVEL: 'warn', NODE_ENV: 'production' },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealthy(`${url}/healthz`, 20_000, gateway.exited);
  return { process: gateway, url };
}

async function measure(gateway: Gateway, options: Options, scriptFile: string, seconds: number): Promise<Sample> {
  const cpuBefore = processCpuMs(gateway.process.pid);
  const coreBefore = coreBusyMs(GATEWAY_CORE);
  const result = await Promise.race([
    runWrk({ url: `${gateway.url}/v1/chat/completions`, connections: options.connections, durationSeconds: seconds, scriptFile, core: LOAD_CORE }),
    gateway.process.exited,
  ]);
  const cpuMs = processCpuMs(gateway.process.pid) - cpuBefore;
  const otherMs = Math.max(0, coreBusyMs(GATEWAY_CORE) - coreBefore - cpuMs);
  if (errorCount(result) > 0) throw new Error(`${gateway.url}: ${errorCount(result)} errors during a run`);
  return { requestsPerSecond: result.requestsPerSecond, cpuMsPerRequest: cpuMs / result.requests, p50Ms: result.p50Ms, p99Ms: result.p99Ms, otherLoad: otherMs / (result.durationSeconds * 1000) };
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** Both gateways under load at once; other load is what neither of them used of core 0. */
async function measureTogether(pair: Gateway[], options: Options, scriptFile: string): Promise<Sample[]> {
  const run = (gateway: Gateway, seconds: number) =>
    Promise.race([
      runWrk({ url: `${gateway.url}/v1/chat/completions`, connections: options.connections, durationSeconds: seconds, scriptFile, core: LOAD_CORE }),
      gateway.process.exited,
    ]);
  await Promise.all(pair.map((gateway) => run(gateway, 1)));
  const cpuBefore = pair.map((gateway) => processCpuMs(gateway.process.pid));
  const coreBefore = coreBusyMs(GATEWAY_CORE);
  const results = await Promise.all(pair.map((gateway) => run(gateway, options.durationSeconds)));
  const cpuMs = pair.map((gateway, index) => processCpuMs(gateway.process.pid) - cpuBefore[index]!);
  const otherMs = Math.max(0, coreBusyMs(GATEWAY_CORE) - coreBefore - cpuMs.reduce((sum, value) => sum + value, 0));
  return results.map((result, index) => {
    if (errorCount(result) > 0) throw new Error(`${pair[index]!.url}: ${errorCount(result)} errors during a run`);
    return {
      requestsPerSecond: result.requestsPerSecond,
      cpuMsPerRequest: cpuMs[index]! / result.requests,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      otherLoad: otherMs / (result.durationSeconds * 1000),
    };
  });
}

function report(options: Options, round: number, name: string, sample: Sample): void {
  progress(
    options,
    `round ${round + 1}/${options.rounds} ${name.padEnd(9)} ${Math.round(sample.requestsPerSecond)} req/s, ${sample.cpuMsPerRequest.toFixed(3)} ms CPU/req, p50 ${sample.p50Ms.toFixed(2)} ms, p99 ${sample.p99Ms.toFixed(2)} ms, other load on core ${GATEWAY_CORE} ${Math.round(sample.otherLoad * 100)}%`,
  );
}

function progress(options: Options, line: string): void {
  (options.json ? process.stderr : process.stdout).write(`${line}\n`);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  installCleanup();
  const temporary = mkdtempSync(join(tmpdir(), 'switchyard-ab-'));
  process.on('exit', () => rmSync(temporary, { recursive: true, force: true }));
  const scriptFile = writeWrkScript(temporary, options.stream);
  const upstream = startPinned(LOAD_CORE, process.execPath, ['--import', 'tsx', join(ROOT, 'bench/zero-latency-upstream.ts')], { name: 'zero-latency upstream' });
  const upstreamPort = Number(await waitForLine(upstream, /listening (\d+)/, 20_000));
  const samples: Record<Side, Sample[]> = { base: [], candidate: [] };
  // Each session starts both gateways afresh, in alternating order: a process that happens to be
  // luckier (memory layout, JIT decisions, which started first) is not always the same side.
  let round = 0;
  for (let session = 0; session < options.sessions; session++) {
    const startOrder: Side[] = session % 2 === 0 ? ['base', 'candidate'] : ['candidate', 'base'];
    const gateways = {} as Record<Side, Gateway>;
    for (const side of startOrder) gateways[side] = await startGateway(options[side], side === 'candidate' ? options.candidateNodeFlags : [], upstreamPort, mkdtempSync(join(temporary, `${side}-`)));
    for (const side of startOrder) {
      await (options.stream ? validateStream : validateCompletion)(`${gateways[side].url}/v1/chat/completions`, side);
      await measure(gateways[side], options, scriptFile, 4);
    }
    const rounds = Math.ceil((options.rounds * (session + 1)) / options.sessions) - round;
    for (let index = 0; index < rounds; index++, round++) {
      // ABBA: a steady drift within the round weighs on both sides equally (and, loaded together, which wrk starts first).
      const order: Side[] = round % 2 === 0 ? ['base', 'candidate'] : ['candidate', 'base'];
      if (options.together) {
        const measured = await measureTogether(order.map((side) => gateways[side]), options, scriptFile);
        order.forEach((side, position) => {
          samples[side].push(measured[position]!);
          report(options, round, side, measured[position]!);
        });
        continue;
      }
      for (const side of order) {
        await measure(gateways[side], options, scriptFile, 1);
        const sample = await measure(gateways[side], options, scriptFile, options.durationSeconds);
        samples[side].push(sample);
        report(options, round, side, sample);
      }
    }
    for (const side of startOrder) await gateways[side].process.stop();
  }
  // A pair during which other processes took the gateway's core (another test run) says little.
  const clean = samples.base.flatMap((sample, index) => (Math.max(sample.otherLoad, samples.candidate[index]!.otherLoad) <= options.maxOtherLoad ? [index] : []));
  const kept = clean.length > 0 ? clean : samples.base.map((_, index) => index);
  if (clean.length < samples.base.length) progress(options, `${samples.base.length - clean.length} of ${samples.base.length} pairs had over ${Math.round(options.maxOtherLoad * 100)}% other load on core ${GATEWAY_CORE}${clean.length > 0 ? ' and are left out' : '; all kept'}`);
  const ratios = (metric: keyof Sample) => kept.map((index) => samples.candidate[index]![metric] / samples.base[index]![metric]);
  const summary = Object.fromEntries(
    (['requestsPerSecond', 'cpuMsPerRequest', 'p50Ms', 'p99Ms'] as const).map((metric) => [
      metric,
      {
        base: mean(kept.map((index) => samples.base[index]![metric])),
        candidate: mean(kept.map((index) => samples.candidate[index]![metric])),
        ratios: ratios(metric),
        medianRatio: median(ratios(metric)),
      },
    ]),
  );
  const document = { benchmark: 'overhead-ab', mode: options.together ? 'together' : 'alternating', scenario: options.stream ? 'streaming' : 'non-streaming', connections: options.connections, base: options.base, candidate: options.candidate, samples, summary };
  if (options.json) process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  else {
    for (const [metric, { base, candidate, ratios: pairs, medianRatio }] of Object.entries(summary)) {
      process.stdout.write(
        `${metric.padEnd(18)} base ${base.toFixed(3).padStart(9)}  candidate ${candidate.toFixed(3).padStart(9)}  candidate/base median ${medianRatio.toFixed(3)} (pairs ${pairs.map((ratio) => ratio.toFixed(3)).join(' ')})\n`,
      );
    }
  }
  await upstream.stop();
}

main().then(
  () => {
    killAllChildren();
    process.exit(0);
  },
  (error: unknown) => {
    killAllChildren();
    process.stderr.write(`bench overhead-ab failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
    process.exit(1);
  },
);
