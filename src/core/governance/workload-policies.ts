import type { ResolvedConfig } from '../config/resolve-config.js';
import { compileWorkloadPolicy, type CompiledPolicy } from './policy/compile-workload-policy.js';

const built = new WeakMap<ResolvedConfig, ReadonlyMap<string, CompiledPolicy>>();

/**
 * Every workload's data policy, compiled once per config against the registry's facts about every
 * deployment (kept beside the runtime, like the routers; a reload brings a new config and new
 * policies). A workload without a `policy` block gets the defaults: class `internal`, and no
 * retired or unknown deployment.
 */
export function workloadPoliciesOf(config: ResolvedConfig): ReadonlyMap<string, CompiledPolicy> {
  let policies = built.get(config);
  if (!policies) {
    const fleet = Object.keys(config.deployments).map((id) => config.registry.factsFor(id));
    const compiled = new Map<string, CompiledPolicy>();
    for (const workload of Object.values(config.workloads)) {
      compiled.set(workload.name, compileWorkloadPolicy(workload.policy, config.policy, { workload: workload.name, deployments: fleet }));
    }
    policies = compiled;
    built.set(config, policies);
  }
  return policies;
}
