import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigText } from '../../core/config/load-config.js';
import type { ResolvedConfig } from '../../core/config/resolve-config.js';
import type { EvaluationAlert } from '../../core/evaluation/evaluation-api.js';
import { DriftTracker, versionPins } from '../../core/governance/drift/drift-tracker.js';
import { RequestPipeline } from '../../core/pipeline/request-pipeline.js';
import { buildGatewayRuntime, type GatewayRuntime } from '../../core/registry/gateway-runtime.js';
import type { EvalRunRecord, EvaluationStore, GateRecord } from '../../core/evaluation/evaluation-records.js';
import { openEvaluationStore, type OpenedEvaluationStore } from '../../store/evaluation/open-evaluation-store.js';
import { DriftRerunScheduler } from './drift-rerun-scheduler.js';
import { recordedSamples } from './recorded-eval-run.js';

const SET = fileURLToPath(new URL('../runner/__fixtures__/small-set.jsonl', import.meta.url));

/** `frontier` is gated by `support`'s set; `open-small` is used by a workload without one. */
function configYaml(frontierUpstream: string, rerunOnDrift = true): string {
  return `
providers:
  sim-open: { type: simulated }
  sim-closed: { type: simulated }
models:
  open-small:
    deployments: [{ id: open, provider: sim-open, model: llama-3.1-8b-instruct }]
  frontier:
    deployments: [{ id: closed, provider: sim-closed, model: ${frontierUpstream} }]
workloads:
  support:
    route: { model: frontier }
    evaluation:
      eval_set: { path: sets/support.jsonl, scorer: contains, gate: { max_drop: 0.01 }, rerun_on_drift: ${rerunOnDrift} }
  chat:
    route: { model: open-small }
`;
}

let directory: string;
let opened: OpenedEvaluationStore;
let store: EvaluationStore;
let alerts: EvaluationAlert[];
let logLines: Array<{ msg: string } & Record<string, unknown>>;
/** One clock for every scheduler of a test, so records sort in the order they were made. */
let clock: number;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-drift-rerun-'));
  await mkdir(join(directory, 'sets'));
  await copyFile(SET, join(directory, 'sets', 'support.jsonl'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});
beforeEach(async () => {
  opened = await openEvaluationStore({ type: 'sqlite', path: ':memory:' });
  store = opened.store;
  alerts = [];
  logLines = [];
  clock = 1_000;
});
afterEach(async () => {
  await opened.close();
});

/** What the store holds, oldest first. */
async function recorded(): Promise<{ runs: EvalRunRecord[]; gates: GateRecord[] }> {
  return { runs: (await store.listEvalRuns({ limit: 1000 })).reverse(), gates: (await store.listGates({ limit: 1000 })).reverse() };
}

function load(yaml: string): ResolvedConfig {
  return loadConfigText(yaml, join(directory, 'switchyard.yaml'), { env: {} });
}

/** A scheduler fed by a real DriftTracker, as start-gateway wires them. */
function gateway(config: ResolvedConfig) {
  const runtime: GatewayRuntime = buildGatewayRuntime(config);
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line) as { msg: string }) });
  const scheduler = new DriftRerunScheduler({ runtime: () => runtime, store, alerts: { raise: (alert) => void alerts.push(alert) }, logger, debounceMs: 0, now: () => (clock += 1) });
  const tracker = new DriftTracker({ pins: versionPins(config), onDrift: (event) => scheduler.onDrift(event) });
  return { scheduler, tracker };
}

describe('DriftRerunScheduler', () => {
  it('with no earlier run, records the run as the new reference and says so', async () => {
    const { scheduler, tracker } = gateway(load(configYaml('frontier-large')));
    tracker.observe('closed', 'frontier-xl');
    await scheduler.idle();
    expect((await recorded()).runs).toHaveLength(1);
    const run = (await recorded()).runs[0]!;
    expect(run).toMatchObject({ model: 'frontier', workload: 'support', trigger: 'drift', modelVersion: 'sim-closed:frontier-large', cases: 9, scored: 8, failed: 0, setPath: join(directory, 'sets', 'support.jsonl') });
    expect(run.setHash).toMatch(/^[0-9a-f]{64}$/);
    expect(recordedSamples(run)).toHaveLength(8);
    expect(run.report).toMatchObject({ cause: { drift: [{ deployment: 'closed', reportedModel: 'frontier-xl', kind: 'model_mismatch' }] } });
    expect((await recorded()).gates).toEqual([]);
    expect(alerts).toEqual([]);
    expect(scheduler.outcomes()).toEqual([{ model: 'frontier', setPath: run.setPath, runId: run.id, result: 'reference', gateIds: [], failedWorkloads: [] }]);
    expect(logLines.some((line) => line.msg.includes('recorded as the new reference'))).toBe(true);
  });

  it('gates a drifted version that got worse against the previous run, records the gate and raises an alert', async () => {
    const before = gateway(load(configYaml('frontier-large')));
    before.tracker.observe('closed', 'frontier-xl');
    await before.scheduler.idle();
    const reference = (await recorded()).runs[0]!;

    // The provider now serves another model behind the deployment: the answers stop naming frontier-large.
    const after = gateway(load(configYaml('llama-3.1-8b-instruct')));
    after.tracker.observe('closed', 'something-else');
    await after.scheduler.idle();

    expect((await recorded()).runs).toHaveLength(2);
    const rerun = (await recorded()).runs[1]!;
    expect(rerun.mean).toBeCloseTo(0.25, 12);
    expect((await recorded()).gates).toHaveLength(1);
    expect((await recorded()).gates[0]).toMatchObject({
      workload: 'support',
      candidate: 'frontier',
      candidateVersion: 'sim-closed:llama-3.1-8b-instruct',
      baseline: 'frontier',
      baselineVersion: 'sim-closed:frontier-large',
      passed: false,
      mode: 'regression',
      maxDrop: 0.01,
      trigger: 'drift',
      actor: 'gateway',
      candidateRunId: rerun.id,
      baselineRunId: reference.id,
      setHash: reference.setHash,
    });
    expect((await recorded()).gates[0]!.meanDifference).toBeCloseTo(-0.75, 12);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'drift_rerun_failed', workload: 'support', model: 'frontier', details: { gateId: (await recorded()).gates[0]!.id, deployments: ['closed'] } });
    expect(alerts[0]!.message).toMatch(/^Drift re-run of frontier on sets\/support\.jsonl for workload support failed its gate against the previous run: fail: mean difference -0\.7500/);
    expect(after.scheduler.outcomes()).toMatchObject([{ result: 'gated', failedWorkloads: ['support'] }]);
  });

  it('a drift that did not change the answers passes its gate without an alert', async () => {
    const config = load(configYaml('frontier-large'));
    const first = gateway(config);
    first.tracker.observe('closed', 'frontier-xl');
    await first.scheduler.idle();
    const second = gateway(config);
    second.tracker.observe('closed', 'frontier-xxl');
    await second.scheduler.idle();
    expect((await recorded()).gates).toMatchObject([{ passed: true, trigger: 'drift', candidateVersion: 'sim-closed:frontier-large', baselineVersion: 'sim-closed:frontier-large' }]);
    expect(alerts).toEqual([]);
  });

  it('coalesces a burst of drifts of one model into one run, one at a time', async () => {
    const { scheduler, tracker } = gateway(load(configYaml('frontier-large')));
    tracker.observe('closed', 'frontier-xl');
    tracker.observe('closed', 'frontier-xl', 'fp_1');
    tracker.observe('closed', 'frontier-xxl');
    await scheduler.idle();
    expect((await recorded()).runs).toHaveLength(1);
    expect(((await recorded()).runs[0]!.report as { cause: { drift: unknown[] } }).cause.drift).toHaveLength(3);
  });

  it('runs the re-runs of different models one at a time', async () => {
    const config = load(configYaml('frontier-large').replace('  chat:\n    route: { model: open-small }\n', '  chat:\n    route: { model: open-small }\n    evaluation: { eval_set: { path: sets/support.jsonl, scorer: contains } }\n'));
    const runtime = buildGatewayRuntime(config);
    const inFlight = new Map<string, number>();
    let overlapped = false;
    class CountingPipeline extends RequestPipeline {
      override async generate(request: Parameters<RequestPipeline['generate']>[0]) {
        inFlight.set(request.model, (inFlight.get(request.model) ?? 0) + 1);
        if ([...inFlight.values()].filter((count) => count > 0).length > 1) overlapped = true;
        try {
          // A few milliseconds per answer leave time for a second run to start if the scheduler allowed it.
          await new Promise((resolve) => setTimeout(resolve, 3));
          return await super.generate(request);
        } finally {
          inFlight.set(request.model, (inFlight.get(request.model) ?? 0) - 1);
        }
      }
    }
    const scheduler = new DriftRerunScheduler({ runtime: () => runtime, store, logger: pino({ level: 'silent' }), pipeline: new CountingPipeline(), debounceMs: 0, concurrency: 4 });
    const drift = (deployment: string) => ({ deployment, reportedModel: 'other', pinnedModel: 'x', firstSeen: 0, drift: { kind: 'model_mismatch' as const, reason: 'test' } });
    scheduler.onDrift(drift('closed'));
    scheduler.onDrift(drift('open'));
    await scheduler.idle();
    expect((await recorded()).runs.map((run) => run.model).sort()).toEqual(['frontier', 'open-small']);
    expect(overlapped).toBe(false);
  });

  it('re-runs nothing for a model no workload gates, or when rerun_on_drift is off', async () => {
    const plain = gateway(load(configYaml('frontier-large')));
    plain.tracker.observe('open', 'llama-4');
    await plain.scheduler.idle();
    const off = gateway(load(configYaml('frontier-large', false)));
    off.tracker.observe('closed', 'frontier-xl');
    await off.scheduler.idle();
    expect((await recorded()).runs).toEqual([]);
    expect(plain.scheduler.outcomes()).toEqual([]);
    expect(off.scheduler.outcomes()).toEqual([]);
  });

  it('alerts when the set cannot be run, and close() drops waiting re-runs', async () => {
    const broken = load(configYaml('frontier-large').replace('sets/support.jsonl', 'sets/missing.jsonl'));
    const { scheduler, tracker } = gateway(broken);
    tracker.observe('closed', 'frontier-xl');
    await scheduler.idle();
    expect(alerts).toMatchObject([{ kind: 'drift_rerun_failed', workload: 'support', model: 'frontier' }]);
    expect(alerts[0]!.message).toContain('could not run');
    expect(scheduler.outcomes()).toMatchObject([{ result: 'error', failedWorkloads: ['support'] }]);

    const runtime = buildGatewayRuntime(load(configYaml('frontier-large')));
    const waiting = new DriftRerunScheduler({ runtime: () => runtime, store, logger: pino({ level: 'silent' }), debounceMs: 60_000 });
    waiting.onDrift({ deployment: 'closed', reportedModel: 'x', pinnedModel: 'frontier-large', firstSeen: 0, drift: { kind: 'model_mismatch', reason: 'test' } });
    await waiting.close();
    await waiting.idle();
    expect((await recorded()).runs).toEqual([]);
  });
});
