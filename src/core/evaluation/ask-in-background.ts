import type { ChatCall } from '../../spec/chat-call.js';
import type { ChatResult } from '../../spec/chat-result.js';
import { attemptsOfFailure, executeGenerate } from '../pipeline/execute.js';
import { policyStageFor } from '../pipeline/policy-stage.js';
import { costRequest } from '../cost/cost-request.js';
import type { GatewayRuntime } from '../registry/gateway-runtime.js';
import { resolveRoute, type RoutePlan } from '../routing/resolve-route.js';
import { restrictPlan } from '../routing/restrict-plan.js';
import type { AttemptRecord } from '../../spec/errors.js';

export interface BackgroundAnswer {
  result: ChatResult;
  attempts: AttemptRecord[];
  /** What the call cost (undefined when an answering deployment has no price). */
  costUsd?: number;
}

export interface BackgroundAsk {
  /** The workload whose data policy the call must obey (the sampled request's workload). */
  workload: string;
  /** The logical model to call. */
  model: string;
  call: ChatCall;
}

/**
 * Calls a logical model off the request path (online judge, shadow tier) through the gateway's
 * executor — retries, fallbacks, circuit breakers — restricted by the workload's data policy
 * exactly as a cascade check call is: the call's own content is classified (it carries the
 * request's conversation), and no deployment the policy denies is ever tried. A call the policy
 * leaves no deployment for rejects with the policy's refusal. Client rate limits do not apply:
 * this is the gateway's own traffic, bounded by the evaluation queue's concurrency instead.
 */
export async function askInBackground(runtime: GatewayRuntime, ask: BackgroundAsk): Promise<BackgroundAnswer> {
  let plan: RoutePlan = { ...resolveRoute(runtime, { model: ask.model, kind: 'chat' }), workload: ask.workload };
  const policy = policyStageFor(runtime, ask.workload, ask.call);
  if (policy) {
    const restricted = restrictPlan(plan, policy.route.restriction);
    if (!restricted) throw policy.route.refusal();
    plan = restricted;
  }
  try {
    const execution = await executeGenerate(runtime, plan, ask.call);
    return { result: execution.result, attempts: execution.attempts, costUsd: costOf(runtime, execution.attempts, ask.workload) };
  } catch (error) {
    // The failed attempts were billed too; callers that account for cost read them from the error.
    throw Object.assign(error instanceof Error ? error : new Error(String(error)), {
      backgroundCostUsd: costOf(runtime, attemptsOfFailure(error), ask.workload),
    });
  }
}

function costOf(runtime: GatewayRuntime, attempts: readonly AttemptRecord[], workload: string): number | undefined {
  return costRequest({
    attempts,
    pricingOf: (deploymentId) => runtime.pricing.of(deploymentId),
    referencePricing: runtime.pricing.referenceFor(workload),
  }).costUsd;
}
