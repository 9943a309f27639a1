/**
 * `npm run bench:faults`: how the gateway's resilience holds up under injected upstream faults.
 *
 * In this process: a fault-injecting primary upstream (20% 429s with Retry-After, 5% connection
 * resets, 2% hangs), a healthy fallback, and a pair of healthy but heavy-tailed upstreams (3% of
 * answers held back 400 ms), plus the load generator. The gateway runs as its own process
 * (`node bin/switchyard.js serve`, pinned to core 0; the npm script builds dist/ first).
 *
 * Three runs of --requests each: the faulty primary with its fallback; the heavy-tailed pair
 * without hedging; the same pair with hedging after p95. Every answer is checked (status, one
 * upstream's whole text, streams ending in [DONE]). Targets: 100% success with a healthy
 * fallback; hedging at least halves p99 against the heavy tail. Exit 1 with a one-line reason
 * when one is missed.
 *
 * Options: --requests <n> (3000)  --concurrency <n> (32)  --max-seconds <s> per run (120)  --json
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFaultInjectingUpstream, type FaultInjectingUpstream } from '../test/fakes/fault-injecting-upstream.js';
import { freePort, installCleanup, killAllChildren, startPinned, waitForHealthy, type LongRunningChild } from './child-processes.js';
import { runLoad, type LoadRequest } from './faults-load.js';
import { checkTargets, formatHistograms, formatTable, summarizeRun, type RunSummary } from './faults-report.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

interface Options {
  requests: number;
  concurrency: number;
  maxSeconds: number;
  json: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { requests: 3000, concurrency: 32, maxSeconds: 120, json: false };
  const positive = (flag: string, text: string | undefined) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} expects a positive whole number, got '${text}'`);
    return value;
  };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index]!;
    if (flag === '--requests') options.requests = positive(flag, argv[++index]);
    else if (flag === '--concurrency') options.concurrency = positive(flag, argv[++index]);
    else if (flag === '--max-seconds') options.maxSeconds = positive(flag, argv[++index]);
    else if (flag === '--json') options.json = true;
    else throw new Error(`unknown option '${flag}' (see the header of bench/faults.ts)`);
  }
  return options;
}

interface Upstreams {
  primary: FaultInjectingUpstream;
  fallback: FaultInjectingUpstream;
  tailA: FaultInjectingUpstream;
  tailB: FaultInjectingUpstream;
}

async function startUpstreams(): Promise<Upstreams> {
  const tail = { mix: {}, latency: { kind: 'spikes', baseMs: 2, share: 0.03, spikeMs: 400 } } as const;
  return {
    primary: await createFaultInjectingUpstream({ label: 'primary', seed: 11, mix: { 'rate-limit': 0.2, reset: 0.05, hang: 0.02 }, retryAfterMs: 200 }),
    fallback: await createFaultInjectingUpstream({ label: 'fallback', seed: 12 }),
    tailA: await createFaultInjectingUpstream({ label: 'tail-a', seed: 13, ...tail }),
    tailB: await createFaultInjectingUpstream({ label: 'tail-b', seed: 14, ...tail }),
  };
}

const DEPLOYMENTS = { primary: 'flaky/flaky-model', fallback: 'steady/steady-model', tailA: 'tail-a/tail-model', tailB: 'tail-b/tail-model' } as const;

function gatewayConfig(upstreams: Upstreams): string {
  const provider = (name: string, upstream: FaultInjectingUpstream) => `  ${name}:\n    type: openai\n    base_url: ${upstream.url}/v1\n    api_key: none\n`;
  return `# Written by bench/faults.ts.
providers:
${provider('flaky', upstreams.primary)}${provider('steady', upstreams.fallback)}${provider('tail-a', upstreams.tailA)}${provider('tail-b', upstreams.tailB)}models:
  primary-model:
    deployments: [{ provider: flaky, model: flaky-model }]
    fallbacks: [fallback-model]
  fallback-model:
    deployments: [{ provider: steady, model: steady-model }]
  tail-pair:
    load_balancing: ordered
    deployments: [{ provider: tail-a, model: tail-model }, { provider: tail-b, model: tail-model }]
resilience:
  retry: { max_attempts: 2, base_ms: 10, max_ms: 100, max_retry_after_ms: 1000 }
workloads:
  faulty:
    route: { model: primary-model }
    # A hang costs at most this; the spikes of the tail pair (400 ms) stay under the default (none).
    resilience: { timeouts: { first_token_ms: 300, total_ms: 800 } }
  tail-plain:
    route: { model: tail-pair }
  tail-hedged:
    route: { model: tail-pair }
    resilience: { hedge: { enabled: true, after: p95 } }
`;
}

async function startGatewayProcess(configFile: string): Promise<{ process: LongRunningChild; url: string }> {
  const port = await freePort();
  const gateway = startPinned(0, process.execPath, [join(ROOT, 'bin/switchyard.js'), 'serve', '--config', configFile, '--port', String(port), '--host', '127.0.0.1'], {
    name: 'gateway',
    env: { ...process.env, LOG_LEVEL: 'error', NODE_ENV: 'production' },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealthy(`${url}/healthz`, 20_000, gateway.exited);
  return { process: gateway, url };
}

/** Progress on stderr: a redrawn bar on a terminal, a line per 10% otherwise. */
function progressReporter(label: string): (done: number, total: number, failed: number) => void {
  const terminal = process.stderr.isTTY === true;
  let lastShown = -1;
  return (done, total, failed) => {
    const step = Math.floor((done / total) * (terminal ? 100 : 10));
    if (step === lastShown && done !== total) return;
    lastShown = step;
    const filled = Math.round((done / total) * 30);
    const text = `${label.padEnd(12)} [${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${String(done).padStart(6)}/${total}${failed ? `  ${failed} failed` : ''}`;
    if (terminal) process.stderr.write(`\r${text}${done === total ? '\n' : ''}`);
    else process.stderr.write(`${text}\n`);
  };
}

async function measure(
  options: Options,
  gatewayUrl: string,
  upstreams: Upstreams,
  run: { name: string; description: string; model: string; hedging: boolean; firstChoice: string },
  gateway: LongRunningChild,
): Promise<RunSummary> {
  const byDeployment: Record<string, FaultInjectingUpstream> = {
    [DEPLOYMENTS.primary]: upstreams.primary,
    [DEPLOYMENTS.fallback]: upstreams.fallback,
    [DEPLOYMENTS.tailA]: upstreams.tailA,
    [DEPLOYMENTS.tailB]: upstreams.tailB,
  };
  const build = (index: number): LoadRequest => ({ model: run.model, stream: index % 2 === 1, prompt: `${run.name} request ${index}` });
  const result = await Promise.race([
    runLoad({
      url: gatewayUrl,
      requests: options.requests,
      concurrency: options.concurrency,
      maxSeconds: options.maxSeconds,
      build,
      expectedText: (deployment, prompt) => byDeployment[deployment]?.answerText(prompt),
      onProgress: progressReporter(run.name),
    }),
    gateway.exited,
  ]);
  return summarizeRun(run.name, run.description, run.hedging, run.firstChoice, result);
}

function saveResults(document: object): string {
  const directory = join(ROOT, 'bench/results');
  mkdirSync(directory, { recursive: true });
  const file = join(directory, `faults-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  return file;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  installCleanup();
  const say = (line: string) => (options.json ? process.stderr : process.stdout).write(`${line}\n`);
  const temporary = mkdtempSync(join(tmpdir(), 'switchyard-bench-faults-'));
  process.on('exit', () => rmSync(temporary, { recursive: true, force: true }));

  const upstreams = await startUpstreams();
  const configFile = join(temporary, 'switchyard.yaml');
  writeFileSync(configFile, gatewayConfig(upstreams));
  const gateway = await startGatewayProcess(configFile);
  say(`gateway ${gateway.url} (pid ${gateway.process.pid}, core 0); ${options.requests} requests per run, ${options.concurrency} concurrent, half of them streaming`);

  // Warm the gateway (JIT, connection pools) and give each deployment a latency history, so the
  // p95 hedge trigger is trusted from the first measured request.
  await runLoad({
    url: gateway.url,
    requests: Math.min(400, options.requests),
    concurrency: options.concurrency,
    maxSeconds: 30,
    build: (index) => ({ model: 'workload/tail-plain', stream: index % 2 === 1, prompt: `warm-up ${index}` }),
    expectedText: () => undefined,
  });

  const runs: RunSummary[] = [];
  runs.push(
    await measure(options, gateway.url, upstreams, {
      name: 'faults',
      description: 'primary with 20% 429 (Retry-After 200 ms), 5% resets, 2% hangs; healthy fallback',
      model: 'workload/faulty',
      hedging: false,
      firstChoice: DEPLOYMENTS.primary,
    }, gateway.process),
  );
  runs.push(
    await measure(options, gateway.url, upstreams, {
      name: 'tail',
      description: 'healthy pair, 3% of answers held 400 ms',
      model: 'workload/tail-plain',
      hedging: false,
      firstChoice: DEPLOYMENTS.tailA,
    }, gateway.process),
  );
  runs.push(
    await measure(options, gateway.url, upstreams, {
      name: 'tail+hedge',
      description: 'the same pair, hedged to the second deployment after the first one’s p95',
      model: 'workload/tail-hedged',
      hedging: true,
      firstChoice: DEPLOYMENTS.tailA,
    }, gateway.process),
  );
  await gateway.process.stop();
  const faultCounts = upstreams.primary.counts.received;
  await Promise.all(Object.values(upstreams).map((upstream) => upstream.close()));

  const targets = checkTargets(runs[0]!, runs[1]!, runs[2]!);
  const allPassed = targets.every((target) => target.pass);
  const document = {
    benchmark: 'faults',
    timestamp: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model,
    cores: availableParallelism(),
    requestsPerRun: options.requests,
    concurrency: options.concurrency,
    primaryFaultsInjected: faultCounts,
    runs,
    targets,
    allPassed,
  };
  const file = saveResults(document);
  if (options.json) process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  else {
    say(`\n${formatTable(runs)}\n`);
    say('retries/req counts upstream attempts beyond the first (hedges included); fallback share is the share answered by a deployment other than the first choice.\n');
    say(`faults injected at the primary: ${Object.entries(faultCounts).filter(([, count]) => count > 0).map(([mode, count]) => `${mode} ${count}`).join(', ')}\n`);
    say(`${formatHistograms(runs)}\n`);
    for (const target of targets) say(`${target.pass ? 'PASS' : 'FAIL'}  ${target.target}: ${target.detail}`);
  }
  say(`results saved to ${file}`);
  const missed = targets.find((target) => !target.pass);
  if (missed) {
    process.stderr.write(`bench:faults: target missed: ${missed.target} (${missed.detail})\n`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    killAllChildren();
    process.exit(code);
  },
  (error: unknown) => {
    killAllChildren();
    process.stderr.write(`bench:faults failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
    process.exit(1);
  },
);
