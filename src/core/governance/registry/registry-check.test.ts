import { describe, expect, it } from 'vitest';
import type { DeclaredUse } from './declared-use.js';
import { checkRegistry, formatCheckReport, type RegistryCheckReport } from './registry-check.js';
import { testFleet } from './registry-test-fleet.js';
import { resolveRegistry, type RegistryInput } from './resolve-registry.js';
import { workloadUsage } from './workload-usage.js';

const NOW = new Date('2025-06-01T12:00:00Z');
const COMMERCIAL: DeclaredUse = { commercial: true, monthlyActiveUsers: 50_000 };

type ModelRegistry = NonNullable<RegistryInput['models'][string]['registry']>;

function check(
  changes: Record<string, Partial<ModelRegistry>> = {},
  options: { withinDays?: number; use?: DeclaredUse } = {},
): RegistryCheckReport {
  const fleet = testFleet();
  const models = { ...fleet.models };
  for (const [name, change] of Object.entries(changes)) models[name] = { ...models[name]!, registry: { ...models[name]!.registry, ...change } };
  const input = { ...fleet, models };
  const registry = resolveRegistry(input);
  expect(registry.issues).toEqual([]);
  return checkRegistry(registry, workloadUsage(input), { withinDays: options.withinDays ?? 30, now: NOW, declaredUse: () => options.use ?? COMMERCIAL });
}

const summary = (report: RegistryCheckReport) => report.findings.map((finding) => `${finding.severity} ${finding.kind} ${finding.workload}/${finding.model}`);

describe('checkRegistry', () => {
  it('passes a healthy fleet with declared use', () => {
    const report = check();
    expect(report).toMatchObject({ ok: true, errors: 0, warnings: 0, today: '2025-06-01', withinDays: 30 });
    expect(report.findings).toEqual([]);
  });

  it('fails on a retired model, for every workload that depends on it, with its roles', () => {
    const report = check({ 'gpt-4o': { lifecycle: 'retired' } });
    expect(report.ok).toBe(false);
    expect(summary(report)).toEqual(['error retired support/gpt-4o', 'error retired batch/gpt-4o']);
    expect(report.findings[0]?.roles).toEqual(['fallback', 'cascade_tier']);
  });

  it('fails on an unapproved (candidate) model, even when only a judge', () => {
    const report = check({ claude: { lifecycle: 'candidate' } });
    expect(summary(report)).toEqual(['error unapproved support/claude']);
    expect(report.findings[0]?.roles).toEqual(['fallback', 'rule_target', 'judge_model']);
  });

  it('fails on a deprecation date within N days, and only warns beyond it', () => {
    const due = check({ 'llama-8b': { lifecycle: 'deprecated', deprecation_date: '2025-06-11' } });
    expect(summary(due)).toEqual(['error deprecation_due support/llama-8b', 'error deprecation_due batch/llama-8b']);
    expect(due.findings[0]?.message).toBe('it is deprecated on 2025-06-11 (in 10 days; limit 30 days)');

    const later = check({ 'llama-8b': { lifecycle: 'deprecated', deprecation_date: '2025-06-11' } }, { withinDays: 5 });
    expect(later.ok).toBe(true);
    expect(summary(later)).toEqual(['warning deprecated support/llama-8b', 'warning deprecated batch/llama-8b']);
  });

  it('fails on a provider deprecation date even for an approved model, and on a past date', () => {
    const provider = check({ 'qwen-72b': { provider_deprecation_date: '2025-06-20' } });
    expect(summary(provider)).toEqual(['error deprecation_due support/qwen-72b']);
    expect(provider.findings[0]?.message).toMatch(/^the provider deprecates it on 2025-06-20 \(in 19 days/);

    const past = check({ 'qwen-72b': { lifecycle: 'deprecated', deprecation_date: '2025-05-30' } });
    expect(past.findings[0]?.message).toBe('it is deprecated on 2025-05-30 (2 days ago; limit 30 days)');
  });

  it('fails on a stale derived model', () => {
    const report = check({ 'llama-8b': { pinned_version: 'meta-llama/Llama-3.1-8B-Instruct@rev2' } });
    expect(summary(report)).toEqual(['error stale support/support-ft']);
    expect(report.findings[0]?.message).toContain("derived from 'llama-8b' at meta-llama/Llama-3.1-8B-Instruct, but the base now runs meta-llama/Llama-3.1-8B-Instruct@rev2");
  });

  it('fails on commercial use a licence does not allow, naming the declared field', () => {
    const report = check({ 'qwen-72b': { license: 'mistral-research' } });
    expect(summary(report)).toEqual(['error license_commercial_use support/qwen-72b']);
    expect(report.findings[0]?.message).toBe(
      "licence 'mistral-research' (Mistral AI Research License) does not allow commercial use, and support declares policy.use.commercial: true",
    );
    expect(check({ 'qwen-72b': { license: 'mistral-research' } }, { use: { commercial: false, monthlyActiveUsers: 10 } }).ok).toBe(true);
  });

  it('fails when the declared user count is above the licence threshold', () => {
    const report = check({}, { use: { commercial: true, monthlyActiveUsers: 150_000_000 } });
    // Qwen's licence stops at 100M monthly active users; Llama's at 700M.
    expect(summary(report)).toEqual(['error license_user_threshold support/qwen-72b']);
    expect(report.findings[0]?.message).toBe("licence 'qwen' covers up to 100M monthly active users; support declares policy.use.monthly_active_users: 150M");
    expect(summary(check({}, { use: { commercial: true, monthlyActiveUsers: 800_000_000 } }))).toContain('error license_user_threshold batch/llama-8b');
  });

  it('warns, without failing, when a restrictive licence meets an undeclared use', () => {
    const report = check({}, { use: {} });
    expect(report.ok).toBe(true);
    expect(report.warnings).toBeGreaterThan(0);
    expect(report.findings.every((finding) => finding.kind === 'license_use_undeclared' && finding.severity === 'warning')).toBe(true);
    expect(report.findings[0]?.message).toBe("licence 'llama-3.1-community' restricts user count; declare workloads.support.policy.use to check it");
  });

  it('ignores models no workload uses', () => {
    // mistral-r is a candidate under a non-commercial licence, but nothing routes to it.
    expect(check({ 'mistral-r': { lifecycle: 'retired' } }).ok).toBe(true);
  });

  it('formats a readable report', () => {
    const text = formatCheckReport(check({ 'gpt-4o': { lifecycle: 'retired' } }));
    expect(text).toBe(
      [
        'workload support:',
        '  FAIL gpt-4o (fallback, cascade_tier) retired: model \'gpt-4o\' is retired',
        'workload batch:',
        '  FAIL gpt-4o (learned_strong) retired: model \'gpt-4o\' is retired',
        '',
        'registry check failed: 2 errors, 0 warnings (deprecation limit 30 days, as of 2025-06-01)',
      ].join('\n'),
    );
    expect(formatCheckReport(check())).toBe('registry check passed (0 warnings; deprecation limit 30 days, as of 2025-06-01)');
  });
});
