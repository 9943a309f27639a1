import { describe, expect, it } from 'vitest';
import { resolveRegistry, type RegistryInput } from './resolve-registry.js';
import { testFleet } from './registry-test-fleet.js';

/** The fleet with one model's registry block replaced. */
function withModelRegistry(name: string, registry: NonNullable<RegistryInput['models'][string]['registry']>): RegistryInput {
  const fleet = testFleet();
  return { ...fleet, models: { ...fleet.models, [name]: { ...fleet.models[name]!, registry } } };
}

describe('resolveRegistry', () => {
  it('resolves the test fleet without issues', () => {
    expect(resolveRegistry(testFleet()).issues).toEqual([]);
  });

  it('gives one entry per model and per deployment, with default ids', () => {
    const registry = resolveRegistry(testFleet());
    expect(Object.keys(registry.models)).toEqual(['gpt-4o', 'claude', 'llama-8b', 'support-ft', 'qwen-72b', 'mistral-r', 'bare']);
    expect(Object.keys(registry.deployments)).toContain('openai/gpt-4o-2024-08-06');
    expect(Object.keys(registry.deployments)).toContain('claude-eu');
    expect(registry.models['gpt-4o']).toMatchObject({ owner: 'platform', lifecycle: 'approved', pinnedVersion: '2024-08-06', openness: 'closed' });
    expect(registry.models['bare']).toMatchObject({ declared: false, lifecycle: 'approved', openness: 'unknown' });
    expect(registry.deployments['gpu/support-ft']?.version).toBe('r7');
    expect(registry.deployments['openai/gpt-4o-2024-08-06']?.version).toBe('2024-08-06');
  });

  it('layers data handling: type defaults, then provider, then deployment', () => {
    const registry = resolveRegistry(testFleet());
    // vLLM: self-hosted with zero retention by default; the provider adds a region.
    expect(registry.factsFor('gpu/llama-3.1-8b')).toMatchObject({ selfHosted: true, retentionDays: 0, usedForTraining: false, regions: ['eu'], openWeights: true });
    // OpenAI: declared by the provider, certifications lower-cased.
    expect(registry.factsFor('openai/gpt-4o-2024-08-06')).toMatchObject({
      selfHosted: false,
      retentionDays: 30,
      usedForTraining: false,
      regions: ['us'],
      certifications: ['soc2'],
      openWeights: false,
      license: 'openai-api',
      lifecycle: 'approved',
    });
    // Anthropic: the deployment declares zero retention; training stays unknown.
    const claude = registry.factsFor('claude-eu');
    expect(claude).toMatchObject({ selfHosted: false, retentionDays: 0, regions: ['eu'] });
    expect(claude.usedForTraining).toBeUndefined();
    expect(registry.deployments['claude-eu']?.dataHandling.sources).toEqual(['type default', 'deployment']);
    // A hosted open-model API: not self-hosted, retention unknown.
    const qwen = registry.factsFor('together/Qwen/Qwen2.5-72B-Instruct');
    expect(qwen.selfHosted).toBe(false);
    expect(qwen.retentionDays).toBeUndefined();
    expect(qwen.openWeights).toBe(true);
  });

  it('lets a deployment replace a self-hosted default', () => {
    const fleet = testFleet();
    const input: RegistryInput = {
      ...fleet,
      models: { ...fleet.models, 'llama-8b': { ...fleet.models['llama-8b']!, deployments: [{ provider: 'gpu', model: 'x', data_handling: { zero_retention: false, self_hosted: false } }] } },
    };
    const facts = resolveRegistry(input).factsFor('gpu/x');
    expect(facts.selfHosted).toBe(false);
    expect(facts.retentionDays).toBeUndefined();
  });

  it('throws for facts of an unknown deployment', () => {
    expect(() => resolveRegistry(testFleet()).factsFor('nope')).toThrow("no registry entry for deployment 'nope'");
  });

  it('resolves lineage and flags a derived model stale when its base pin moves', () => {
    const fresh = resolveRegistry(testFleet()).models['support-ft']!.lineage!;
    expect(fresh).toMatchObject({ baseModel: 'llama-8b', adapter: 'lora-support-v3', quantizationBits: 4, stale: false });

    const moved = resolveRegistry(withModelRegistry('llama-8b', { license: 'llama-3.3-community', pinned_version: 'meta-llama/Llama-3.3-70B-Instruct' }));
    expect(moved.models['support-ft']!.lineage).toMatchObject({ stale: true, baseCurrentVersions: ['meta-llama/Llama-3.3-70B-Instruct'] });
  });

  it('uses the base deployments upstream ids when the base has no pin', () => {
    const registry = resolveRegistry(withModelRegistry('llama-8b', { license: 'llama-3.1-community' }));
    // The base now runs `llama-3.1-8b` (its upstream id), not the recorded version.
    expect(registry.models['llama-8b']!.currentVersions).toEqual(['llama-3.1-8b']);
    expect(registry.models['support-ft']!.lineage!.stale).toBe(true);
  });

  it('takes the earlier of the team and provider deprecation dates', () => {
    const registry = resolveRegistry(withModelRegistry('gpt-4o', { lifecycle: 'deprecated', deprecation_date: '2025-09-01', provider_deprecation_date: '2025-06-30' }));
    expect(registry.models['gpt-4o']!.effectiveDeprecationDate).toBe('2025-06-30');
    expect(registry.factsFor('openai/gpt-4o-2024-08-06').lifecycle).toBe('deprecated');
  });

  it('uses licence overrides from config', () => {
    const input: RegistryInput = { ...withModelRegistry('bare', { license: 'vendor-eula' }), licenses: { 'vendor-eula': { commercial_use: true, kind: 'closed_service' } } };
    const registry = resolveRegistry(input);
    expect(registry.issues).toEqual([]);
    expect(registry.models['bare']).toMatchObject({ openness: 'closed', licenseTerms: { key: 'vendor-eula', origin: 'config' } });
  });

  describe('reports problems with their config path', () => {
    const issuesFor = (input: RegistryInput) => resolveRegistry(input).issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));

    it('an unknown licence', () => {
      const [problem] = issuesFor(withModelRegistry('bare', { license: 'GPL-9' }));
      expect(problem?.path).toBe('models.bare.registry.license');
      expect(problem?.message).toMatch(/^unknown licence 'GPL-9'; expected an SPDX id or catalogue key \(apache-2.0, mit, /);
    });

    it('a deprecated model without a date (hand-built input)', () => {
      expect(issuesFor(withModelRegistry('bare', { lifecycle: 'deprecated' }))).toEqual([
        { path: 'models.bare.registry.deprecation_date', message: 'required when lifecycle is deprecated (the date the model stops being used)' },
      ]);
    });

    it('malformed dates (hand-built input)', () => {
      expect(issuesFor(withModelRegistry('bare', { provider_deprecation_date: '2025-02-30' }))).toEqual([
        { path: 'models.bare.registry.provider_deprecation_date', message: "expected an ISO date YYYY-MM-DD, got '2025-02-30'" },
      ]);
    });

    it('a lineage base that is not a configured model, or itself, or a loop', () => {
      expect(issuesFor(withModelRegistry('bare', { lineage: { base_model: 'llama-70b', base_version: 'v1' } }))[0]).toEqual({
        path: 'models.bare.registry.lineage.base_model',
        message: "unknown base model 'llama-70b'; the base must be a configured model (add it, with its pinned_version, to models)",
      });
      expect(issuesFor(withModelRegistry('bare', { lineage: { base_model: 'bare', base_version: 'v1' } }))[0]?.message).toBe(
        "model 'bare' cannot be derived from itself",
      );
      const loop = withModelRegistry('llama-8b', { lineage: { base_model: 'support-ft', base_version: 'r7' } });
      expect(issuesFor(loop).map((problem) => problem.path)).toEqual(['models.llama-8b.registry.lineage.base_model', 'models.support-ft.registry.lineage.base_model']);
    });

    it('open weights declared under a closed-service licence', () => {
      expect(issuesFor(withModelRegistry('bare', { license: 'openai-api', openness: 'open_weights' }))[0]?.path).toBe('models.bare.registry.openness');
    });

    it('a config licence without commercial_use', () => {
      expect(issuesFor({ ...testFleet(), licenses: { 'vendor-x': { name: 'X' } } })[0]?.path).toBe('registry.licenses.vendor-x');
    });
  });
});
