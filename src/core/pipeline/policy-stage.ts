import type { ChatCall } from '../../spec/chat-call.js';
import type { GatewayRuntime } from '../registry/gateway-runtime.js';
import type { PolicyDecision } from '../governance/policy/policy-decision.js';
import type { PolicyRefusedError } from '../governance/policy/policy-refused-error.js';
import { directRequestPolicyOf, workloadPoliciesOf } from '../governance/workload-policies.js';
import type { RoutePolicy } from '../routing/route-chat.js';

/** One request's data policy: the restriction routing applies, and what to record. */
export interface PolicyStage {
  /** Undefined for a request that named a model directly. */
  workload: string | undefined;
  /** Set when the workload refuses requests carrying sensitive data (`on_sensitive: refuse`) and this one does. */
  refusedForSensitiveData?: PolicyRefusedError;
  /** Every plan, fallback, hedge, cascade tier and check call is restricted by this. */
  route: RoutePolicy;
  /** The decision for the log, read when the request ends (check calls may deny more deployments on the way). */
  decision(): PolicyDecision;
}

/**
 * The policy stage, before routing: classify the request (its workload's declared data class,
 * raised by sensitive data the detector finds when the workload asks for detection), and restrict
 * it to the deployments that class permits. A request without a workload (a model named directly)
 * gets the defaults of a workload without a policy block (see directRequestPolicyOf).
 */
export function policyStageFor(runtime: GatewayRuntime, workload: string | undefined, call?: ChatCall): PolicyStage | undefined {
  const overlay = runtime.registryOverlay?.current();
  const policy = workload === undefined ? directRequestPolicyOf(runtime.config, overlay) : workloadPoliciesOf(runtime.config, overlay).get(workload);
  if (!policy) return undefined;
  const classification = call ? policy.inspect(call) : policy.classify([]);
  const denied = new Set<string>();
  let refusedRule = classification.refused;
  const stage: PolicyStage = {
    workload,
    route: {
      restriction: { permitted: policy.permittedDeployments(classification.dataClass), onDenied: (id) => denied.add(id) },
      refusal: () => {
        const error = policy.refusal(classification, denied);
        refusedRule = error.rule;
        return error;
      },
    },
    decision: () => policy.decision(classification, denied, refusedRule),
  };
  if (classification.refused !== undefined) stage.refusedForSensitiveData = policy.refusal(classification, denied);
  return stage;
}
