import type { ChatCall } from '../../spec/chat-call.js';
import { NoSuchModelError } from '../../spec/errors.js';
import type { GatewayRuntime } from '../registry/gateway-runtime.js';
import type { CascadeCheck } from './cascade/cascade-check.js';
import { contextLengthError, fitGroups, fitRoutePlan, inputTokensByDeployment, type ContextMisfit } from './context-fit.js';
import { planForModels, resolveRoute, type RoutePlan } from './resolve-route.js';
import { restrictPlan, type PlanRestriction } from './restrict-plan.js';
import type { RouteDecision, RoutingContext } from './router.js';
import { CallTokenCounts } from './tokens/count-input-tokens.js';
import { workloadRoutingsOf, type WorkloadRouting } from './workload-routing.js';
import { merged } from '../../spec/merged.js';

/** A chat request's route: one plan, or a cascade of plans (one per tier) checked in turn. */
export interface ChatRoute {
  /** The plan that answers (for a cascade: its first tier's, for limits and the cache key). */
  plan: RoutePlan;
  cascade?: {
    tiers: RoutePlan[];
    checks: readonly CascadeCheck[];
    /** The plan for a model a check calls (agreement sample, judge), under the same data policy. */
    planFor?: (model: string) => RoutePlan;
  };
}

/** The request's data policy: the deployments it may reach, and the error when none is left. */
export interface RoutePolicy {
  restriction: PlanRestriction;
  refusal: () => Error;
}

/**
 * Routes a chat request. A workload with `routing` asks its routers in order (rules, then learned);
 * the first decision wins, else its cascade runs, else its own route stands. Every plan is then
 * restricted to the deployments the data policy permits and fitted to the context windows
 * (deployments that cannot hold the input plus the max output are dropped). A decision that leaves
 * nothing permitted falls back to the workload's own route; a request nothing permitted can serve
 * is refused with the policy's error, one nothing can hold with a 400 naming the sizes.
 */
export function routeChat(
  runtime: GatewayRuntime,
  base: RoutePlan,
  call: ChatCall,
  createContext: (routing: WorkloadRouting, counts: CallTokenCounts) => RoutingContext,
  policy?: RoutePolicy,
): ChatRoute {
  const routing = base.workload === undefined ? undefined : workloadRoutingsOf(runtime.config).get(base.workload);
  // The request's token counts, shared by its routers and every context check below.
  const counts = new CallTokenCounts(call);
  const fallback = () => ({ plan: fitted(counts, permitted(base, policy) ?? refuse(policy)) });
  if (!routing) return fallback();
  const context = createContext(routing, counts);
  let decision: RouteDecision | undefined;
  for (const router of routing.routers) {
    decision = router.decide(context);
    if (decision) break;
  }
  if (!decision && routing.cascade) {
    decision = { kind: 'cascade', tiers: routing.cascade.tiers, router: 'cascade', reason: `cascade ${routing.cascade.tiers.join(' → ')}` };
  }
  if (!decision) return { plan: fitted(counts, permitted(merged(base, { router: 'default' }), policy) ?? refuse(policy)) };
  const routed = fromDecision(runtime, base, counts, decision, routing, policy);
  if (routed) return routed;
  const plan = permitted(merged(base, { router: 'default' }), policy) ?? refuse(policy);
  return { plan: fitted(counts, merged(plan, { reason: `${decision.reason}; policy: not permitted, so ${plan.reason}` })) };
}

/** The route of a decision, or undefined when the policy permits none of its deployments. */
function fromDecision(
  runtime: GatewayRuntime,
  base: RoutePlan,
  counts: CallTokenCounts,
  decision: RouteDecision,
  routing: WorkloadRouting,
  policy: RoutePolicy | undefined,
): ChatRoute | undefined {
  const origin = { router: decision.router, ...(decision.score === undefined ? {} : { score: decision.score }) };
  if (decision.kind === 'models') {
    const plan = permitted(merged(planForModels(runtime, decision.models, base.workload), { reason: decision.reason, ...origin }), policy);
    return plan && { plan: fitted(counts, plan) };
  }
  const checks = routing.cascade?.checks;
  if (!checks) throw new NoSuchModelError(`Workload '${base.workload}' routed a request to a cascade but has no routing.cascade.`);
  // Tiers the policy forbids or that cannot hold the request are skipped; the cascade runs on what is left.
  const tiers: RoutePlan[] = [];
  const misfits: ContextMisfit[] = [];
  const inputTokensFor = inputTokensByDeployment(counts);
  const upperBound = counts.upperBound();
  for (const model of decision.tiers) {
    const tier = permitted(merged(planForModels(runtime, [model], base.workload), { reason: decision.reason, ...origin }), policy);
    if (!tier) continue;
    const fit = fitGroups(tier.groups, inputTokensFor, counts.call.maxOutputTokens, { inputTokensUpperBound: upperBound });
    misfits.push(...fit.misfits);
    const [primary, ...rest] = fit.groups;
    if (primary) tiers.push(merged(tier, { groups: [primary === tier.groups[0] ? primary : { model: primary.model, targets: primary.targets }, ...rest] }));
  }
  const [first] = tiers;
  if (!first) {
    if (misfits.length > 0) throw contextLengthError(misfits);
    return undefined;
  }
  const reason = misfits.length > 0 ? `${decision.reason}; context: skipped ${misfits.map((misfit) => misfit.deployment).join(', ')}` : decision.reason;
  if (tiers.length === 1) return { plan: merged(first, { reason }) };
  if (!policy) return { plan: merged(first, { reason }), cascade: { tiers, checks } };
  // A judge or a second sample sees the request too: it may only go where the request may.
  const planFor = (model: string): RoutePlan =>
    permitted(merged(resolveRoute(runtime, { model, kind: 'chat' }), { ...(base.workload === undefined ? {} : { workload: base.workload }) }), policy) ?? refuse(policy);
  return { plan: merged(first, { reason }), cascade: { tiers, checks, planFor } };
}

function permitted(plan: RoutePlan, policy: RoutePolicy | undefined): RoutePlan | undefined {
  return policy ? restrictPlan(plan, policy.restriction) : plan;
}

function refuse(policy: RoutePolicy | undefined): never {
  throw policy ? policy.refusal() : new Error('a plan with no deployments');
}

function fitted(counts: CallTokenCounts, plan: RoutePlan): RoutePlan {
  return fitRoutePlan(counts.call, plan, counts).plan;
}
