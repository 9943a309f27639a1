import { describe, expect, it } from 'vitest';
import { dataHandlingSchema, modelRegistrySchema, registryConfigSchema } from './registry-config.js';

function issuesOf(result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) {
  return (result.error?.issues ?? []).map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

describe('model registry schema', () => {
  it('accepts a full entry and defaults lifecycle to approved', () => {
    const parsed = modelRegistrySchema.parse({
      owner: 'support-platform',
      openness: 'open_weights',
      license: 'llama-3.1-community',
      pinned_version: '2024-11-02',
      lineage: { base_model: 'llama-8b', base_version: 'v1', adapter: 'lora-v3', quantization_bits: 4 },
    });
    expect(parsed.lifecycle).toBe('approved');
    expect(parsed.lineage?.quantization_bits).toBe(4);
  });

  it('names an unknown key', () => {
    const result = modelRegistrySchema.safeParse({ lifecyle: 'approved' });
    expect(result.success).toBe(false);
    expect(JSON.stringify(issuesOf(result))).toContain('lifecyle');
  });

  it('requires deprecation_date when deprecated, at that path', () => {
    expect(issuesOf(modelRegistrySchema.safeParse({ lifecycle: 'deprecated' }))).toEqual([
      { path: 'deprecation_date', message: 'required when lifecycle is deprecated (the date the model stops being used)' },
    ]);
    expect(modelRegistrySchema.safeParse({ lifecycle: 'deprecated', deprecation_date: '2025-06-30' }).success).toBe(true);
  });

  it('rejects malformed and impossible dates at their path', () => {
    expect(issuesOf(modelRegistrySchema.safeParse({ deprecation_date: '30/06/2025' }))[0]).toEqual({
      path: 'deprecation_date',
      message: 'expected an ISO date YYYY-MM-DD',
    });
    expect(issuesOf(modelRegistrySchema.safeParse({ provider_deprecation_date: '2025-02-30' }))[0]?.path).toBe('provider_deprecation_date');
  });

  it('rejects an unknown lifecycle and openness', () => {
    expect(issuesOf(modelRegistrySchema.safeParse({ lifecycle: 'beta' }))[0]?.path).toBe('lifecycle');
    expect(issuesOf(modelRegistrySchema.safeParse({ openness: 'open' }))[0]?.path).toBe('openness');
  });

  it('requires base_version in lineage and bounds quantization bits', () => {
    expect(issuesOf(modelRegistrySchema.safeParse({ lineage: { base_model: 'llama-8b' } }))[0]?.path).toBe('lineage.base_version');
    expect(issuesOf(modelRegistrySchema.safeParse({ lineage: { base_model: 'a', base_version: 'v', quantization_bits: 3.5 } }))[0]?.path).toBe(
      'lineage.quantization_bits',
    );
  });
});

describe('data handling schema', () => {
  it('rejects contradicting retention settings', () => {
    expect(issuesOf(dataHandlingSchema.safeParse({ zero_retention: true, retention_days: 30 }))[0]?.path).toBe('retention_days');
    expect(issuesOf(dataHandlingSchema.safeParse({ zero_retention: false, retention_days: 0 }))[0]?.path).toBe('zero_retention');
    expect(dataHandlingSchema.safeParse({ zero_retention: true, retention_days: 0, regions: ['eu'], certifications: ['SOC2'] }).success).toBe(true);
  });

  it('rejects negative retention and unknown keys', () => {
    expect(issuesOf(dataHandlingSchema.safeParse({ retention_days: -1 }))[0]?.path).toBe('retention_days');
    expect(JSON.stringify(issuesOf(dataHandlingSchema.safeParse({ region: ['eu'] })))).toContain('region');
  });
});

describe('top-level registry schema', () => {
  it('takes licence terms by key and checks their fields', () => {
    expect(registryConfigSchema.parse({}).licenses).toEqual({});
    const result = registryConfigSchema.safeParse({ licenses: { 'internal-eula': { commercial_use: 'yes' } } });
    expect(issuesOf(result)[0]?.path).toBe('licenses.internal-eula.commercial_use');
    expect(issuesOf(registryConfigSchema.safeParse({ licenses: { x: { source: 'not a url' } } }))[0]?.path).toBe('licenses.x.source');
  });
});
