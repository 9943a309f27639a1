import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../config/load-config.js';
import type { AuditEntryInput } from './audit-entry.js';
import { AuditRecorder } from './audit-recorder.js';
import { diffConfigs, isEmptyConfigDiff, summarizeConfigDiff, type DiffableConfig } from './diff-configs.js';

const previousYaml = `providers:
  local: { type: openai, base_url: "http://127.0.0.1:9/v1", api_key: first-secret }
  spare: { type: openai, base_url: "http://127.0.0.1:10/v1", api_key: none }
models:
  chat:
    deployments: [{ provider: local, model: gpt-4o }]
  old:
    deployments: [{ provider: local, model: gpt-3.5-turbo }]
workloads:
  support:
    route: { model: chat }
  batch:
    route: { model: old }
`;

const nextYaml = `providers:
  local: { type: openai, base_url: "http://127.0.0.1:9/v1", api_key: rotated-secret }
  spare: { type: openai, base_url: "http://127.0.0.1:10/v1", api_key: none }
models:
  chat:
    deployments: [{ provider: local, model: gpt-4o-2024-11-20 }]
  small:
    deployments: [{ provider: spare, model: gpt-4o-mini }]
workloads:
  support:
    route: { model: chat, fallbacks: [small] }
  batch:
    route: { model: small }
server: { port: 9999 }
`;

const previous = loadConfigText(previousYaml, 'switchyard.yaml', { env: {} });
const next = loadConfigText(nextYaml, 'switchyard.yaml', { env: {} });

/** `previousYaml` with a workload policy and a model registry block. */
function governed(policy: string, registry: string): DiffableConfig {
  const yaml = previousYaml
    .replace('  chat:\n    deployments', `  chat:\n    registry: ${registry}\n    deployments`)
    .replace('  support:\n    route: { model: chat }', `  support:\n    route: { model: chat }\n    policy: ${policy}`);
  return loadConfigText(yaml, 'switchyard.yaml', { env: {} });
}

describe('diffConfigs', () => {
  it('names the models, deployments, workloads and providers added, removed and changed, with the fields', () => {
    const diff = diffConfigs(previous, next);
    expect(diff.models).toEqual({ added: ['small'], removed: ['old'], changed: [{ name: 'chat', fields: ['deployments'] }] });
    expect(diff.deployments.added).toEqual(['local/gpt-4o-2024-11-20', 'spare/gpt-4o-mini']);
    expect(diff.deployments.removed).toEqual(['local/gpt-3.5-turbo', 'local/gpt-4o']);
    expect(diff.workloads).toEqual({
      added: [],
      removed: [],
      changed: [
        { name: 'batch', fields: ['model'] },
        { name: 'support', fields: ['fallbacks'] },
      ],
    });
    // A rotated key is a change; its value is nowhere in the diff.
    expect(diff.providers).toEqual({ added: [], removed: [], changed: [{ name: 'local', fields: ['api_key'] }] });
    expect(JSON.stringify(diff)).not.toMatch(/secret/);
    expect(diff.settings).toEqual(['server']);
    expect(isEmptyConfigDiff(diff)).toBe(false);
  });

  it('finds nothing between equal configs, even ones loaded separately', () => {
    const diff = diffConfigs(previous, loadConfigText(previousYaml, 'switchyard.yaml', { env: {} }));
    expect(isEmptyConfigDiff(diff)).toBe(true);
    expect(summarizeConfigDiff(diff)).toBe('no changes');
  });

  it('reports workload policies and registry blocks as their own sections', () => {
    const before = governed('{ data_class: internal }', '{ lifecycle: approved, owner: team-a }');
    const after = governed('{ data_class: restricted }', '{ lifecycle: deprecated, deprecation_date: 2026-01-01, owner: team-a }');
    const diff = diffConfigs(before, after);
    expect(diff.policies).toEqual({ added: [], removed: [], changed: [{ name: 'support', fields: ['data_class'] }] });
    expect(diff.registry.changed).toEqual([{ name: 'models.chat', fields: ['deprecationDate', 'effectiveDeprecationDate', 'lifecycle'] }]);
    expect(diff.workloads.changed).toEqual([{ name: 'support', fields: ['policy'] }]);
    expect(diffConfigs(previous, after).policies.added).toEqual(['support']);
    expect(diff.settings).toEqual([]);
  });

  it('summarises one line per section', () => {
    expect(summarizeConfigDiff(diffConfigs(previous, next)).split('\n')).toEqual([
      'providers: ~local(api_key)',
      'models: +small -old ~chat(deployments)',
      'deployments: +local/gpt-4o-2024-11-20 +spare/gpt-4o-mini -local/gpt-3.5-turbo -local/gpt-4o',
      'workloads: ~batch(model) ~support(fallbacks)',
      'registry: +deployments.local/gpt-4o-2024-11-20 +deployments.spare/gpt-4o-mini +models.small -deployments.local/gpt-3.5-turbo -deployments.local/gpt-4o -models.old ~models.chat(currentVersions,deployments)',
      'settings: server',
    ]);
  });
});

describe('AuditRecorder', () => {
  function recorder() {
    const entries: AuditEntryInput[] = [];
    return { entries, audit: new AuditRecorder({ appendAudit: async (batch) => void entries.push(...batch) }, { now: () => 42 }) };
  }

  it('records a reload with its diff, plus one entry per registry and policy change', async () => {
    const { entries, audit } = recorder();
    const before = governed('{ data_class: internal }', '{ lifecycle: approved }');
    const after = governed('{ data_class: restricted }', '{ lifecycle: retired }');
    const diff = await audit.configReloaded({ actor: 'ops', file: 'switchyard.yaml', previous: before, next: after, generation: 3 });
    expect(diff.registry.changed.map((change) => change.name)).toEqual(['models.chat']);
    expect(entries.map((entry) => [entry.action, entry.target])).toEqual([
      ['config.reload', 'switchyard.yaml'],
      ['registry.change', 'models.chat'],
      ['policy.change', 'workloads.support'],
    ]);
    expect(entries[0]).toMatchObject({ time: 42, actor: 'ops', configGeneration: 3, details: { changed: true, summary: expect.stringContaining('policies: ~support(data_class)') } });
    expect(entries[2]!.details).toEqual({ change: 'changed', fields: ['data_class'] });
  });

  it('records admin, registry and policy actions, as local when no admin key named the actor', async () => {
    const { entries, audit } = recorder();
    await audit.adminAction('reload', { target: 'switchyard.yaml', generation: 2 });
    await audit.registryChanged({ actor: 'ops', target: 'models.chat', details: { lifecycle: 'retired' } });
    await audit.policyChanged({ actor: 'ops', target: 'workloads.support' });
    expect(entries).toEqual([
      { time: 42, actor: 'local', action: 'admin.reload', target: 'switchyard.yaml', configGeneration: 2 },
      { time: 42, actor: 'ops', action: 'registry.change', target: 'models.chat', details: { lifecycle: 'retired' } },
      { time: 42, actor: 'ops', action: 'policy.change', target: 'workloads.support' },
    ]);
  });

  it('passes a failed write to the caller', async () => {
    const audit = new AuditRecorder({ appendAudit: async () => Promise.reject(new Error('database down')) });
    await expect(audit.adminAction('reload', { target: 'x' })).rejects.toThrow('database down');
  });
});
