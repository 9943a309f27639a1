import { DECLARED_USE_FIELD, type DeclaredUse } from './declared-use.js';
import type { Registry } from './resolve-registry.js';
import type { UsageRole, WorkloadModelUse } from './workload-usage.js';

/**
 * `registry check`: what in the fleet a CI run should stop on. A finding is about one model one
 * workload depends on (in any role — a judge or a fallback is as much a dependency as the primary).
 * Errors fail the check; warnings are reported only.
 */

export const CHECK_KINDS = [
  'retired',
  'deprecation_due',
  'deprecated',
  'unapproved',
  'stale',
  'license_commercial_use',
  'license_user_threshold',
  'license_use_undeclared',
] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

export interface CheckFinding {
  severity: 'error' | 'warning';
  kind: CheckKind;
  workload: string;
  model: string;
  /** How the workload uses the model. */
  roles: UsageRole[];
  message: string;
}

export interface RegistryCheckReport {
  ok: boolean;
  /** The day the check ran for (UTC), `YYYY-MM-DD`. */
  today: string;
  withinDays: number;
  errors: number;
  warnings: number;
  findings: CheckFinding[];
}

export interface RegistryCheckOptions {
  /** A deprecation date this many days away (or sooner) fails the check. */
  withinDays: number;
  now: Date;
  /** The declared use of a workload (see declared-use.ts). */
  declaredUse: (workload: string) => DeclaredUse;
}

const DAY_MS = 86_400_000;

export function checkRegistry(registry: Registry, uses: readonly WorkloadModelUse[], options: RegistryCheckOptions): RegistryCheckReport {
  const today = options.now.toISOString().slice(0, 10);
  const findings: CheckFinding[] = [];
  for (const [key, group] of groupUses(uses)) {
    const [workload, model] = key;
    const entry = registry.models[model];
    // A use of an unconfigured model is a config error reported elsewhere.
    if (entry === undefined) continue;
    const roles = [...new Set(group.map((use) => use.role))];
    const add = (severity: CheckFinding['severity'], kind: CheckKind, message: string) => findings.push({ severity, kind, workload, model, roles, message });

    if (entry.lifecycle === 'retired') add('error', 'retired', `model '${model}' is retired`);
    if (entry.lifecycle === 'candidate') add('error', 'unapproved', `model '${model}' is a candidate, not approved for use`);
    if (entry.effectiveDeprecationDate !== undefined && entry.lifecycle !== 'retired') {
      const days = Math.round((Date.parse(entry.effectiveDeprecationDate) - Date.parse(today)) / DAY_MS);
      const which = entry.effectiveDeprecationDate === entry.providerDeprecationDate && entry.providerDeprecationDate !== entry.deprecationDate ? 'the provider deprecates it' : 'it is deprecated';
      if (days <= options.withinDays) {
        const when = days < 0 ? `${-days} day${days === -1 ? '' : 's'} ago` : days === 0 ? 'today' : `in ${days} day${days === 1 ? '' : 's'}`;
        add('error', 'deprecation_due', `${which} on ${entry.effectiveDeprecationDate} (${when}; limit ${options.withinDays} days)`);
      } else if (entry.lifecycle === 'deprecated' || entry.providerDeprecationDate !== undefined) {
        add('warning', 'deprecated', `${which} on ${entry.effectiveDeprecationDate} (in ${days} days)`);
      }
    }
    if (entry.lineage?.stale === true) {
      add(
        'error',
        'stale',
        `derived from '${entry.lineage.baseModel}' at ${entry.lineage.baseVersion}, but the base now runs ${entry.lineage.baseCurrentVersions.join(', ') || '(nothing)'}; rebuild or re-validate it, then update lineage.base_version`,
      );
    }
    const terms = entry.licenseTerms;
    if (terms !== undefined) {
      const use = options.declaredUse(workload);
      if (use.commercial === true && !terms.commercialUse) {
        add('error', 'license_commercial_use', `licence '${terms.key}' (${terms.name}) does not allow commercial use, and ${workload} declares ${DECLARED_USE_FIELD}.commercial: true`);
      }
      if (terms.maxMonthlyActiveUsers !== undefined && use.monthlyActiveUsers !== undefined && use.monthlyActiveUsers > terms.maxMonthlyActiveUsers) {
        add(
          'error',
          'license_user_threshold',
          `licence '${terms.key}' covers up to ${formatCount(terms.maxMonthlyActiveUsers)} monthly active users; ${workload} declares ${DECLARED_USE_FIELD}.monthly_active_users: ${formatCount(use.monthlyActiveUsers)}`,
        );
      }
      const restricted = !terms.commercialUse || terms.maxMonthlyActiveUsers !== undefined;
      const undeclared = (!terms.commercialUse && use.commercial === undefined) || (terms.maxMonthlyActiveUsers !== undefined && use.monthlyActiveUsers === undefined);
      if (restricted && undeclared) {
        add('warning', 'license_use_undeclared', `licence '${terms.key}' restricts ${!terms.commercialUse ? 'commercial use' : 'user count'}; declare workloads.${workload}.${DECLARED_USE_FIELD} to check it`);
      }
    }
  }
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  return { ok: errors === 0, today, withinDays: options.withinDays, errors, warnings: findings.length - errors, findings };
}

/** Uses grouped by (workload, model), in first-seen order. */
function groupUses(uses: readonly WorkloadModelUse[]): Array<[[string, string], WorkloadModelUse[]]> {
  const groups = new Map<string, [[string, string], WorkloadModelUse[]]>();
  for (const use of uses) {
    const key = `${use.workload}\u0000${use.model}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [[use.workload, use.model], [use]]);
    else group[1].push(use);
  }
  return [...groups.values()];
}

function formatCount(value: number): string {
  if (value >= 1_000_000 && value % 1_000_000 === 0) return `${value / 1_000_000}M`;
  return value.toLocaleString('en-US');
}

/** The report as text: one line per finding, grouped by workload. */
export function formatCheckReport(report: RegistryCheckReport): string {
  const lines: string[] = [];
  const byWorkload = new Map<string, CheckFinding[]>();
  for (const finding of report.findings) byWorkload.set(finding.workload, [...(byWorkload.get(finding.workload) ?? []), finding]);
  for (const [workload, findings] of byWorkload) {
    lines.push(`workload ${workload}:`);
    // Failures first: they are what the reader has to act on.
    const ordered = [...findings.filter((finding) => finding.severity === 'error'), ...findings.filter((finding) => finding.severity === 'warning')];
    for (const finding of ordered) {
      lines.push(`  ${finding.severity === 'error' ? 'FAIL' : 'warn'} ${finding.model} (${finding.roles.join(', ')}) ${finding.kind}: ${finding.message}`);
    }
  }
  const summary = report.ok
    ? `registry check passed (${report.warnings} warning${report.warnings === 1 ? '' : 's'}; deprecation limit ${report.withinDays} days, as of ${report.today})`
    : `registry check failed: ${report.errors} error${report.errors === 1 ? '' : 's'}, ${report.warnings} warning${report.warnings === 1 ? '' : 's'} (deprecation limit ${report.withinDays} days, as of ${report.today})`;
  return [...lines, ...(lines.length > 0 ? [''] : []), summary].join('\n');
}
