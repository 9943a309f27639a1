import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runCommandInProcess } from '../../test/support/run-cli.js';
import { modelSchema } from '../core/config/config-schema.js';
import type { ResolvedConfig } from '../core/config/resolve-config.js';
import type { RegistryCheckReport } from '../core/governance/registry/registry-check.js';
import type { RegistryView } from '../core/governance/registry/registry-listing.js';
import { testFleet } from '../core/governance/registry/registry-test-fleet.js';
import { KyselyGovernanceStore } from '../store/governance/kysely-governance-store.js';
import { openSqliteRequestLogStore } from '../store/sqlite/open-sqlite-request-log-store.js';
import { registerRegistryCommands } from './registry-command.js';
import { loadConfigForCli } from './resolve-config-source.js';

// Configs with `registry:` blocks are built by hand (as the resolver would produce them), so these
// tests do not depend on where the config schema mounts the registry blocks.
vi.mock('./resolve-config-source.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./resolve-config-source.js')>();
  return { ...actual, loadConfigForCli: vi.fn(actual.loadConfigForCli) };
});

const DAY = 86_400_000;
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);

type Fleet = ReturnType<typeof testFleet>;

function useFleet(change: (fleet: Fleet) => void = () => {}): void {
  const fleet = testFleet();
  change(fleet);
  vi.mocked(loadConfigForCli).mockResolvedValueOnce({ config: { ...fleet, file: 'fleet.yaml' } as unknown as ResolvedConfig });
}

const run = (...argv: string[]) => runCommandInProcess((program) => registerRegistryCommands(program), argv);

const directory = mkdtempSync(join(tmpdir(), 'switchyard-registry-'));
const plainConfig = join(directory, 'plain.yaml');
writeFileSync(
  plainConfig,
  `
providers:
  local: { type: simulated }
models:
  small: { deployments: [{ provider: local, model: small }] }
workloads:
  chat: { route: { model: small } }
`,
);

describe('switchyard registry list', () => {
  it('prints every model and deployment with licence, data terms, lineage and users as JSON', async () => {
    useFleet();
    const result = await run('registry', 'list', '--json');
    expect(result.code).toBe(0);
    const view = JSON.parse(result.stdout) as RegistryView;
    const ft = view.models.find((model) => model.name === 'support-ft')!;
    expect(ft).toMatchObject({
      owner: 'support-team',
      openness: 'open_weights',
      lifecycle: 'approved',
      license: { key: 'llama-3.1-community', commercialUse: true, maxMonthlyActiveUsers: 700_000_000, attributionRequired: true },
      lineage: { baseModel: 'llama-8b', adapter: 'lora-support-v3', quantizationBits: 4, stale: false },
      deployments: ['gpu/support-ft'],
    });
    expect(ft.usedBy).toEqual([{ workload: 'support', role: 'primary', path: 'workloads.support.route.model', via: null }]);
    expect(view.deployments.find((deployment) => deployment.id === 'openai/gpt-4o-2024-08-06')).toMatchObject({
      providerType: 'openai',
      version: '2024-08-06',
      openness: 'closed',
      license: 'openai-api',
      owner: 'platform',
      dataHandling: { selfHosted: false, retentionDays: 30, zeroRetention: false, usedForTraining: false, regions: ['us'], certifications: ['soc2'] },
      workloads: ['support', 'batch'],
    });
  });

  it('prints tables as text', async () => {
    useFleet((fleet) => {
      fleet.models['llama-8b']!.registry = { license: 'llama-3.1-community', pinned_version: 'v2' };
    });
    const result = await run('registry', 'list');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^MODEL\s+LIFECYCLE\s+OPENNESS\s+LICENCE/);
    expect(result.stdout).toContain('llama-3.1-community (commercial, <=700M MAU)');
    expect(result.stdout).toContain('llama-8b@meta-llama/Llama-3.1-8B-Instruct STALE');
    expect(result.stdout).toMatch(/claude-eu\s+claude\s+anthropic\s+-\s+no\s+zero\s+unknown\s+eu/);
  });

  it('lists a config without registry blocks with defaults', async () => {
    const result = await run('registry', 'list', '--json', '-c', plainConfig);
    expect(result.code).toBe(0);
    const view = JSON.parse(result.stdout) as RegistryView;
    expect(view.models).toEqual([expect.objectContaining({ name: 'small', declared: false, lifecycle: 'approved', license: null, owner: null })]);
    expect(view.deployments[0]).toMatchObject({ id: 'local/small', dataHandling: { selfHosted: true, zeroRetention: true }, workloads: ['chat'] });
  });

  it('fails, naming the file, on a missing config', async () => {
    const result = await run('registry', 'list', '-c', join(directory, 'missing.yaml'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('missing.yaml');
    expect(result.stdout).toBe('');
  });
});

describe('switchyard registry check', () => {
  it('passes (exit 0) on a healthy fleet', async () => {
    useFleet();
    const result = await run('registry', 'check');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/registry check passed \(\d+ warnings?; deprecation limit 30 days/);
  });

  it('fails (exit 1) with a readable report', async () => {
    useFleet((fleet) => {
      fleet.models['gpt-4o']!.registry = { lifecycle: 'deprecated', deprecation_date: isoDay(10) };
    });
    const result = await run('registry', 'check');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^workload support:\n(  .*\n)*  FAIL gpt-4o \(fallback, cascade_tier\) deprecation_due: it is deprecated on \d{4}-\d{2}-\d{2} \(in 10 days; limit 30 days\)$/m);
    expect(result.stdout).toContain('registry check failed: 2 errors');
    expect(result.stderr).toBe('');
  });

  it('takes the deprecation horizon from --within-days', async () => {
    useFleet((fleet) => {
      fleet.models['gpt-4o']!.registry = { lifecycle: 'deprecated', deprecation_date: isoDay(10) };
    });
    const result = await run('registry', 'check', '--within-days', '5', '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as RegistryCheckReport;
    expect(report).toMatchObject({ ok: true, withinDays: 5, errors: 0 });
    expect(report.findings.map((finding) => finding.kind)).toContain('deprecated');
  });

  it('reports licence conflicts with the declared use as JSON, exit 1', async () => {
    useFleet((fleet) => {
      Object.assign(fleet.workloads['support']!, { policy: { use: { commercial: true, monthly_active_users: 150_000_000 } } });
    });
    const result = await run('registry', 'check', '--json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as RegistryCheckReport;
    expect(report.ok).toBe(false);
    expect(report.findings.filter((finding) => finding.severity === 'error')).toEqual([
      expect.objectContaining({ kind: 'license_user_threshold', workload: 'support', model: 'qwen-72b', roles: ['rule_target', 'agreement_model'] }),
    ]);
  });

  it('turns registry problems into a config error', async () => {
    useFleet((fleet) => {
      fleet.models['bare']!.registry = { license: 'no-such-licence' };
    });
    const result = await run('registry', 'check', '--json');
    expect(result.code).toBe(1);
    const output = JSON.parse(result.stdout) as { ok: boolean; error: { code: string; issues: Array<{ path: string }> } };
    expect(output.error.code).toBe('config_invalid');
    expect(output.error.issues[0]?.path).toBe('models.bare.registry.license');
  });

  it('rejects a bad --within-days in one line', async () => {
    const result = await run('registry', 'check', '--within-days', 'soon', '-c', plainConfig);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("error: --within-days: expected a whole number of days (0 or more), got 'soon'\n");
  });

  it('passes a config without registry blocks', async () => {
    const result = await run('registry', 'check', '--json', '-c', plainConfig);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, findings: [] });
  });

  // Runs once the config schema mounts `models.<name>.registry` (see the registry report).
  it.skipIf(!('registry' in modelSchema.shape))('fails on a retired model declared in YAML', async () => {
    const file = join(directory, 'retired.yaml');
    writeFileSync(
      file,
      `
providers:
  local: { type: simulated }
models:
  small: { registry: { lifecycle: retired, owner: ml-platform }, deployments: [{ provider: local, model: small }] }
workloads:
  chat: { route: { model: small } }
`,
    );
    const result = await run('registry', 'check', '-c', file);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("FAIL small (primary) retired: model 'small' is retired");
  });
});

describe('registry check and list see live lifecycle changes', () => {
  it('fail on a model retired through the admin API (stored in the configured database), as the gateway enforces it', async () => {
    const database = join(directory, 'live.db');
    const file = join(directory, 'live.yaml');
    writeFileSync(file, `${readFileSync(plainConfig, 'utf8')}storage: { type: sqlite, path: ${JSON.stringify(database)} }\n`);
    expect((await run('registry', 'check', '-c', file)).code).toBe(0);
    // A config whose database does not exist yet is checked without creating one.
    expect(existsSync(database)).toBe(false);
    const store = openSqliteRequestLogStore({ path: database });
    await store.migrate();
    await new KyselyGovernanceStore(store.database).setRegistryState({ model: 'small', lifecycle: 'retired', reason: 'provider shut it down', actor: 'admin', updatedAt: Date.now() });
    await store.close();
    const check = await run('registry', 'check', '-c', file);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("small (primary) retired");
    const list = JSON.parse((await run('registry', 'list', '--json', '-c', file)).stdout) as RegistryView;
    expect(list.models.find((model) => model.name === 'small')?.lifecycle).toBe('retired');
  });
});

describe('registry command group', () => {
  it('attaches extra subcommands', async () => {
    const seen: string[] = [];
    const result = await runCommandInProcess(
      (program) =>
        registerRegistryCommands(program, [
          (registry) => {
            registry.command('exposure <target>').action((target: string) => {
              seen.push(target);
            });
          },
        ]),
      ['registry', 'exposure', 'gpt-4o'],
    );
    expect(result.code).toBe(0);
    expect(seen).toEqual(['gpt-4o']);
  });
});
