import type { ResolvedConfig } from '../../core/config/resolve-config.js';
import type { EvaluationStore, GateRecord } from '../../core/evaluation/evaluation-records.js';
import { workloadUsage, type UsageRole } from '../../core/governance/registry/workload-usage.js';
import { InvalidRequestError } from '../../spec/errors.js';
import { hashEvalSetFile } from './eval-set-identity.js';
import { isSelfComparison } from './gate-record.js';
import { modelVersionOf } from './model-version.js';
import { workloadEvalSet } from './workload-eval-set.js';

/** Gates looked at per approval; far more than one model gathers between two config changes. */
const GATES_READ = 1000;

export type WorkloadGateState =
  /** The workload declares no eval set: nothing to gate on. */
  | 'no_eval_set'
  /** A passing gate on the current set and version, and no later failing one. */
  | 'passed'
  /** No passing gate for this version of the model on this version of the set. */
  | 'missing'
  /** The newest gate for this version and set failed (a drift re-run, or a retry that did worse). */
  | 'failed'
  /** The set file cannot be read, so no gate can be matched to it. */
  | 'set_unreadable';

/** One workload's part in an approval. */
export interface WorkloadGateStatus {
  workload: string;
  /** How the workload would use the model (primary, fallback, rule target…). */
  roles: UsageRole[];
  state: WorkloadGateState;
  evalSet?: { path: string; configuredPath: string; hash?: string };
  /** The passing gate used as evidence, or the failing gate that blocks. */
  gate?: Pick<GateRecord, 'id' | 'time' | 'baseline' | 'baselineVersion' | 'passed' | 'reason' | 'trigger'>;
  /** What to run to produce the missing evidence. */
  command?: string;
  /** What the command needs to know when the candidate is already the workload's current model. */
  commandNote?: string;
  detail?: string;
}

export interface ApprovalGateCheck {
  model: string;
  /** The model's current version fingerprint (see `modelVersionOf`); gates must be for it. */
  modelVersion: string;
  /** Every workload that uses the model has a passing gate or needs none. */
  satisfied: boolean;
  workloads: WorkloadGateStatus[];
  /** Ids of the gates that approve, for the audit entry. */
  gateIds: string[];
}

/**
 * Whether `model` may be approved: for every workload that would use it and declares an eval set,
 * the store must hold a passing gate with this model as candidate, on the set's current contents
 * (same SHA-256) and for the model's current version fingerprint — the newest such gate deciding,
 * so a later failure (a drift re-run) withdraws the evidence. A gate of a model against the same
 * version of itself is no evidence. Gates recorded without a workload (`eval gate --set`) count
 * when their set hash matches: the hash, not the name, says which set it was.
 */
export async function checkApprovalGates(input: {
  config: Pick<ResolvedConfig, 'file' | 'models' | 'workloads'>;
  model: string;
  store: Pick<EvaluationStore, 'listGates'> | undefined;
}): Promise<ApprovalGateCheck> {
  const { config, model } = input;
  const modelVersion = modelVersionOf(config, model);
  const roles = new Map<string, UsageRole[]>();
  for (const use of workloadUsage(config)) {
    if (use.model !== model) continue;
    const list = roles.get(use.workload) ?? [];
    if (!list.includes(use.role)) list.push(use.role);
    roles.set(use.workload, list);
  }
  const needsGate = [...roles.keys()].some((workload) => config.workloads[workload]?.evaluation?.eval_set !== undefined);
  const gates = needsGate && input.store !== undefined ? await input.store.listGates({ candidate: model, limit: GATES_READ }) : [];
  const newestFirst = [...gates].sort((left, right) => right.time - left.time);

  const workloads: WorkloadGateStatus[] = [];
  for (const [workload, workloadRoles] of roles) {
    const set = workloadEvalSet(config, workload);
    if (set === undefined) {
      workloads.push({ workload, roles: workloadRoles, state: 'no_eval_set' });
      continue;
    }
    const base = { workload, roles: workloadRoles, command: gateCommand(workload, model), ...(set.routeModel === model ? { commandNote: currentModelNote(model) } : {}) };
    let hash: string;
    try {
      hash = await hashEvalSetFile(set.path);
    } catch (error) {
      workloads.push({ ...base, state: 'set_unreadable', evalSet: { path: set.path, configuredPath: set.configuredPath }, detail: error instanceof Error ? error.message : String(error) });
      continue;
    }
    const evalSet = { path: set.path, configuredPath: set.configuredPath, hash };
    if (input.store === undefined) {
      workloads.push({ ...base, state: 'missing', evalSet, detail: 'there is no evaluation store (request_log.enabled: false), so no gate result can be found' });
      continue;
    }
    const matching = newestFirst.filter(
      (gate) => gate.candidate === model && gate.setHash === hash && gate.candidateVersion === modelVersion && (gate.workload === undefined || gate.workload === workload),
    );
    const newest = matching[0];
    if (newest !== undefined && !newest.passed) {
      workloads.push({ ...base, state: 'failed', evalSet, gate: gateSummary(newest) });
      continue;
    }
    const evidence = matching.find((gate) => gate.passed && !isSelfComparison(gate));
    if (evidence === undefined) workloads.push({ ...base, state: 'missing', evalSet });
    else workloads.push({ workload, roles: workloadRoles, state: 'passed', evalSet, gate: gateSummary(evidence) });
  }
  workloads.sort((left, right) => left.workload.localeCompare(right.workload));
  return {
    model,
    modelVersion,
    satisfied: workloads.every((status) => status.state === 'passed' || status.state === 'no_eval_set'),
    workloads,
    gateIds: workloads.flatMap((status) => (status.state === 'passed' && status.gate !== undefined ? [status.gate.id] : [])),
  };
}

/** Refusal of an approval that lacks gate evidence: 409, code `gate_required`. */
export class GateRequiredError extends InvalidRequestError {
  override readonly httpStatus = 409;
  constructor(
    message: string,
    readonly check: ApprovalGateCheck,
  ) {
    super(message, { code: 'gate_required' });
  }
}

/** The refusal's message: each blocking workload, its set, why, and the exact command to run. */
export function gateRequiredMessage(check: ApprovalGateCheck): string {
  const blocking = check.workloads.filter((status) => status.state !== 'passed' && status.state !== 'no_eval_set');
  const parts = blocking.map((status) => {
    const set = status.evalSet?.configuredPath ?? '?';
    const why =
      status.state === 'failed'
        ? `the newest gate for this version (${status.gate?.id}, ${status.gate?.trigger}) failed: ${status.gate?.reason}`
        : status.state === 'set_unreadable'
          ? `its eval set cannot be read (${status.detail})`
          : status.detail ?? 'no passing gate for this version of the model on the current contents of the set';
    return `workload '${status.workload}' (eval set ${set}): ${why}; run \`${status.command}\`${status.commandNote === undefined ? '' : ` (${status.commandNote})`}`;
  });
  const free = check.workloads.filter((status) => status.state === 'no_eval_set').map((status) => status.workload);
  return [
    `Model '${check.model}' cannot be approved without a passing gate on the eval set of every workload that uses it (version ${check.modelVersion}).`,
    ...parts.map((part) => `${part}.`),
    ...(free.length === 0 ? [] : [`Workloads without an eval set need no gate: ${free.join(', ')}.`]),
  ].join(' ');
}

/**
 * The gate command's default baseline is the workload's current model; when that is the candidate
 * itself (a new version under the same name), the gate compares with its recorded run of an earlier
 * version, which exists only if one was recorded before the change.
 */
function currentModelNote(model: string): string {
  return `${model} is already the workload's current model, so the gate compares it with its newest recorded run of an earlier version; where none was recorded, add --baseline <another model>`;
}

/** `switchyard eval gate --workload W --candidate M`, quoted for a POSIX shell where needed. */
export function gateCommand(workload: string, model: string): string {
  return `switchyard eval gate --workload ${shellWord(workload)} --candidate ${shellWord(model)}`;
}

function shellWord(word: string): string {
  return /^[\w./:@%+=-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

function gateSummary(gate: GateRecord): NonNullable<WorkloadGateStatus['gate']> {
  return { id: gate.id, time: gate.time, baseline: gate.baseline, baselineVersion: gate.baselineVersion, passed: gate.passed, reason: gate.reason, trigger: gate.trigger };
}

/** How an approval's gate evidence is shown in the response and the audit entry. */
export interface ApprovalGatesView {
  modelVersion: string;
  /** The gates that approve the model, one per gated workload. */
  gateIds: string[];
  workloads: Array<{ workload: string; state: WorkloadGateState; evalSet: string | null; setHash: string | null; gateId: string | null; note?: string }>;
}

export function approvalGatesView(check: ApprovalGateCheck): ApprovalGatesView {
  return {
    modelVersion: check.modelVersion,
    gateIds: check.gateIds,
    workloads: check.workloads.map((status) => ({
      workload: status.workload,
      state: status.state,
      evalSet: status.evalSet?.configuredPath ?? null,
      setHash: status.evalSet?.hash ?? null,
      gateId: status.gate?.id ?? null,
      ...(status.state === 'no_eval_set' ? { note: 'the workload declares no evaluation.eval_set, so it needs no gate' } : {}),
    })),
  };
}
