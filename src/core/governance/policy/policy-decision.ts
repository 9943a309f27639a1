import type { DataClass } from '../deployment-facts.js';
import type { SensitiveFinding } from './sensitive-data-kinds.js';

/**
 * What the policy decided for one request, for the request log. Holds kinds and counts of
 * findings, never a matched value.
 */
export interface PolicyDecision {
  /** The class the request was handled at. */
  dataClass: DataClass;
  /** The workload's declared class, when sensitive data raised the request above it. */
  raisedFrom?: DataClass;
  findings: SensitiveFinding[];
  /** Deployments the plan named but the policy removed, each with the rule that removed it. */
  denied: Array<{ deployment: string; rule: string }>;
  /** The rule that refused the request outright (`on_sensitive.refuse`, `data_class.restricted.self_hosted`…). */
  refused?: string;
}
