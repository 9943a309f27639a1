import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../core/config/resolve-config.js';
import type { ExposureReport } from '../core/governance/exposure/compute-exposure.js';
import type { ExposureCatalogue } from '../core/governance/exposure/exposure-catalogue.js';
import { exposureDeployments } from '../core/governance/exposure/exposure-deployments.js';
import { workloadUsage } from '../core/governance/registry/workload-usage.js';
import { EXPOSURE_LOG, NOW, openMigrated } from '../store/governance/__fixtures__/governance-store-behaviour.js';
import { openSqliteRequestLogStore } from '../store/sqlite/open-sqlite-request-log-store.js';
import { runCommandInProcess } from '../../test/support/run-cli.js';
import { registerExposureCommand } from './exposure-command.js';

/** The registry's facts and usage index, with a stand-in policy: batch may only use self-hosted deployments. */
function catalogueOf(config: ResolvedConfig): ExposureCatalogue {
  return {
    deployments: exposureDeployments(config, (id) => config.registry.factsFor(id)),
    usage: workloadUsage(config),
    allows: (workload, facts) => workload !== 'batch' || facts.selfHosted,
  };
}

const register = (program: Command) => registerExposureCommand(program.command('registry'), { catalogueOf, now: () => NOW });
const runExposure = (args: string[]) => runCommandInProcess(register, ['registry', 'exposure', ...args, '--config', configFile]);

let directory: string;
let configFile: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-exposure-cli-'));
  const databasePath = join(directory, 'log.db');
  const { requestLog } = await openMigrated({ open: () => openSqliteRequestLogStore({ path: databasePath }) });
  await requestLog.insertBatch(EXPOSURE_LOG);
  await requestLog.close();
  configFile = join(directory, 'switchyard.yaml');
  await writeFile(
    configFile,
    `providers:
  openai: { type: openai, base_url: "http://127.0.0.1:9/v1", api_key: none }
  anthropic: { type: openai, base_url: "http://127.0.0.1:9/v1", api_key: none }
  local: { type: vllm, base_url: "http://127.0.0.1:9/v1" }
models:
  gpt-4o: { deployments: [{ id: openai/gpt-4o, provider: openai, model: gpt-4o-2024-08-06 }] }
  claude: { deployments: [{ id: anthropic/claude, provider: anthropic, model: claude-sonnet-4-20250514 }] }
  llama: { registry: { license: llama-3-community }, deployments: [{ id: local/llama, provider: local, model: llama-3.1-70b }] }
workloads:
  support: { route: { model: gpt-4o } }
  batch: { route: { model: llama } }
storage: { type: sqlite, path: "${databasePath}" }
`,
  );
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('switchyard registry exposure', () => {
  it('--json gives the workloads, their traffic and cost share, and alternatives', async () => {
    const result = await runExposure(['gpt-4o', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as ExposureReport;
    expect(report.target).toEqual({ kind: 'model', value: 'gpt-4o' });
    expect(report.deployments).toEqual(['openai/gpt-4o']);
    const support = report.workloads.find((row) => row.workload === 'support')!;
    expect(support).toMatchObject({ uses: [{ model: 'gpt-4o', role: 'primary', path: 'workloads.support.route.model' }], requests: 4, answeredByTarget: 2, trafficShare: 0.5, costUsd: 10, targetCostUsd: 2.5, costShare: 0.25 });
    expect(support.alternative).toEqual({ exists: true, deployments: ['anthropic/claude', 'local/llama'] });
    // batch only reaches gpt-4o through a judge call: cost but no answered traffic.
    expect(report.workloads.find((row) => row.workload === 'batch')).toMatchObject({ answeredByTarget: 0, targetCostUsd: 0.25, costShare: 0.125 });
  });

  it('prints a table, and looks the target up as a provider or licence', async () => {
    const byProvider = await runExposure(['local']);
    expect(byProvider.code).toBe(0);
    expect(byProvider.stdout).toContain('provider local: 1 model(s) [llama]');
    expect(byProvider.stdout).toMatch(/batch\s+primary llama\s+100\.0% \(2\/2\)/);
    const byLicense = await runExposure(['llama-3-community', '--days', '30', '--json']);
    expect(JSON.parse(byLicense.stdout)).toMatchObject({ target: { kind: 'license', value: 'llama-3-community' }, days: 30 });
  });

  it('reports a workload whose policy no approved deployment outside the target satisfies', async () => {
    const result = await runExposure(['llama', '--json']);
    const batch = (JSON.parse(result.stdout) as ExposureReport).workloads.find((row) => row.workload === 'batch')!;
    expect(batch.alternative).toEqual({ exists: false, deployments: [] });
    expect((await runExposure(['llama'])).stdout).toMatch(/batch .*NONE/);
  });

  it('fails with one line and exit 1 on an unknown target or a bad flag, before opening the database', async () => {
    const unknown = await runExposure(['gpt-5']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe("error: <target>: no configured model, provider or license 'gpt-5'.\n");
    const badDays = await runExposure(['gpt-4o', '--days', 'week', '--json']);
    expect(badDays.code).toBe(1);
    expect(JSON.parse(badDays.stdout)).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('--days') } });
    const badKind = await runExposure(['gpt-4o', '--kind', 'provider']);
    expect(badKind).toMatchObject({ code: 1, stderr: "error: <target>: no configured provider 'gpt-4o'.\n" });
  });
});
