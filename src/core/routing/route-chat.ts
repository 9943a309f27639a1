import type { ChatCall } from '../../spec/chat-call.js';
import { NoSuchModelError } from '../../spec/errors.js';
import type { GatewayRuntime } from '../registry/gateway-runtime.js';
import type { CascadeCheck } from './cascade/cascade-check.js';
import { contextLengthError, fitGroups, fitRoutePlan, inputTokensByDeployment, type ContextMisfit } from './context-fit.js';
import { inputTokensUpperBound } from './tokens/count-input-tokens.js';
import { planForModels, type RoutePlan } from './resolve-route.js';
import type { RouteDecision, RoutingContext } from './router.js';
import { workloadRoutingsOf, type WorkloadRouting } from './workload-routing.js';

/** A chat request's route: one plan, or a cascade of plans (one per tier) checked in turn. */
export interface ChatRoute {
  /** The plan that answers (for a cascade: its first tier's, for limits and the cache key). */
  plan: RoutePlan;
  cascade?: {
    tiers: RoutePlan[];
    checks: readonly CascadeCheck[];
  };
}

/**
 * Routes a chat request. A workload with `routing` asks its routers in order (rules, then learned);
 * the first decision wins, else its cascade runs, else its own route stands. Every plan is then
 * fitted to the context windows: deployments that cannot hold the input plus the max output are
 * dropped, and a request no candidate can hold is refused with a 400 naming the sizes.
 */
export function routeChat(
  runtime: GatewayRuntime,
  base: RoutePlan,
  call: ChatCall,
  createContext: (routing: WorkloadRouting) => RoutingContext,
): ChatRoute {
  const routing = base.workload === undefined ? undefined : workloadRoutingsOf(runtime.config).get(base.workload);
  if (!routing) return { plan: fitted(call, base) };
  const context = createContext(routing);
  let decision: RouteDecision | undefined;
  for (const router of routing.routers) {
    decision = router.decide(context);
    if (decision) break;
  }
  if (!decision && routing.cascade) {
    decision = { kind: 'cascade', tiers: routing.cascade.tiers, router: 'cascade', reason: `cascade ${routing.cascade.tiers.join(' → ')}` };
  }
  if (!decision) return { plan: fitted(call, { ...base, router: 'default' }) };
  return fromDecision(runtime, base, call, decision, routing);
}

function fromDecision(runtime: GatewayRuntime, base: RoutePlan, call: ChatCall, decision: RouteDecision, routing: WorkloadRouting): ChatRoute {
  const origin = { router: decision.router, ...(decision.score === undefined ? {} : { score: decision.score }) };
  if (decision.kind === 'models') {
    const plan = { ...planForModels(runtime, decision.models, base.workload), reason: decision.reason, ...origin };
    return { plan: fitted(call, plan) };
  }
  const checks = routing.cascade?.checks;
  if (!checks) throw new NoSuchModelError(`Workload '${base.workload}' routed a request to a cascade but has no routing.cascade.`);
  // Tiers that cannot hold the request are skipped; the cascade runs on what is left.
  const tiers: RoutePlan[] = [];
  const misfits: ContextMisfit[] = [];
  const inputTokensFor = inputTokensByDeployment(call);
  const upperBound = inputTokensUpperBound(call);
  for (const model of decision.tiers) {
    const tier = { ...planForModels(runtime, [model], base.workload), reason: decision.reason, ...origin };
    const fit = fitGroups(tier.groups, inputTokensFor, call.maxOutputTokens, { inputTokensUpperBound: upperBound });
    misfits.push(...fit.misfits);
    const [primary, ...rest] = fit.groups;
    if (primary) tiers.push({ ...tier, groups: [primary === tier.groups[0] ? primary : { model: primary.model, targets: primary.targets }, ...rest] });
  }
  const [first] = tiers;
  if (!first) throw contextLengthError(misfits);
  const reason = misfits.length > 0 ? `${decision.reason}; context: skipped ${misfits.map((misfit) => misfit.deployment).join(', ')}` : decision.reason;
  if (tiers.length === 1) return { plan: { ...first, reason } };
  return { plan: { ...first, reason }, cascade: { tiers, checks } };
}

function fitted(call: ChatCall, plan: RoutePlan): RoutePlan {
  return fitRoutePlan(call, plan).plan;
}
