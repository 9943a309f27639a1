import { InvalidRequestError } from '../../../spec/errors.js';
import type { ResolvedConfig } from '../../config/resolve-config.js';
import { compileWorkloadPolicy } from '../policy/compile-workload-policy.js';
import { workloadUsage, type WorkloadModelUse } from '../registry/workload-usage.js';
import type { WorkloadPolicyPredicate } from './compute-exposure.js';
import { exposureDeployments } from './exposure-deployments.js';
import type { ExposureDeployment } from './exposure-target.js';

/**
 * What exposure needs from a resolved config, built by the host from the registry and the policy
 * engine: every deployment with its facts (`exposureDeployments(config, registry.factsFor)`), the
 * usage index (`workloadUsage(config)`) and the policy check.
 */
export interface ExposureCatalogue {
  deployments: readonly ExposureDeployment[];
  usage: readonly WorkloadModelUse[];
  allows?: WorkloadPolicyPredicate;
}

export const DEFAULT_EXPOSURE_DAYS = 7;
const MAX_EXPOSURE_DAYS = 3650;

/** `--days` / `days=`: a whole number of days, 1 to 3650. */
export function parseExposureDays(text: string | undefined, param: string): number {
  if (text === undefined) return DEFAULT_EXPOSURE_DAYS;
  const days = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(days) || days < 1 || days > MAX_EXPOSURE_DAYS) {
    throw new InvalidRequestError(`${param} must be a whole number of days from 1 to ${MAX_EXPOSURE_DAYS}; got '${text}'.`, { param });
  }
  return days;
}

const catalogues = new WeakMap<ResolvedConfig, ExposureCatalogue>();

/**
 * The catalogue of a resolved config, built once per config: the registry's facts and usage index,
 * and each workload's compiled policy at its declared data class as the alternatives check.
 */
export function exposureCatalogueOf(config: ResolvedConfig): ExposureCatalogue {
  let catalogue = catalogues.get(config);
  if (catalogue !== undefined) return catalogue;
  const deployments = exposureDeployments(config, (id) => config.registry.factsFor(id));
  const permitted = new Map<string, ReadonlySet<string>>();
  for (const workload of Object.values(config.workloads)) {
    const policy = compileWorkloadPolicy(workload.policy, config.policy, { workload: workload.name, deployments });
    permitted.set(workload.name, policy.permittedDeployments(policy.declaredClass));
  }
  catalogue = {
    deployments,
    usage: workloadUsage(config),
    allows: (workload, facts) => permitted.get(workload)?.has(facts.id) ?? false,
  };
  catalogues.set(config, catalogue);
  return catalogue;
}
