import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../../core/config/load-config.js';
import type { ResolvedConfig } from '../../../core/config/resolve-config.js';
import type { RegistryCheckReport } from '../../../core/governance/registry/registry-check.js';
import type { RegistryView } from '../../../core/governance/registry/registry-listing.js';
import { testFleet } from '../../../core/governance/registry/registry-test-fleet.js';
import type { GatewayEnv } from '../../gateway-context.js';
import { toOpenAIErrorResponse } from '../../openai-wire/openai-error-body.js';
import { registerRegistryRoutes } from './registry-routes.js';

function appServing(current: { config: ResolvedConfig }): Hono<GatewayEnv> {
  const admin = new Hono<GatewayEnv>();
  registerRegistryRoutes(admin, () => current.config);
  admin.onError((error, context) => {
    const response = toOpenAIErrorResponse(error);
    return context.json(response.body, response.status as 400);
  });
  const app = new Hono<GatewayEnv>();
  app.route('/admin', admin);
  return app;
}

/** The test fleet as the config resolver would hand it over (registry blocks included). */
function fleetConfig(change: (fleet: ReturnType<typeof testFleet>) => void = () => {}): ResolvedConfig {
  const fleet = testFleet();
  change(fleet);
  return { ...fleet, file: 'fleet.yaml' } as unknown as ResolvedConfig;
}

describe('GET /admin/registry', () => {
  it('returns every model and deployment with registry facts and usage', async () => {
    const response = await appServing({ config: fleetConfig() }).request('/admin/registry');
    expect(response.status).toBe(200);
    const view = (await response.json()) as RegistryView;
    expect(view.models.map((model) => model.name)).toEqual(['gpt-4o', 'claude', 'llama-8b', 'support-ft', 'qwen-72b', 'mistral-r', 'bare']);
    expect(view.models.find((model) => model.name === 'claude')?.usedBy.map((use) => use.role)).toEqual(['fallback', 'rule_target', 'judge_model']);
    expect(view.models.find((model) => model.name === 'mistral-r')).toMatchObject({ lifecycle: 'candidate', license: { commercialUse: false }, usedBy: [] });
    expect(view.deployments.find((deployment) => deployment.id === 'claude-eu')?.dataHandling).toMatchObject({ zeroRetention: true, retentionDays: 0, regions: ['eu'] });
  });

  it('shows the config serving now, after a reload', async () => {
    const current = { config: fleetConfig() };
    const app = appServing(current);
    current.config = fleetConfig((fleet) => {
      fleet.models['llama-8b']!.registry = { pinned_version: 'meta-llama/Llama-3.1-8B-Instruct@rev2' };
    });
    const view = (await (await app.request('/admin/registry')).json()) as RegistryView;
    expect(view.models.find((model) => model.name === 'support-ft')?.lineage?.stale).toBe(true);
  });

  it('works for a config loaded from YAML without registry blocks', async () => {
    const config = loadConfigText(
      'providers:\n  local: { type: simulated }\nmodels:\n  small: { deployments: [{ provider: local, model: small }] }\nworkloads:\n  chat: { route: { model: small } }\n',
      'plain.yaml',
    );
    const view = (await (await appServing({ config }).request('/admin/registry')).json()) as RegistryView;
    expect(view.models[0]).toMatchObject({ name: 'small', lifecycle: 'approved', usedBy: [{ workload: 'chat', role: 'primary' }] });
  });
});

describe('GET /admin/registry/check', () => {
  it('reports a failing check with ok: false', async () => {
    const config = fleetConfig((fleet) => {
      fleet.models['gpt-4o']!.registry = { lifecycle: 'retired' };
    });
    const response = await appServing({ config }).request('/admin/registry/check?within_days=7');
    expect(response.status).toBe(200);
    const report = (await response.json()) as RegistryCheckReport;
    expect(report).toMatchObject({ ok: false, withinDays: 7, errors: 2 });
    expect(report.findings.filter((finding) => finding.severity === 'error').map((finding) => finding.kind)).toEqual(['retired', 'retired']);
  });

  it('passes a healthy fleet and rejects a bad within_days', async () => {
    const app = appServing({ config: fleetConfig() });
    expect(((await (await app.request('/admin/registry/check')).json()) as RegistryCheckReport).ok).toBe(true);
    const bad = await app.request('/admin/registry/check?within_days=-3');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('within_days');
  });
});
