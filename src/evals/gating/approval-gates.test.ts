import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTemporaryEvaluationStore, type TemporaryEvaluationStore } from '../../../test/support/temp-evaluation-store.js';
import { loadConfigText } from '../../core/config/load-config.js';
import type { ResolvedConfig } from '../../core/config/resolve-config.js';
import type { EvaluationStore, GateRecord } from '../../core/evaluation/evaluation-records.js';
import { checkApprovalGates, gateCommand, gateRequiredMessage } from './approval-gates.js';
import { hashEvalSetFile } from './eval-set-identity.js';
import { findUngatedApprovals } from './ungated-approvals.js';

const CONFIG = `
providers:
  sim: { type: simulated }
models:
  current: { deployments: [{ provider: sim, model: big }] }
  support-q4:
    registry: { lifecycle: candidate, lineage: { base_model: current, base_version: big, quantization_bits: 4 } }
    deployments: [{ provider: sim, model: big-q4, version: "2025-06-01" }]
workloads:
  support:
    route: { model: current, fallbacks: [support-q4] }
    evaluation: { eval_set: { path: sets/support.jsonl } }
  faq:
    route: { model: support-q4 }
  billing:
    route: { model: current }
    evaluation: { eval_set: { path: sets/billing.jsonl } }
`;

let directory: string;
let config: ResolvedConfig;
/** A real SQLite evaluation store, fresh for each test. */
let opened: TemporaryEvaluationStore;
let store: EvaluationStore;
let supportHash: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-approval-'));
  await mkdir(join(directory, 'sets'));
  await writeFile(join(directory, 'sets', 'support.jsonl'), '{"id":"a","prompt":"hi","expected":"hello"}\n');
  await writeFile(join(directory, 'sets', 'billing.jsonl'), '{"id":"b","prompt":"bill","expected":"paid"}\n');
  config = loadConfigText(CONFIG, join(directory, 'switchyard.yaml'), { env: {} });
  supportHash = await hashEvalSetFile(join(directory, 'sets', 'support.jsonl'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});
beforeEach(async () => {
  opened = await openTemporaryEvaluationStore();
  store = opened.store;
});
afterEach(async () => {
  await opened.close();
});

const VERSION = 'sim:big-q4@2025-06-01';
let sequence = 0;
function gateRecord(overrides: Partial<GateRecord> = {}): GateRecord {
  sequence += 1;
  return {
    id: `gate-${sequence}`,
    time: 1_000 + sequence,
    workload: 'support',
    setPath: join(directory, 'sets', 'support.jsonl'),
    setHash: supportHash,
    candidate: 'support-q4',
    candidateVersion: VERSION,
    baseline: 'current',
    baselineVersion: 'sim:big',
    passed: true,
    mode: 'regression',
    maxDrop: 0.01,
    confidence: 0.95,
    bound: 0,
    meanDifference: 0,
    reason: 'pass: test',
    trigger: 'cli',
    actor: 'cli',
    ...overrides,
  };
}

const check = (model = 'support-q4') => checkApprovalGates({ config, model, store });

describe('checkApprovalGates', () => {
  it('without gates, names each workload that needs one with its set and command, and those that need none', async () => {
    const result = await check();
    expect(result).toMatchObject({ model: 'support-q4', modelVersion: VERSION, satisfied: false, gateIds: [] });
    expect(result.workloads.map((status) => [status.workload, status.state, status.roles])).toEqual([
      ['faq', 'no_eval_set', ['primary']],
      ['support', 'missing', ['fallback']],
    ]);
    expect(gateRequiredMessage(result)).toBe(
      `Model 'support-q4' cannot be approved without a passing gate on the eval set of every workload that uses it (version ${VERSION}). ` +
        "workload 'support' (eval set sets/support.jsonl): no passing gate for this version of the model on the current contents of the set; run `switchyard eval gate --workload support --candidate support-q4`. " +
        'Workloads without an eval set need no gate: faq.',
    );
  });

  it('a passing gate on the same set contents and model version approves, and its id is reported', async () => {
    await store.recordGate(gateRecord({ id: 'good' }));
    const result = await check();
    expect(result.satisfied).toBe(true);
    expect(result.gateIds).toEqual(['good']);
    expect(result.workloads.find((status) => status.workload === 'support')).toMatchObject({ state: 'passed', gate: { id: 'good', baseline: 'current' }, evalSet: { configuredPath: 'sets/support.jsonl', hash: supportHash } });
    // A gate recorded with `--set` (no workload) counts when the contents match.
    await opened.close();
    opened = await openTemporaryEvaluationStore();
    store = opened.store;
    const { workload: _workload, ...withoutWorkload } = gateRecord({ id: 'by-set' });
    await store.recordGate(withoutWorkload);
    expect((await check()).gateIds).toEqual(['by-set']);
  });

  it('does not count a gate on another set, another version, another workload, or against the same version of itself', async () => {
    await store.recordGate(gateRecord({ setHash: 'f'.repeat(64) }));
    await store.recordGate(gateRecord({ candidateVersion: 'sim:big-q4@2025-01-01' }));
    await store.recordGate(gateRecord({ workload: 'billing' }));
    await store.recordGate(gateRecord({ baseline: 'support-q4', baselineVersion: VERSION }));
    await store.recordGate(gateRecord({ passed: false, candidate: 'current' }));
    const result = await check();
    expect(result.satisfied).toBe(false);
    expect(result.workloads.find((status) => status.workload === 'support')?.state).toBe('missing');
  });

  it('the newest gate decides: a later failure (a drift re-run) withdraws an earlier pass', async () => {
    await store.recordGate(gateRecord({ id: 'pass' }));
    await store.recordGate(gateRecord({ id: 'drift-fail', passed: false, trigger: 'drift', baseline: 'support-q4', baselineVersion: VERSION, reason: 'fail: mean difference -0.5000' }));
    const result = await check();
    expect(result.satisfied).toBe(false);
    expect(result.workloads.find((status) => status.workload === 'support')).toMatchObject({ state: 'failed', gate: { id: 'drift-fail' } });
    expect(gateRequiredMessage(result)).toContain("workload 'support' (eval set sets/support.jsonl): the newest gate for this version (drift-fail, drift) failed: fail: mean difference -0.5000; run `switchyard eval gate --workload support --candidate support-q4`.");
    // A passing drift re-run after it restores the earlier evidence (the self-comparison itself is not evidence).
    await store.recordGate(gateRecord({ id: 'drift-pass', trigger: 'drift', baseline: 'support-q4', baselineVersion: VERSION }));
    expect(await check()).toMatchObject({ satisfied: true, gateIds: ['pass'] });
  });

  it('needs every gated workload: a model in two gated workloads needs two gates', async () => {
    const result = await check('current');
    expect(result.workloads.filter((status) => status.state === 'missing').map((status) => status.workload)).toEqual(['billing', 'support']);
    expect(gateRequiredMessage(result)).toContain('--workload billing --candidate current');
    // 'current' is what both workloads route to: the command alone would fail without an earlier run, and the message says so.
    expect(gateRequiredMessage(result)).toContain(
      "run `switchyard eval gate --workload billing --candidate current` (current is already the workload's current model, so the gate compares it with its newest recorded run of an earlier version; where none was recorded, add --baseline <another model>)",
    );
    expect((await check('support-q4')).workloads.find((status) => status.workload === 'support')?.commandNote).toBeUndefined();
  });

  it('without a store or a readable set there is no evidence; an unused model needs no gate', async () => {
    expect((await checkApprovalGates({ config, model: 'support-q4', store: undefined })).workloads.find((status) => status.workload === 'support')).toMatchObject({ state: 'missing', detail: expect.stringContaining('no evaluation store') });
    const moved = loadConfigText(CONFIG.replace('sets/support.jsonl', 'sets/gone.jsonl'), join(directory, 'switchyard.yaml'), { env: {} });
    const unreadable = await checkApprovalGates({ config: moved, model: 'support-q4', store });
    expect(unreadable.workloads.find((status) => status.workload === 'support')?.state).toBe('set_unreadable');
    expect(gateRequiredMessage(unreadable)).toContain('its eval set cannot be read');
    const unused = loadConfigText(CONFIG.replace('fallbacks: [support-q4]', 'fallbacks: []').replace('route: { model: support-q4 }', 'route: { model: current }'), join(directory, 'switchyard.yaml'), { env: {} });
    expect(await checkApprovalGates({ config: unused, model: 'support-q4', store })).toMatchObject({ satisfied: true, workloads: [] });
  });

  it('quotes names a shell would split', () => {
    expect(gateCommand('support', 'meta/llama-3.1:8b')).toBe('switchyard eval gate --workload support --candidate meta/llama-3.1:8b');
    expect(gateCommand("bob's", 'a b')).toBe(`switchyard eval gate --workload 'bob'\\''s' --candidate 'a b'`);
  });
});

describe('findUngatedApprovals', () => {
  it('lists approved models without gate evidence, per workload, and skips candidates', async () => {
    const approvedEverywhere = { models: { current: { lifecycle: 'approved' as const }, 'support-q4': { lifecycle: 'approved' as const } } };
    const findings = await findUngatedApprovals({ config, registry: approvedEverywhere, store });
    expect(findings.map((finding) => [finding.model, finding.workload, finding.state])).toEqual([
      ['current', 'billing', 'missing'],
      ['current', 'support', 'missing'],
      ['support-q4', 'support', 'missing'],
    ]);
    expect(findings[2]!.message).toBe(
      `support-q4 is approved, but for version ${VERSION} on workload support's eval set sets/support.jsonl no passing gate is recorded; run \`switchyard eval gate --workload support --candidate support-q4\``,
    );
    await store.recordGate(gateRecord());
    const withGate = await findUngatedApprovals({ config, registry: { models: { ...approvedEverywhere.models, current: { lifecycle: 'candidate' } } }, store });
    expect(withGate).toEqual([]);
  });
});
