import type { ResolvedConfig } from '../../core/config/resolve-config.js';
import type { EvaluationStore } from '../../core/evaluation/evaluation-records.js';
import type { Registry } from '../../core/governance/registry/resolve-registry.js';
import { checkApprovalGates, type WorkloadGateState } from './approval-gates.js';

/** An approved model whose approval a workload's gate no longer (or never) backed. */
export interface UngatedApproval {
  model: string;
  workload: string;
  /** `missing`, `failed` or `set_unreadable` (see `checkApprovalGates`). */
  state: Exclude<WorkloadGateState, 'passed' | 'no_eval_set'>;
  modelVersion: string;
  evalSet: string;
  command: string;
  message: string;
}

/**
 * For `registry check --gates`: models approved (in config, or live when `registry` is the
 * overlaid view) that lack the gate evidence an approval through the admin API would need — a
 * version bumped in config after approval, an edited eval set, a failing drift re-run, or a model
 * approved in config before its workload had an eval set.
 */
export async function findUngatedApprovals(input: {
  config: Pick<ResolvedConfig, 'file' | 'models' | 'workloads'>;
  /** The registry's models (a `Registry`, or its overlaid view); only their lifecycle is read. */
  registry: { models: Readonly<Record<string, Pick<Registry['models'][string], 'lifecycle'>>> };
  store: Pick<EvaluationStore, 'listGates'> | undefined;
}): Promise<UngatedApproval[]> {
  const findings: UngatedApproval[] = [];
  for (const [model, entry] of Object.entries(input.registry.models).sort(([left], [right]) => left.localeCompare(right))) {
    if (entry.lifecycle !== 'approved') continue;
    const check = await checkApprovalGates({ config: input.config, model, store: input.store });
    for (const status of check.workloads) {
      if (status.state === 'passed' || status.state === 'no_eval_set') continue;
      const evalSet = status.evalSet?.configuredPath ?? '?';
      const why = status.state === 'failed' ? `its newest gate failed (${status.gate?.reason})` : status.state === 'set_unreadable' ? 'its eval set cannot be read' : 'no passing gate is recorded';
      findings.push({
        model,
        workload: status.workload,
        state: status.state,
        modelVersion: check.modelVersion,
        evalSet,
        command: status.command ?? '',
        message: `${model} is approved, but for version ${check.modelVersion} on workload ${status.workload}'s eval set ${evalSet} ${why}; run \`${status.command}\``,
      });
    }
  }
  return findings;
}
