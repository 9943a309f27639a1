import type { ChatCall } from '../../../spec/chat-call.js';
import { DATA_CLASSES, dataClassRank, type DataClass, type DeploymentFacts } from '../deployment-facts.js';
import { createSensitiveDataScanner, type SensitiveDataScanner } from './detect-sensitive-data.js';
import {
  dataClassRequirements,
  sensitiveKindClasses,
  workloadPolicySchema,
  type GlobalPolicyConfig,
  type WorkloadPolicyConfig,
  type WorkloadUse,
} from './policy-config.js';
import { ConstraintSet, type PolicyConstraint } from './policy-constraints.js';
import type { PolicyDecision } from './policy-decision.js';
import { PolicyRefusedError, type DeniedDeployment } from './policy-refused-error.js';
import { SENSITIVE_DATA_KINDS, type SensitiveDataKind, type SensitiveFinding } from './sensitive-data-kinds.js';
import { merged } from '../../../spec/merged.js';

export type PolicyVerdict = { allowed: true } | { allowed: false; rule: string; reason: string };

/** A request's data class after sensitive-data detection. */
export interface RequestClassification {
  dataClass: DataClass;
  /** The workload's declared class, when findings raised the request above it. */
  raisedFrom?: DataClass;
  /** Findings of kinds that could raise this workload's class (others are not scanned for). */
  findings: SensitiveFinding[];
  /** `on_sensitive.refuse` when the workload refuses such requests outright. */
  refused?: string;
}

/** Rule reported for a deployment the registry has no facts for: unknown means not permitted. */
export const UNKNOWN_DEPLOYMENT_RULE = 'registry.unknown_deployment';
export const REFUSE_ON_SENSITIVE_RULE = 'on_sensitive.refuse';

export interface CompiledPolicy {
  readonly workload: string;
  readonly declaredClass: DataClass;
  readonly detectSensitive: boolean;
  readonly onSensitive: 'raise' | 'refuse';
  /** Declared use, for the registry's licence checks. */
  readonly use: WorkloadUse | undefined;
  /** The effective requirements at a class: the class's (and lower classes'), then the workload's. */
  constraints(dataClass: DataClass): readonly PolicyConstraint[];
  evaluate(facts: DeploymentFacts, dataClass: DataClass): PolicyVerdict;
  /** Ids of fleet deployments a request of this class may reach; computed once per class. */
  permittedDeployments(dataClass: DataClass): ReadonlySet<string>;
  /** Why a deployment is not permitted at a class (a lookup), or undefined when it is. */
  denial(deploymentId: string, dataClass: DataClass): DeniedDeployment | undefined;
  /** The request's class given its findings (raised per `policy.sensitive_data.kinds`). */
  classify(findings: readonly SensitiveFinding[]): RequestClassification;
  /** Scans the call when `detect_sensitive` is on, then classifies it. */
  inspect(call: ChatCall): RequestClassification;
  /** The record for the request log. */
  decision(classification: RequestClassification, deniedDeploymentIds: Iterable<string>, refusedRule?: string): PolicyDecision;
  /** The error for a refused request: `on_sensitive.refuse`, or no permitted deployment in its plan. */
  refusal(classification: RequestClassification, deniedDeploymentIds: Iterable<string>): PolicyRefusedError;
}

export interface PolicyCompileContext {
  /** Workload name, for refusals. */
  workload?: string;
  /** Every deployment the registry knows, for `permittedDeployments`. */
  deployments?: readonly DeploymentFacts[];
}

interface ClassTable {
  permitted: Set<string>;
  denials: Map<string, DeniedDeployment>;
}

const DEFAULT_WORKLOAD_POLICY = workloadPolicySchema.parse({});

/**
 * Compiles a workload's policy at config build. Everything the request path asks — permitted
 * deployments, why one is denied, the class findings raise to — is then a lookup; the only
 * per-request work is the optional sensitive-data scan.
 */
export function compileWorkloadPolicy(
  workloadPolicy: WorkloadPolicyConfig | undefined,
  globalPolicy: GlobalPolicyConfig | undefined,
  context: PolicyCompileContext = {},
): CompiledPolicy {
  const policy = workloadPolicy ?? DEFAULT_WORKLOAD_POLICY;
  const workload = context.workload ?? '(unnamed)';
  const fleet = context.deployments ?? [];
  const fleetById = new Map(fleet.map((facts) => [facts.id, facts]));
  const declaredClass = policy.data_class;
  const declaredRank = dataClassRank(declaredClass);
  const classRequirements = dataClassRequirements(globalPolicy);
  const kindClasses = sensitiveKindClasses(globalPolicy);

  const constraintsByClass = new Map<DataClass, readonly PolicyConstraint[]>();
  for (const dataClass of DATA_CLASSES) {
    const set = new ConstraintSet();
    // Most sensitive class first, so a raised request's refusal names the class that raised it.
    for (let rank = dataClassRank(dataClass); rank >= 0; rank--) {
      const source = DATA_CLASSES[rank]!;
      set.add(classRequirements[source], `data_class.${source}`);
    }
    if (policy.require) set.add(policy.require, 'require');
    constraintsByClass.set(dataClass, set.constraints);
  }
  const constraintsOf = (dataClass: DataClass): readonly PolicyConstraint[] => constraintsByClass.get(dataClass)!;

  const check = (facts: DeploymentFacts, dataClass: DataClass): DeniedDeployment | undefined => {
    for (const constraint of constraintsOf(dataClass)) {
      const reason = constraint.check(facts);
      if (reason !== undefined) return { deployment: facts.id, rule: constraint.rule, reason };
    }
    return undefined;
  };

  const tables = new Map<DataClass, ClassTable>();
  const tableOf = (dataClass: DataClass): ClassTable => {
    let table = tables.get(dataClass);
    if (!table) {
      table = { permitted: new Set(), denials: new Map() };
      for (const facts of fleet) {
        const denied = check(facts, dataClass);
        if (denied) table.denials.set(facts.id, denied);
        else table.permitted.add(facts.id);
      }
      tables.set(dataClass, table);
    }
    return table;
  };

  // Only kinds that would raise the declared class are worth scanning for.
  const raisingKinds: SensitiveDataKind[] = SENSITIVE_DATA_KINDS.filter((kind) => dataClassRank(kindClasses[kind]) > declaredRank);
  const scanner: SensitiveDataScanner | undefined =
    policy.detect_sensitive && raisingKinds.length > 0 ? createSensitiveDataScanner(raisingKinds) : undefined;
  const stopOnAny = new Set(raisingKinds);

  const classify = (findings: readonly SensitiveFinding[]): RequestClassification => {
    let rank = declaredRank;
    const raising: SensitiveFinding[] = [];
    for (const finding of findings) {
      const findingRank = dataClassRank(kindClasses[finding.kind]);
      if (findingRank <= declaredRank) continue;
      raising.push({ kind: finding.kind, count: finding.count });
      if (findingRank > rank) rank = findingRank;
    }
    if (raising.length === 0) return { dataClass: declaredClass, findings: [] };
    const classification: RequestClassification = { dataClass: DATA_CLASSES[rank]!, raisedFrom: declaredClass, findings: raising };
    if (policy.on_sensitive === 'refuse') classification.refused = REFUSE_ON_SENSITIVE_RULE;
    return classification;
  };

  const denialOf = (deploymentId: string, dataClass: DataClass): DeniedDeployment | undefined => {
    const table = tableOf(dataClass);
    if (table.permitted.has(deploymentId)) return undefined;
    return table.denials.get(deploymentId) ?? { deployment: deploymentId, rule: UNKNOWN_DEPLOYMENT_RULE, reason: 'not in the registry' };
  };

  return {
    workload,
    declaredClass,
    detectSensitive: policy.detect_sensitive,
    onSensitive: policy.on_sensitive,
    use: policy.use,
    constraints: constraintsOf,
    evaluate(facts, dataClass) {
      // Facts from the compiled fleet are answered from the table; others are checked afresh.
      const denied = fleetById.get(facts.id) === facts ? denialOf(facts.id, dataClass) : check(facts, dataClass);
      return denied ? { allowed: false, rule: denied.rule, reason: denied.reason } : { allowed: true };
    },
    permittedDeployments: (dataClass) => tableOf(dataClass).permitted,
    denial: denialOf,
    classify,
    inspect(call) {
      if (!scanner) return { dataClass: declaredClass, findings: [] };
      // A refusing workload needs one finding, not a count: stop at the first.
      if (policy.on_sensitive === 'refuse') return classify(scanner.scanUntil(call, stopOnAny).findings);
      return classify(scanner.scan(call));
    },
    decision(classification, deniedDeploymentIds, refusedRule) {
      const decision: PolicyDecision = {
        dataClass: classification.dataClass,
        findings: classification.findings,
        denied: [...deniedDeploymentIds].map((deployment) => ({
          deployment,
          rule: denialOf(deployment, classification.dataClass)?.rule ?? UNKNOWN_DEPLOYMENT_RULE,
        })),
      };
      if (classification.raisedFrom !== undefined) decision.raisedFrom = classification.raisedFrom;
      const refused = refusedRule ?? classification.refused;
      if (refused !== undefined) decision.refused = refused;
      return decision;
    },
    refusal(classification, deniedDeploymentIds) {
      const base = {
        workload,
        dataClass: classification.dataClass,
        ...(classification.raisedFrom !== undefined ? { raisedFrom: classification.raisedFrom } : {}),
        findings: classification.findings,
      };
      if (classification.refused !== undefined) return new PolicyRefusedError(merged(base, { rule: classification.refused, denied: [] }));
      const denied: DeniedDeployment[] = [];
      for (const deploymentId of new Set(deniedDeploymentIds)) {
        const entry = denialOf(deploymentId, classification.dataClass);
        if (entry) denied.push(entry);
      }
      const constraints = constraintsOf(classification.dataClass);
      const lead = leadingConstraint(denied, constraints);
      return new PolicyRefusedError(merged(base, { rule: lead.rule, demand: lead.demand, denied }));
    },
  };
}

/** The constraint that removed most deployments (ties: the earlier, more specific one). */
function leadingConstraint(denied: readonly DeniedDeployment[], constraints: readonly PolicyConstraint[]): { rule: string; demand: string } {
  const counts = new Map<string, number>();
  for (const entry of denied) counts.set(entry.rule, (counts.get(entry.rule) ?? 0) + 1);
  let best: PolicyConstraint | undefined;
  for (const constraint of constraints) {
    const count = counts.get(constraint.rule) ?? 0;
    if (count > 0 && (best === undefined || count > counts.get(best.rule)!)) best = constraint;
  }
  if (best) return best;
  if (counts.has(UNKNOWN_DEPLOYMENT_RULE)) return { rule: UNKNOWN_DEPLOYMENT_RULE, demand: 'deployments known to the registry' };
  // Nothing was denied: the plan was empty to begin with; name the strictest requirement in force.
  const strictest = constraints[constraints.length > 1 ? 1 : 0]!;
  return { rule: strictest.rule, demand: strictest.demand };
}
