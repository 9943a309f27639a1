import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommandInProcess } from '../../test/support/run-cli.js';
import { loadConfigText } from '../core/config/load-config.js';
import type { GateRecord } from '../core/evaluation/evaluation-records.js';
import { hashEvalSetFile } from '../evals/gating/eval-set-identity.js';
import { modelVersionOf } from '../evals/gating/model-version.js';
import { openEvaluationStore } from '../store/evaluation/open-evaluation-store.js';
import { registerRegistryCommands } from './registry-command.js';
import { openSqliteRequestLogStore } from '../store/sqlite/open-sqlite-request-log-store.js';
import { KyselyGovernanceStore } from '../store/governance/kysely-governance-store.js';

/** `registry check --gates`: an approved model needs a passing gate on each gated workload's set, for its current version. */
const directory = mkdtempSync(join(tmpdir(), 'switchyard-check-gates-'));
const setFile = join(directory, 'support.jsonl');
writeFileSync(setFile, '{"id":"1","prompt":"2+2?","expected":"4"}\n');
const configText = `providers:
  local: { type: simulated }
models:
  small:
    deployments: [{ provider: local, model: small-1, version: "2026-01" }]
workloads:
  support:
    route: { model: small }
    evaluation:
      eval_set: { path: support.jsonl }
storage: { type: sqlite, path: "${directory}/switchyard.db" }
`;
const configFile = join(directory, 'switchyard.yaml');
writeFileSync(configFile, configText);

const run = (...argv: string[]) => runCommandInProcess((program) => registerRegistryCommands(program), argv);

describe('switchyard registry check --gates', () => {
  it('fails for an approved model without a passing gate, and passes once one is recorded for its version', async () => {
    const before = await run('registry', 'check', '--gates', '--config', configFile, '--json');
    expect(before.code).toBe(1);
    const report = JSON.parse(before.stdout) as { ok: boolean; ungated: Array<{ model: string; workload: string; state: string; command: string }> };
    expect(report.ok).toBe(false);
    expect(report.ungated).toEqual([expect.objectContaining({ model: 'small', workload: 'support', state: 'missing', command: expect.stringContaining('eval gate --workload support --candidate small') })]);

    const config = loadConfigText(configText, configFile, { env: {} });
    const opened = await openEvaluationStore(config.storage);
    const gate: GateRecord = {
      id: 'gate-1',
      time: Date.now(),
      workload: 'support',
      setPath: 'support.jsonl',
      setHash: await hashEvalSetFile(setFile),
      candidate: 'small',
      candidateVersion: modelVersionOf(config, 'small'),
      baseline: 'big',
      baselineVersion: 'other',
      passed: true,
      mode: 'regression',
      maxDrop: 0.01,
      confidence: 0.95,
      bound: 0,
      meanDifference: 0,
      reason: 'pass',
      trigger: 'cli',
      actor: 'cli',
    };
    await opened.store.recordGate(gate);
    await opened.close();

    const after = await run('registry', 'check', '--gates', '--config', configFile, '--json');
    expect(JSON.parse(after.stdout)).toMatchObject({ ok: true, ungated: [] });
    expect(after.code).toBe(0);
  });

  it('judges approvals as the gateway enforces them: a model moved back to candidate through the admin API needs no gate', async () => {
    const liveDirectory = mkdtempSync(join(tmpdir(), 'switchyard-check-gates-live-'));
    writeFileSync(join(liveDirectory, 'support.jsonl'), '{"id":"1","prompt":"2+2?","expected":"4"}\n');
    const liveConfig = join(liveDirectory, 'switchyard.yaml');
    writeFileSync(liveConfig, configText.replace(`${directory}/switchyard.db`, `${liveDirectory}/switchyard.db`));
    const ungatedModels = async () => (JSON.parse((await run('registry', 'check', '--gates', '--config', liveConfig, '--json')).stdout) as { ungated: Array<{ model: string }> }).ungated.map((finding) => finding.model);
    expect(await ungatedModels()).toEqual(['small']);
    const store = openSqliteRequestLogStore({ path: join(liveDirectory, 'switchyard.db') });
    await store.migrate();
    await new KyselyGovernanceStore(store.database).setRegistryState({ model: 'small', lifecycle: 'candidate', reason: 'pending a gate', actor: 'admin', updatedAt: Date.now() });
    await store.close();
    expect(await ungatedModels()).toEqual([]);
  });
});
