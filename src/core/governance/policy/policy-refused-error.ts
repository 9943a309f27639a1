import { GatewayError } from '../../../spec/errors.js';
import type { DataClass } from '../deployment-facts.js';
import type { SensitiveFinding } from './sensitive-data-kinds.js';

/** A deployment the policy removed from a request's plan, and why. */
export interface DeniedDeployment {
  deployment: string;
  rule: string;
  /** What the deployment lacks (`not self-hosted`, `retains data 30 days`, `runs in us-east-1`). */
  reason: string;
}

export interface PolicyRefusalDetails {
  workload: string;
  dataClass: DataClass;
  raisedFrom?: DataClass;
  findings: readonly SensitiveFinding[];
  /** The rule the message leads with: the one that removed most deployments, or `on_sensitive.refuse`. */
  rule: string;
  /** Completes "may only use …" (`self-hosted deployments`). Absent for `on_sensitive.refuse`. */
  demand?: string;
  denied: readonly DeniedDeployment[];
}

/** Deployments listed by name in a refusal before the rest are counted. */
const LISTED_DEPLOYMENTS = 8;

export const formatFindings = (findings: readonly SensitiveFinding[]): string =>
  findings.map((finding) => `${finding.kind}×${finding.count}`).join(', ');

/**
 * A request no permitted deployment can serve, or one refused for the sensitive data it carries.
 * 403 with code `policy_violation`. It extends GatewayError rather than PermissionDeniedError
 * because that class fixes its code to the literal `permission_denied`; the OpenAI error type is
 * the same (`permission_error`).
 */
export class PolicyRefusedError extends GatewayError {
  readonly code = 'policy_violation';
  readonly httpStatus = 403;
  readonly isRetryable = false;
  override get type(): string {
    return 'permission_error';
  }
  readonly workload: string;
  readonly dataClass: DataClass;
  readonly raisedFrom: DataClass | undefined;
  readonly findings: readonly SensitiveFinding[];
  readonly rule: string;
  readonly denied: readonly DeniedDeployment[];

  constructor(details: PolicyRefusalDetails) {
    super(refusalMessage(details));
    this.workload = details.workload;
    this.dataClass = details.dataClass;
    this.raisedFrom = details.raisedFrom;
    this.findings = details.findings;
    this.rule = details.rule;
    this.denied = details.denied;
  }
}

/** The policy name of a request that named a model rather than a workload. */
export const DIRECT_REQUEST_POLICY = '(direct model request)';

function refusalMessage(details: PolicyRefusalDetails): string {
  const { workload, dataClass, raisedFrom, findings, rule, demand, denied } = details;
  const subject = workload === DIRECT_REQUEST_POLICY ? 'A request naming a model directly' : `Workload '${workload}'`;
  if (demand === undefined) {
    // Refused for its content: the data class it would have been raised to says why.
    return (
      `${subject} (data class ${raisedFrom ?? dataClass}) refuses requests carrying sensitive data ` +
      `(found ${formatFindings(findings)}, which would raise it to ${dataClass}) (policy ${rule}).`
    );
  }
  const raised = raisedFrom === undefined ? '' : `, raised from ${raisedFrom} by: ${formatFindings(findings)}`;
  const listed = denied.slice(0, LISTED_DEPLOYMENTS).map((entry) => `${entry.deployment} (${entry.reason})`);
  if (denied.length > LISTED_DEPLOYMENTS) listed.push(`and ${denied.length - LISTED_DEPLOYMENTS} more`);
  const candidates = listed.length === 0 ? 'no deployment is configured for it' : `no permitted deployment can serve it: ${listed.join(', ')}`;
  return `${subject} (data class ${dataClass}${raised}) may only use ${demand} (policy ${rule}); ${candidates}.`;
}
