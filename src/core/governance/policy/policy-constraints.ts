import type { DeploymentFacts } from '../deployment-facts.js';
import type { PolicyRequirements } from './policy-config.js';

/**
 * One requirement compiled to a check. `rule` names where it comes from in the config
 * (`require.self_hosted`, `data_class.restricted.self_hosted`, `lifecycle.retired`), `demand`
 * completes "may only use …" in refusals, and `check` says why facts fail it (undefined: they pass).
 */
export interface PolicyConstraint {
  readonly rule: string;
  readonly demand: string;
  check(facts: DeploymentFacts): string | undefined;
}

/** A retired deployment is never used, whatever the policy says. */
export const RETIRED_CONSTRAINT: PolicyConstraint = {
  rule: 'lifecycle.retired',
  demand: 'deployments that are not retired',
  check: (facts) => (facts.lifecycle === 'retired' ? 'retired' : undefined),
};

/**
 * True when `region` lies inside `allowed`: equal, or `allowed` followed by a `-`/`_` boundary
 * (`eu` allows `eu-west-1`; it does not allow `europe-west4`, so a partial word never widens a policy).
 */
export function regionWithin(region: string, allowed: string): boolean {
  if (!region.startsWith(allowed)) return false;
  if (region.length === allowed.length) return true;
  const next = region[allowed.length];
  const last = allowed[allowed.length - 1];
  return next === '-' || next === '_' || last === '-' || last === '_';
}

/**
 * Accumulates the constraints of several requirement blocks, most specific source first. A
 * requirement already asked by an earlier source is not repeated, so each refusal names one rule.
 */
export class ConstraintSet {
  readonly constraints: PolicyConstraint[] = [RETIRED_CONSTRAINT];
  private readonly flags = new Set<string>();
  private readonly regionLists = new Set<string>();
  private readonly certifications = new Set<string>();

  add(requirements: PolicyRequirements, rulePrefix: string): this {
    if (requirements.self_hosted) this.addFlag('self_hosted', rulePrefix, 'self-hosted deployments', (facts) => (facts.selfHosted ? undefined : 'not self-hosted'));
    if (requirements.zero_retention) {
      this.addFlag('zero_retention', rulePrefix, 'zero-retention deployments', (facts) =>
        facts.retentionDays === 0 ? undefined : facts.retentionDays === undefined ? 'retention unknown' : `retains data ${facts.retentionDays} days`,
      );
    }
    if (requirements.no_training) {
      this.addFlag('no_training', rulePrefix, 'deployments that do not train on prompts', (facts) =>
        facts.usedForTraining === false ? undefined : facts.usedForTraining === undefined ? 'training use unknown' : 'may train on prompts',
      );
    }
    if (requirements.open_weights) this.addFlag('open_weights', rulePrefix, 'open-weight models', (facts) => (facts.openWeights ? undefined : 'closed weights'));
    if (requirements.regions) this.addRegions(requirements.regions, rulePrefix);
    if (requirements.certifications) this.addCertifications(requirements.certifications, rulePrefix);
    return this;
  }

  private addFlag(key: string, rulePrefix: string, demand: string, check: (facts: DeploymentFacts) => string | undefined): void {
    if (this.flags.has(key)) return;
    this.flags.add(key);
    this.constraints.push({ rule: `${rulePrefix}.${key}`, demand, check });
  }

  private addRegions(regions: readonly string[], rulePrefix: string): void {
    const allowed = [...new Set(regions)].sort();
    const signature = allowed.join(',');
    if (this.regionLists.has(signature)) return;
    this.regionLists.add(signature);
    this.constraints.push({
      rule: `${rulePrefix}.regions`,
      demand: `deployments in regions ${allowed.join(', ')}`,
      check(facts) {
        if (facts.regions.length === 0) return 'regions unknown';
        const outside = facts.regions.filter((region) => !allowed.some((prefix) => regionWithin(region.toLowerCase(), prefix)));
        return outside.length === 0 ? undefined : `runs in ${outside.join(', ')}`;
      },
    });
  }

  private addCertifications(certifications: readonly string[], rulePrefix: string): void {
    const added = [...new Set(certifications)].filter((certification) => !this.certifications.has(certification));
    if (added.length === 0) return;
    for (const certification of added) this.certifications.add(certification);
    this.constraints.push({
      rule: `${rulePrefix}.certifications`,
      demand: `deployments certified ${added.join(', ')}`,
      check(facts) {
        const held = new Set(facts.certifications.map((certification) => certification.toLowerCase()));
        const missing = added.filter((certification) => !held.has(certification));
        return missing.length === 0 ? undefined : `lacks ${missing.join(', ')}`;
      },
    });
  }
}
