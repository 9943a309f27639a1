import type { RouteGroup, RoutePlan } from './resolve-route.js';
import { merged } from '../../spec/merged.js';

/** Which deployments a request may reach (a workload's data policy at the request's data class). */
export interface PlanRestriction {
  /** Deployment ids the request may be sent to. */
  permitted: ReadonlySet<string>;
  /** Called with each deployment a plan named but the restriction removed (for the record). */
  onDenied?: (deploymentId: string) => void;
}

/**
 * The plan without the deployments the restriction forbids. Groups left empty are dropped; when the
 * primary group goes, the first remaining group becomes primary (its fallback conditions cleared:
 * the primary could never have been asked). Undefined when nothing permitted is left. Every later
 * stage — retries, fallbacks, hedges — only ever sees what remains, so none can reach a forbidden
 * deployment.
 */
export function restrictPlan(plan: RoutePlan, restriction: PlanRestriction): RoutePlan | undefined {
  let changed = false;
  const groups: RouteGroup[] = [];
  for (const group of plan.groups) {
    const targets = group.targets.filter((target) => {
      const allowed = restriction.permitted.has(target.deployment.id);
      if (!allowed) restriction.onDenied?.(target.deployment.id);
      return allowed;
    });
    if (targets.length === group.targets.length) groups.push(group);
    else {
      changed = true;
      if (targets.length > 0) groups.push(merged(group, { targets }));
    }
  }
  if (!changed) return plan;
  const [first, ...rest] = groups;
  if (!first) return undefined;
  const primary = first.on === undefined ? first : { model: first.model, targets: first.targets };
  return merged(plan, { model: primary.model, groups: [primary, ...rest] });
}
