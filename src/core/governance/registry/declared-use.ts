/**
 * A workload's declared use — `workloads.<name>.policy.use: { commercial, monthly_active_users }` —
 * which licence terms are checked against. The policy block belongs to the workload-policy part of
 * governance; this reads it defensively, so the registry check works whether the block is absent,
 * still being built, or carried in a resolved form.
 */
export interface DeclaredUse {
  commercial?: boolean;
  monthlyActiveUsers?: number;
}

/** The config field the declared use is read from, named in check reports. */
export const DECLARED_USE_FIELD = 'policy.use';

/** Reads `policy.use` from a workload entry (raw `snake_case` or resolved `camelCase`). */
export function declaredUseOf(workload: unknown): DeclaredUse {
  const policy = field(workload, 'policy');
  const use = field(policy, 'use');
  const declared: DeclaredUse = {};
  const commercial = field(use, 'commercial');
  if (typeof commercial === 'boolean') declared.commercial = commercial;
  const users = field(use, 'monthly_active_users') ?? field(use, 'monthlyActiveUsers');
  if (typeof users === 'number' && Number.isFinite(users) && users >= 0) declared.monthlyActiveUsers = users;
  return declared;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && key in value ? (value as Record<string, unknown>)[key] : undefined;
}
