import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../../spec/errors.js';
import { computeExposure, queryExposure, type ExposureInput } from './compute-exposure.js';
import { resolveExposureTarget, type ExposureDeployment } from './exposure-target.js';
import type { ExposureTraffic, ExposureTrafficQuery } from './exposure-traffic.js';
import type { WorkloadModelUse } from '../registry/workload-usage.js';

const NOW = Date.UTC(2025, 5, 1);
const DAY = 86_400_000;

function deployment(id: string, overrides: Partial<ExposureDeployment>): ExposureDeployment {
  return {
    id,
    model: 'gpt-4o',
    provider: 'openai',
    providerType: 'openai',
    selfHosted: false,
    openWeights: false,
    regions: [],
    certifications: [],
    lifecycle: 'approved',
    ...overrides,
  };
}

const deployments: ExposureDeployment[] = [
  deployment('openai/gpt-4o', { upstreamModel: 'gpt-4o-2024-08-06', license: 'openai-api' }),
  deployment('azure/gpt-4o', { provider: 'azure', upstreamModel: 'gpt-4o-2024-08-06', license: 'openai-api', regions: ['eu'] }),
  deployment('anthropic/claude', { model: 'claude', provider: 'anthropic', upstreamModel: 'claude-sonnet-4-20250514', license: 'anthropic-api' }),
  deployment('local/llama', { model: 'llama', provider: 'vllm', selfHosted: true, openWeights: true, license: 'llama-3-community' }),
  deployment('local/qwen', { model: 'qwen', provider: 'vllm', selfHosted: true, openWeights: true, license: 'Apache-2.0', lifecycle: 'candidate' }),
];

const usage: WorkloadModelUse[] = [
  { workload: 'support', model: 'gpt-4o', role: 'primary', path: 'workloads.support.route.model' },
  { workload: 'support', model: 'claude', role: 'fallback', path: 'workloads.support.route.fallbacks[0]', via: 'gpt-4o' },
  { workload: 'batch', model: 'llama', role: 'cascade_tier', path: 'workloads.batch.routing.cascade.tiers[0]' },
  { workload: 'batch', model: 'gpt-4o', role: 'judge_model', path: 'workloads.batch.routing.cascade.checks[0].model' },
  { workload: 'idle', model: 'gpt-4o', role: 'rule_target', path: 'workloads.idle.routing.rules[0].model', via: 'tools' },
];

const traffic: ExposureTraffic = {
  workloads: [
    { workload: 'support', requests: 4, costUsd: 10 },
    { workload: 'batch', requests: 2, costUsd: 2 },
    { workload: null, requests: 1, costUsd: 2 },
  ],
  answered: [
    { workload: 'support', deployment: 'openai/gpt-4o', requests: 2 },
    { workload: 'support', deployment: 'azure/gpt-4o', requests: 1 },
    { workload: null, deployment: 'openai/gpt-4o', requests: 1 },
  ],
  attempts: [
    { workload: 'support', deployment: 'openai/gpt-4o', attempts: 3, costUsd: 2.5 },
    { workload: 'support', deployment: 'azure/gpt-4o', attempts: 1, costUsd: 2.5 },
    { workload: 'batch', deployment: 'openai/gpt-4o', attempts: 1, costUsd: 0.25 },
    { workload: null, deployment: 'openai/gpt-4o', attempts: 1, costUsd: 2 },
  ],
};

const input = (overrides: Partial<ExposureInput> = {}): ExposureInput => ({
  target: { kind: 'model', value: 'gpt-4o' },
  deployments,
  usage,
  days: 7,
  now: NOW,
  ...overrides,
});

describe('computeExposure', () => {
  it('lists the workloads using a model, how, and their traffic and cost share', () => {
    const report = computeExposure(input(), traffic);
    expect(report).toMatchObject({ models: ['gpt-4o'], deployments: ['azure/gpt-4o', 'openai/gpt-4o'], since: NOW - 7 * DAY, until: NOW + 1 });
    const support = report.workloads.find((row) => row.workload === 'support')!;
    expect(support).toMatchObject({ uses: [{ model: 'gpt-4o', role: 'primary' }], requests: 4, answeredByTarget: 3, trafficShare: 0.75, costUsd: 10, targetCostUsd: 5, costShare: 0.5 });
    const batch = report.workloads.find((row) => row.workload === 'batch')!;
    expect(batch).toMatchObject({ uses: [{ model: 'gpt-4o', role: 'judge_model' }], answeredByTarget: 0, trafficShare: 0, targetCostUsd: 0.25, costShare: 0.125 });
    // Used by config but without traffic in the window.
    expect(report.workloads.find((row) => row.workload === 'idle')).toMatchObject({ uses: [{ role: 'rule_target', via: 'tools' }], requests: 0, trafficShare: 0 });
    // Direct requests naming the model count too, without a policy to find alternatives for.
    const direct = report.workloads.find((row) => row.workload === null)!;
    expect(direct).toMatchObject({ uses: [], requests: 1, answeredByTarget: 1, trafficShare: 1, costShare: 1 });
    expect(direct).not.toHaveProperty('alternative');
    expect(report.totals).toEqual({ answeredByTarget: 4, targetCostUsd: 7.25 });
  });

  it('orders workloads by traffic share', () => {
    const report = computeExposure(input(), traffic);
    expect(report.workloads.map((row) => row.workload)).toEqual([null, 'support', 'batch', 'idle']);
  });

  it('finds approved alternatives outside the target that the workload policy allows', () => {
    const selfHostedForBatch = (workload: string, facts: { selfHosted: boolean }) => workload !== 'batch' || facts.selfHosted;
    const report = computeExposure(input({ allows: selfHostedForBatch }), traffic);
    // qwen is self-hosted but only a candidate; llama is approved and self-hosted.
    expect(report.workloads.find((row) => row.workload === 'batch')!.alternative).toEqual({ exists: true, deployments: ['local/llama'] });
    expect(report.workloads.find((row) => row.workload === 'support')!.alternative).toEqual({ exists: true, deployments: ['anthropic/claude', 'local/llama'] });
    const nothingAllowed = computeExposure(input({ allows: () => false }), traffic);
    expect(nothingAllowed.workloads.find((row) => row.workload === 'support')!.alternative).toEqual({ exists: false, deployments: [] });
  });

  it('offers only alternatives of the same kind: no embedding model for a chat model, and the reverse', () => {
    const mixed: ExposureDeployment[] = [
      deployment('openai/gpt-4o', { kind: 'chat' }),
      deployment('local/llama', { model: 'llama', provider: 'vllm', kind: 'chat' }),
      deployment('local/embed', { model: 'embed', provider: 'vllm', kind: 'embedding' }),
      deployment('openai/embed-3', { model: 'embed-3', kind: 'embedding' }),
    ];
    const uses: WorkloadModelUse[] = [
      { workload: 'support', model: 'gpt-4o', role: 'primary', path: 'workloads.support.route.model' },
      { workload: 'search', model: 'embed-3', role: 'primary', path: 'workloads.search.route.model' },
    ];
    const byWorkload = (report: ReturnType<typeof computeExposure>, workload: string) => report.workloads.find((row) => row.workload === workload)!.alternative;
    const chatTarget = computeExposure(input({ deployments: mixed, usage: uses }), { workloads: [], answered: [], attempts: [] });
    expect(byWorkload(chatTarget, 'support')).toEqual({ exists: true, deployments: ['local/llama'] });
    const provider = computeExposure(input({ deployments: mixed, usage: uses, target: { kind: 'provider', value: 'openai' } }), { workloads: [], answered: [], attempts: [] });
    expect(byWorkload(provider, 'support')).toEqual({ exists: true, deployments: ['local/llama'] });
    expect(byWorkload(provider, 'search')).toEqual({ exists: true, deployments: ['local/embed'] });
  });

  it('covers a provider: only its deployments, so the same model elsewhere is an alternative', () => {
    const report = computeExposure(input({ target: { kind: 'provider', value: 'openai' } }), traffic);
    expect(report.deployments).toEqual(['openai/gpt-4o']);
    const support = report.workloads.find((row) => row.workload === 'support')!;
    expect(support).toMatchObject({ answeredByTarget: 2, trafficShare: 0.5, targetCostUsd: 2.5, costShare: 0.25 });
    expect(support.alternative?.deployments).toContain('azure/gpt-4o');
  });

  it('covers a licence, case-insensitively, and reports nothing for a target without deployments', () => {
    const report = computeExposure(input({ target: { kind: 'license', value: 'llama-3-COMMUNITY' } }), traffic);
    expect(report.models).toEqual(['llama']);
    expect(report.workloads.map((row) => [row.workload, row.uses.map((use) => use.role)])).toEqual([['batch', ['cascade_tier']]]);
  });
});

describe('queryExposure', () => {
  it('asks the store for the target deployments and the workloads configured to use them, over the window', async () => {
    const queries: ExposureTrafficQuery[] = [];
    const report = await queryExposure({ exposureTraffic: async (query) => (queries.push(query), traffic) }, input({ days: 30 }));
    expect(queries).toEqual([{ since: NOW - 30 * DAY, until: NOW + 1, deployments: ['openai/gpt-4o', 'azure/gpt-4o'], workloads: ['support', 'batch', 'idle'] }]);
    expect(report.days).toBe(30);
  });
});

describe('resolveExposureTarget', () => {
  it('tries model, then provider, then licence, and accepts a provider model id as a model', () => {
    expect(resolveExposureTarget('gpt-4o', undefined, deployments, 'target')).toEqual({ kind: 'model', value: 'gpt-4o' });
    expect(resolveExposureTarget('gpt-4o-2024-08-06', undefined, deployments, 'target')).toEqual({ kind: 'model', value: 'gpt-4o-2024-08-06' });
    expect(resolveExposureTarget('vllm', undefined, deployments, 'target')).toEqual({ kind: 'provider', value: 'vllm' });
    expect(resolveExposureTarget('apache-2.0', undefined, deployments, 'target')).toEqual({ kind: 'license', value: 'Apache-2.0' });
    expect(resolveExposureTarget('openai', 'provider', deployments, 'provider')).toEqual({ kind: 'provider', value: 'openai' });
  });

  it('names the input and what was looked for when nothing matches', () => {
    expect(() => resolveExposureTarget('gpt-5', undefined, deployments, 'target')).toThrow(InvalidRequestError);
    expect(() => resolveExposureTarget('gpt-5', undefined, deployments, 'target')).toThrow("target: no configured model, provider or license 'gpt-5'.");
    expect(() => resolveExposureTarget('gpt-4o', 'provider', deployments, 'provider')).toThrow("provider: no configured provider 'gpt-4o'.");
    expect(() => resolveExposureTarget(' ', undefined, deployments, 'model')).toThrow('model must name');
  });
});

describe('exposureCatalogueOf', () => {
  it('builds facts, usage and the policy check from a resolved config, once per config', async () => {
    const { loadConfigText } = await import('../../config/load-config.js');
    const { exposureCatalogueOf } = await import('./exposure-catalogue.js');
    const config = loadConfigText(
      `providers:
  openai: { type: openai, base_url: "http://127.0.0.1:9/v1", api_key: none }
  local: { type: vllm, base_url: "http://127.0.0.1:9/v1" }
models:
  gpt-4o: { deployments: [{ id: openai/gpt-4o, provider: openai, model: gpt-4o-2024-08-06 }] }
  llama: { deployments: [{ id: local/llama, provider: local, model: llama-3.1-70b }] }
workloads:
  open: { route: { model: gpt-4o } }
  secret: { route: { model: gpt-4o, fallbacks: [llama] }, policy: { data_class: internal, require: { self_hosted: true } } }
`,
      'test.yaml',
      { env: {} },
    );
    const catalogue = exposureCatalogueOf(config);
    expect(exposureCatalogueOf(config)).toBe(catalogue);
    expect(catalogue.deployments.map((entry) => [entry.id, entry.upstreamModel, entry.selfHosted])).toEqual([
      ['openai/gpt-4o', 'gpt-4o-2024-08-06', false],
      ['local/llama', 'llama-3.1-70b', true],
    ]);
    expect(catalogue.usage.filter((use) => use.workload === 'secret').map((use) => [use.model, use.role])).toEqual([
      ['gpt-4o', 'primary'],
      ['llama', 'fallback'],
    ]);
    const [openai, llama] = catalogue.deployments;
    expect([catalogue.allows!('secret', openai!), catalogue.allows!('secret', llama!), catalogue.allows!('open', openai!)]).toEqual([false, true, true]);
  });
});
