import type { DeploymentFacts } from '../deployment-facts.js';
import { deploymentsOfTarget, type ExposureDeployment, type ExposureTarget } from './exposure-target.js';
import type { ExposureTraffic, ExposureTrafficSource } from './exposure-traffic.js';
import type { UsageRole, WorkloadModelUse } from '../registry/workload-usage.js';

const DAY_MS = 86_400_000;
/** Alternatives listed per workload; the report says whether one exists, a few names are enough. */
const MAX_ALTERNATIVES = 5;

/** Whether a workload's policy allows a deployment (the policy engine's check). */
export type WorkloadPolicyPredicate = (workload: string, facts: DeploymentFacts) => boolean;

export interface ExposureInput {
  target: ExposureTarget;
  /** Every configured deployment. */
  deployments: readonly ExposureDeployment[];
  /** How workloads use models in the config (`workloadUsage(config)`). */
  usage: readonly WorkloadModelUse[];
  /** The window is the `days` before `now`. */
  days: number;
  now: number;
  /** Without it, alternatives are judged on lifecycle alone. */
  allows?: WorkloadPolicyPredicate;
}

export interface WorkloadExposure {
  /** `null` for requests that named a model directly rather than a workload. */
  workload: string | null;
  /** How the config makes the workload use the target's models (empty: traffic only, e.g. a removed route). */
  uses: Array<{ model: string; role: UsageRole; path: string; via?: string }>;
  /** The workload's requests in the window, and those the target's deployments answered. */
  requests: number;
  answeredByTarget: number;
  /** answeredByTarget / requests (0 without requests). */
  trafficShare: number;
  /** The workload's cost in the window, and that of its attempts on the target's deployments. */
  costUsd: number;
  targetCostUsd: number;
  /** targetCostUsd / costUsd (0 without cost). */
  costShare: number;
  /**
   * Approved deployments outside the target that the workload's policy allows (at most a few;
   * `exists` says whether there is any). Absent for `workload: null`, which has no policy.
   */
  alternative?: { exists: boolean; deployments: string[] };
}

export interface ExposureReport {
  target: ExposureTarget;
  days: number;
  since: number;
  until: number;
  /** Logical models with at least one deployment in the target, and those deployments. */
  models: string[];
  deployments: string[];
  /** Workloads that use the target by config or sent it traffic, most exposed (traffic share) first. */
  workloads: WorkloadExposure[];
  /** Over every workload: requests answered by the target and the cost of its attempts. */
  totals: { answeredByTarget: number; targetCostUsd: number };
}

/** The window exposure reads: `days` back from `now`, `until` exclusive and including `now`. */
export function exposureWindow(days: number, now: number): { since: number; until: number } {
  return { since: now - days * DAY_MS, until: now + 1 };
}

/** Reads the traffic for a target and builds the report. */
export async function queryExposure(source: ExposureTrafficSource, input: ExposureInput): Promise<ExposureReport> {
  const window = exposureWindow(input.days, input.now);
  const matched = deploymentsOfTarget(input.target, input.deployments);
  const deployments = matched.map((deployment) => deployment.id);
  const models = new Set(matched.map((deployment) => deployment.model));
  const workloads = [...new Set(input.usage.filter((use) => models.has(use.model)).map((use) => use.workload))];
  const traffic =
    deployments.length === 0 ? { workloads: [], answered: [], attempts: [] } : await source.exposureTraffic({ ...window, deployments, workloads });
  return computeExposure(input, traffic);
}

/** The report from config usage and traffic already read; pure, so it is tested without a database. */
export function computeExposure(input: ExposureInput, traffic: ExposureTraffic): ExposureReport {
  const window = exposureWindow(input.days, input.now);
  const matched = deploymentsOfTarget(input.target, input.deployments);
  const matchedIds = new Set(matched.map((deployment) => deployment.id));
  const models = new Set(matched.map((deployment) => deployment.model));

  const rows = new Map<string | null, WorkloadExposure>();
  const rowOf = (workload: string | null): WorkloadExposure => {
    let row = rows.get(workload);
    if (row === undefined) {
      row = { workload, uses: [], requests: 0, answeredByTarget: 0, trafficShare: 0, costUsd: 0, targetCostUsd: 0, costShare: 0 };
      rows.set(workload, row);
    }
    return row;
  };
  for (const use of input.usage) {
    if (!models.has(use.model)) continue;
    rowOf(use.workload).uses.push({ model: use.model, role: use.role, path: use.path, ...(use.via === undefined ? {} : { via: use.via }) });
  }
  let answeredTotal = 0;
  let costTotal = 0;
  for (const answered of traffic.answered) {
    if (!matchedIds.has(answered.deployment)) continue;
    rowOf(answered.workload).answeredByTarget += answered.requests;
    answeredTotal += answered.requests;
  }
  for (const attempt of traffic.attempts) {
    if (!matchedIds.has(attempt.deployment)) continue;
    rowOf(attempt.workload).targetCostUsd += attempt.costUsd;
    costTotal += attempt.costUsd;
  }
  for (const totals of traffic.workloads) {
    const row = rows.get(totals.workload);
    if (row === undefined) continue;
    row.requests = totals.requests;
    row.costUsd = totals.costUsd;
  }
  for (const row of rows.values()) {
    row.trafficShare = row.requests === 0 ? 0 : row.answeredByTarget / row.requests;
    row.costShare = row.costUsd === 0 ? 0 : row.targetCostUsd / row.costUsd;
    if (row.workload !== null) row.alternative = alternativesFor(row.workload, row.uses, input, matched);
  }
  const workloads = [...rows.values()].sort(
    (left, right) =>
      right.trafficShare - left.trafficShare || right.answeredByTarget - left.answeredByTarget || String(left.workload ?? '').localeCompare(String(right.workload ?? '')),
  );
  return {
    target: input.target,
    days: input.days,
    ...window,
    models: [...models].sort(),
    deployments: [...matchedIds].sort(),
    workloads,
    totals: { answeredByTarget: answeredTotal, targetCostUsd: costTotal },
  };
}

/**
 * Approved deployments outside the target that could replace it for a workload: allowed by the
 * workload's policy and serving the same kind (chat or embedding) as the target's models it uses.
 */
function alternativesFor(
  workload: string,
  uses: WorkloadExposure['uses'],
  input: ExposureInput,
  matched: readonly ExposureDeployment[],
): { exists: boolean; deployments: string[] } {
  const matchedIds = new Set(matched.map((deployment) => deployment.id));
  const usedModels = new Set(uses.map((use) => use.model));
  const used = matched.filter((deployment) => usedModels.has(deployment.model));
  const kinds = new Set((used.length > 0 ? used : matched).map((deployment) => deployment.kind));
  const allowed = input.deployments
    .filter((deployment) => !matchedIds.has(deployment.id) && deployment.lifecycle === 'approved' && kinds.has(deployment.kind))
    .filter((deployment) => input.allows?.(workload, deployment) ?? true)
    .map((deployment) => deployment.id)
    .sort();
  return { exists: allowed.length > 0, deployments: allowed.slice(0, MAX_ALTERNATIVES) };
}
