import { describe, expect, it } from 'vitest';
import { buildLicenseCatalogue, shippedLicenses } from './license-catalogue.js';

describe('licence catalogue', () => {
  const { catalogue, problems } = buildLicenseCatalogue();

  it('ships the expected licences, each with as_of and source', () => {
    expect(problems).toEqual([]);
    const keys = shippedLicenses().map((entry) => entry.key);
    for (const key of [
      'apache-2.0',
      'mit',
      'llama-2-community',
      'llama-3-community',
      'llama-3.1-community',
      'llama-3.2-community',
      'llama-3.3-community',
      'gemma',
      'qwen',
      'mistral-research',
      'cc-by-nc-4.0',
      'openai-api',
      'anthropic-api',
      'google-gemini-api',
    ]) {
      expect(keys).toContain(key);
    }
    for (const entry of shippedLicenses()) {
      expect(entry.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(entry.source).toMatch(/^https:\/\//);
    }
  });

  it('finds terms by key, SPDX id and alias, case-insensitively', () => {
    expect(catalogue.lookup('Apache-2.0')?.key).toBe('apache-2.0');
    expect(catalogue.lookup('CC-BY-NC-4.0')?.commercialUse).toBe(false);
    expect(catalogue.lookup('llama3.1')?.key).toBe('llama-3.1-community');
    expect(catalogue.lookup('GPL-3.0')).toBeUndefined();
  });

  it('carries the key terms as data', () => {
    const llama = catalogue.lookup('llama-3.3-community')!;
    expect(llama).toMatchObject({ commercialUse: true, maxMonthlyActiveUsers: 700_000_000, attributionRequired: true, kind: 'open_weights' });
    expect(llama.acceptableUsePolicy).toMatch(/use-policy/);
    expect(catalogue.lookup('qwen')?.maxMonthlyActiveUsers).toBe(100_000_000);
    expect(catalogue.lookup('mistral-research')?.commercialUse).toBe(false);
    expect(catalogue.lookup('gemma')?.maxMonthlyActiveUsers).toBeUndefined();
    expect(catalogue.lookup('anthropic-api')?.kind).toBe('closed_service');
    expect(catalogue.lookup('mit')?.maxMonthlyActiveUsers).toBeUndefined();
  });

  it('merges config overrides over catalogue entries and adds new ones', () => {
    const built = buildLicenseCatalogue({
      qwen: { max_monthly_active_users: null, notes: 'negotiated licence, no threshold' },
      'Internal-EULA': { name: 'Internal EULA', commercial_use: true, max_monthly_active_users: 5000 },
    });
    expect(built.problems).toEqual([]);
    const qwen = built.catalogue.lookup('qwen')!;
    expect(qwen).toMatchObject({ commercialUse: true, origin: 'catalogue+config', notes: 'negotiated licence, no threshold' });
    expect(qwen.maxMonthlyActiveUsers).toBeUndefined();
    expect(built.catalogue.lookup('internal-eula')).toMatchObject({ key: 'internal-eula', maxMonthlyActiveUsers: 5000, origin: 'config' });
    // The shipped catalogue itself is untouched.
    expect(buildLicenseCatalogue().catalogue.lookup('qwen')?.maxMonthlyActiveUsers).toBe(100_000_000);
  });

  it('reports a new licence without commercial_use', () => {
    expect(buildLicenseCatalogue({ 'vendor-x': { name: 'Vendor X' } }).problems).toEqual([
      { key: 'vendor-x', message: "licence 'vendor-x' is not in the catalogue; give at least commercial_use" },
    ]);
  });
});
