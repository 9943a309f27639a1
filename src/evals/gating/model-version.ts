import { WORKLOAD_MODEL_PREFIX, type ResolvedConfig } from '../../core/config/resolve-config.js';
import { workloadUsage } from '../../core/governance/registry/workload-usage.js';

/** What a model name stands for when nothing in config says: recorded so such runs never match a real version. */
export const UNRESOLVED_MODEL_VERSION = '(unresolved)';

/**
 * The version fingerprint of a model: each of its deployments as `provider:upstream-model@version`,
 * sorted and space-separated. A new pinned version, a changed upstream model id or another provider
 * gives another fingerprint, so a gate passed by the old version does not approve the new one.
 * Deployment ids and weights are left out: they do not change what answers.
 *
 * For `workload/<name>` it covers every model the workload's routing can reach (route, fallbacks,
 * rules, learned router, cascade), since any of them may answer its cases.
 */
export function modelVersionOf(config: Pick<ResolvedConfig, 'models' | 'workloads'>, model: string): string {
  const models = model.startsWith(WORKLOAD_MODEL_PREFIX) ? workloadModels(config, model.slice(WORKLOAD_MODEL_PREFIX.length)) : [model];
  const entries = new Set<string>();
  for (const name of models) {
    for (const deployment of config.models[name]?.deployments ?? []) {
      entries.add(`${deployment.provider}:${deployment.model}${deployment.version === undefined ? '' : `@${deployment.version}`}`);
    }
  }
  return entries.size === 0 ? UNRESOLVED_MODEL_VERSION : [...entries].sort().join(' ');
}

function workloadModels(config: Pick<ResolvedConfig, 'models' | 'workloads'>, workload: string): string[] {
  if (config.workloads[workload] === undefined) return [];
  return workloadUsage({ models: config.models, workloads: { [workload]: config.workloads[workload] } }).map((use) => use.model);
}
