import type { RoutingRule } from './rules-config.js';

/** A problem in a workload's rules, in the shape resolve-config's `issue(path, message)` takes. */
export interface RuleTargetIssue {
  path: Array<string | number>;
  message: string;
}

export interface CheckRuleTargetsOptions {
  /** Whether the workload has a cascade for `cascade: true` rules to hand requests to. */
  hasCascade: boolean;
}

/**
 * Cross-checks rules against the config (what the schema alone cannot): every model and fallback a
 * rule names must be a configured chat model, a cascade rule needs a cascade, names are unique.
 * `path` is where the rules list sits, e.g. `['workloads', 'support', 'routing', 'rules']`.
 */
export function checkRuleTargets(
  rules: readonly RoutingRule[],
  knownModels: Readonly<Record<string, { kind?: 'chat' | 'embedding' }>>,
  path: ReadonlyArray<string | number>,
  options: CheckRuleTargetsOptions,
): RuleTargetIssue[] {
  const issues: RuleTargetIssue[] = [];
  const known = Object.keys(knownModels);
  const checkModel = (model: string, at: Array<string | number>) => {
    const config = knownModels[model];
    if (!config) issues.push({ path: at, message: `unknown model '${model}'; expected one of: ${known.join(', ') || '(no models defined)'}` });
    else if (config.kind === 'embedding') issues.push({ path: at, message: `model '${model}' is an embedding model; expected a chat model` });
  };
  const names = new Map<string, number>();
  rules.forEach((rule, index) => {
    const rulePath = [...path, index];
    if (rule.name !== undefined) {
      const earlier = names.get(rule.name);
      if (earlier !== undefined) issues.push({ path: [...rulePath, 'name'], message: `duplicate rule name '${rule.name}' (also rule ${earlier})` });
      else names.set(rule.name, index);
    }
    if (rule.model !== undefined) checkModel(rule.model, [...rulePath, 'model']);
    rule.fallbacks?.forEach((fallback, position) => {
      const at = [...rulePath, 'fallbacks', position];
      if (fallback === rule.model) issues.push({ path: at, message: `rule falls back to its own model '${fallback}'` });
      else checkModel(fallback, at);
    });
    if (rule.cascade && !options.hasCascade) {
      issues.push({ path: [...rulePath, 'cascade'], message: 'this workload has no cascade configured to hand requests to' });
    }
  });
  return issues;
}
