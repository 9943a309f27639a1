import type { RegistryView, UsageRow, UsageView } from '../../api/admin-types.js';
import { groupName } from '../overview/usage-series.js';

/** The model that answered a share of a workload's traffic, and what role config gives it there. */
export interface TierShare {
  model: string;
  /** `cascade tier 0`, `learned: strong`, `primary`, `fallback`…; `not answered` for failed requests. */
  role: string;
  /** For ordering: a cascade's tier index, else a large number. */
  order: number;
  requests: number;
  share: number;
}

export interface WorkloadTiers {
  workload: string;
  requests: number;
  tiers: TierShare[];
}

const NOT_ANSWERED = 'not answered';

function roleLabel(use: UsageView): { label: string; order: number } {
  const index = /\[(\d+)\]$/.exec(use.path)?.[1];
  switch (use.role) {
    case 'cascade_tier':
      return { label: `cascade tier ${index ?? '?'}`, order: Number(index ?? 50) };
    case 'learned_weak':
      return { label: 'learned: weak', order: 0 };
    case 'learned_strong':
      return { label: 'learned: strong', order: 1 };
    case 'primary':
      return { label: 'primary', order: 10 };
    case 'rule_target':
      return { label: `rule${use.via === null ? '' : ` "${use.via}"`}`, order: 20 };
    case 'fallback':
      return { label: 'fallback', order: 30 };
    default:
      return { label: use.role.replace(/_/g, ' '), order: 40 };
  }
}

/**
 * Per workload, the share of its requests each model answered, from usage grouped by workload and
 * deployment (the deployment that answered) and the registry (which model a deployment serves and
 * how the workload uses it).
 */
export function tierShares(rows: readonly UsageRow[], registry: RegistryView): WorkloadTiers[] {
  const modelOfDeployment = new Map(registry.deployments.map((deployment) => [deployment.id, deployment.model]));
  const rolesOf = (workload: string, model: string) => {
    const uses = registry.models.find((entry) => entry.name === model)?.usedBy.filter((use) => use.workload === workload) ?? [];
    const labels = uses.map(roleLabel).sort((left, right) => left.order - right.order);
    return { role: [...new Set(labels.map((label) => label.label))].join(', ') || 'direct', order: labels[0]?.order ?? 60 };
  };
  const workloads = new Map<string, Map<string, TierShare>>();
  for (const row of rows) {
    const workload = groupName(row.keys.workload);
    const deployment = row.keys.deployment ?? null;
    const model = deployment === null ? NOT_ANSWERED : (modelOfDeployment.get(deployment) ?? deployment);
    const tiers = workloads.get(workload) ?? new Map<string, TierShare>();
    const existing = tiers.get(model);
    if (existing === undefined) {
      const role = model === NOT_ANSWERED ? { role: 'errors before any answer', order: 99 } : rolesOf(workload, model);
      tiers.set(model, { model, role: role.role, order: role.order, requests: row.requests, share: 0 });
    } else {
      existing.requests += row.requests;
    }
    workloads.set(workload, tiers);
  }
  return [...workloads.entries()]
    .map(([workload, tiers]) => {
      const list = [...tiers.values()];
      const requests = list.reduce((sum, tier) => sum + tier.requests, 0);
      for (const tier of list) tier.share = requests === 0 ? 0 : tier.requests / requests;
      list.sort((left, right) => left.order - right.order || right.requests - left.requests || left.model.localeCompare(right.model));
      return { workload, requests, tiers: list };
    })
    .sort((left, right) => right.requests - left.requests || left.workload.localeCompare(right.workload));
}
