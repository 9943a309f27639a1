import type { ResolvedConfig } from '../config/resolve-config.js';
import { compileWorkloadPolicy, type CompiledPolicy } from './policy/compile-workload-policy.js';
import { DIRECT_REQUEST_POLICY } from './policy/policy-refused-error.js';
import { applyOverlay } from './registry-state/apply-registry-overlay.js';
import type { RegistryOverlaySnapshot } from './registry-state/registry-overlay.js';

interface CompiledPolicies {
  overlayVersion: number;
  policies: ReadonlyMap<string, CompiledPolicy>;
  /** Undefined when it would deny nothing (no retired model, no top-level requirement): direct requests then skip the stage. */
  direct: CompiledPolicy | undefined;
}

const built = new WeakMap<ResolvedConfig, CompiledPolicies>();

/**
 * Every workload's data policy, compiled against the registry's facts about every deployment —
 * config's registry with the live state (lifecycle changes made through the admin API) laid over
 * it. Compiled once per config and overlay version, beside the runtime like the routers: a reload
 * or a lifecycle change brings new policies, every other request reuses them. A workload without a
 * `policy` block gets the defaults: class `internal`, and no retired or unknown deployment.
 */
export function workloadPoliciesOf(config: ResolvedConfig, overlay?: RegistryOverlaySnapshot): ReadonlyMap<string, CompiledPolicy> {
  return compiledPolicies(config, overlay).policies;
}

/**
 * The policy of a request that names a model directly (no workload): the defaults of a workload
 * without a `policy` block under the top-level `policy` — above all, a retired model is refused
 * whichever way it is asked for. Undefined when that policy would deny no deployment, so the
 * common case costs direct requests nothing.
 */
export function directRequestPolicyOf(config: ResolvedConfig, overlay?: RegistryOverlaySnapshot): CompiledPolicy | undefined {
  return compiledPolicies(config, overlay).direct;
}

function compiledPolicies(config: ResolvedConfig, overlay: RegistryOverlaySnapshot | undefined): CompiledPolicies {
  const overlayVersion = overlay?.version ?? -1;
  const cached = built.get(config);
  if (cached && cached.overlayVersion === overlayVersion) return cached;
  const registry = overlay ? applyOverlay(config.registry, overlay) : config.registry;
  const fleet = Object.keys(config.deployments).map((id) => registry.factsFor(id));
  const policies = new Map<string, CompiledPolicy>();
  for (const workload of Object.values(config.workloads)) {
    policies.set(workload.name, compileWorkloadPolicy(workload.policy, config.policy, { workload: workload.name, deployments: fleet }));
  }
  const direct = compileWorkloadPolicy(undefined, config.policy, { workload: DIRECT_REQUEST_POLICY, deployments: fleet });
  // The default policy detects nothing, so a direct request always has its declared class.
  const permitted = direct.permittedDeployments(direct.classify([]).dataClass);
  const entry = { overlayVersion, policies, direct: fleet.every((facts) => permitted.has(facts.id)) ? undefined : direct };
  built.set(config, entry);
  return entry;
}
