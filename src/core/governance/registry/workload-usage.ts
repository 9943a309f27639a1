import { formatPath } from '../../config/format-config-path.js';

/**
 * Which workloads use which models, and how: the usage index behind `registry list`, `registry
 * check` and exposure queries. A pure function of the resolved config, so it mirrors the routing
 * paths the pipeline can take:
 * - the workload's `route.model` (primary) and its fallbacks (own, else the model's);
 * - each routing rule's model, and its fallbacks (the rule's own, else the rule model's);
 * - the learned router's weak and strong models, the cascade's tiers, and the models its
 *   agreement and judge checks call — each of those brings its own model's fallbacks, because the
 *   pipeline plans a single model with the fallbacks configured for it;
 * - the judges of its evaluation: online judging, shadow runs and its eval set's judge scorer
 *   (a retired judge silently leaves every sample unscored, so it is as much a dependency).
 */

export const USAGE_ROLES = ['primary', 'fallback', 'rule_target', 'learned_weak', 'learned_strong', 'cascade_tier', 'agreement_model', 'judge_model'] as const;
export type UsageRole = (typeof USAGE_ROLES)[number];

export interface WorkloadModelUse {
  workload: string;
  model: string;
  role: UsageRole;
  /** Config path of the setting that creates the use (`workloads.support.routing.rules[0].model`). */
  path: string;
  /** For a fallback: the model it backs up. For a rule target: the rule's name. */
  via?: string;
}

/** The slice of a resolved config the index reads. */
export interface UsageInput {
  models: Readonly<Record<string, { fallbacks: ReadonlyArray<{ model: string }> }>>;
  workloads: Readonly<
    Record<
      string,
      {
        model: string;
        fallbacks: ReadonlyArray<{ model: string }>;
        routing?: {
          rules?: ReadonlyArray<{ name?: string; model?: string; fallbacks?: readonly string[] }>;
          learned?: { weak: string; strong: string };
          cascade?: { tiers: readonly string[]; checks: ReadonlyArray<{ kind: string; model?: string }> };
        };
        evaluation?: {
          online?: { judge: { model: string } };
          shadow?: { judge: { model: string } };
          eval_set?: { judge_model?: string };
        };
      }
    >
  >;
}

/** Every (workload, model, role) use, in config order, without duplicates. */
export function workloadUsage(config: UsageInput): WorkloadModelUse[] {
  const uses: WorkloadModelUse[] = [];
  const seen = new Set<string>();
  const add = (use: WorkloadModelUse) => {
    const key = `${use.workload}\u0000${use.model}\u0000${use.role}\u0000${use.path}`;
    if (seen.has(key)) return;
    seen.add(key);
    uses.push(use);
  };
  for (const [workload, entry] of Object.entries(config.workloads)) {
    const base = ['workloads', workload];
    /** A single model the pipeline plans on its own, with the fallbacks configured for that model. */
    const withModelFallbacks = (model: string, role: UsageRole, path: Array<string | number>, via?: string) => {
      add({ workload, model, role, path: formatPath(path), ...(via === undefined ? {} : { via }) });
      config.models[model]?.fallbacks.forEach((rule, index) =>
        add({ workload, model: rule.model, role: 'fallback', path: formatPath(['models', model, 'fallbacks', index]), via: model }),
      );
    };

    add({ workload, model: entry.model, role: 'primary', path: formatPath([...base, 'route', 'model']) });
    // A workload without its own fallbacks inherits its model's: point at the setting that exists.
    const modelFallbacks = config.models[entry.model]?.fallbacks.map((rule) => rule.model) ?? [];
    const inherited = entry.fallbacks.length > 0 && entry.fallbacks.map((rule) => rule.model).join('\u0000') === modelFallbacks.join('\u0000');
    entry.fallbacks.forEach((rule, index) => {
      const path = inherited ? ['models', entry.model, 'fallbacks', index] : [...base, 'route', 'fallbacks', index];
      add({ workload, model: rule.model, role: 'fallback', path: formatPath(path), via: entry.model });
    });

    const routing = entry.routing;
    routing?.rules?.forEach((rule, index) => {
      if (rule.model === undefined) return;
      const path = [...base, 'routing', 'rules', index];
      const name = rule.name ?? `rule-${index}`;
      if (rule.fallbacks === undefined) {
        withModelFallbacks(rule.model, 'rule_target', [...path, 'model'], name);
      } else {
        add({ workload, model: rule.model, role: 'rule_target', path: formatPath([...path, 'model']), via: name });
        rule.fallbacks.forEach((model, position) =>
          add({ workload, model, role: 'fallback', path: formatPath([...path, 'fallbacks', position]), via: rule.model }),
        );
      }
    });
    if (routing?.learned !== undefined) {
      withModelFallbacks(routing.learned.weak, 'learned_weak', [...base, 'routing', 'learned', 'weak']);
      withModelFallbacks(routing.learned.strong, 'learned_strong', [...base, 'routing', 'learned', 'strong']);
    }
    if (routing?.cascade !== undefined) {
      const cascadePath = [...base, 'routing', 'cascade'];
      routing.cascade.tiers.forEach((tier, index) => withModelFallbacks(tier, 'cascade_tier', [...cascadePath, 'tiers', index]));
      routing.cascade.checks.forEach((check, index) => {
        if (check.model === undefined) return;
        if (check.kind === 'agreement') withModelFallbacks(check.model, 'agreement_model', [...cascadePath, 'checks', index, 'agreement', 'model']);
        if (check.kind === 'judge') withModelFallbacks(check.model, 'judge_model', [...cascadePath, 'checks', index, 'judge', 'model']);
      });
    }
    const evaluation = entry.evaluation;
    const evaluationPath = [...base, 'evaluation'];
    if (evaluation?.online !== undefined) withModelFallbacks(evaluation.online.judge.model, 'judge_model', [...evaluationPath, 'online', 'judge', 'model']);
    if (evaluation?.shadow !== undefined) withModelFallbacks(evaluation.shadow.judge.model, 'judge_model', [...evaluationPath, 'shadow', 'judge', 'model']);
    if (evaluation?.eval_set?.judge_model !== undefined) {
      withModelFallbacks(evaluation.eval_set.judge_model, 'judge_model', [...evaluationPath, 'eval_set', 'judge_model']);
    }
  }
  return uses;
}

/** Uses grouped by model. */
export function usesByModel(uses: readonly WorkloadModelUse[]): Map<string, WorkloadModelUse[]> {
  const byModel = new Map<string, WorkloadModelUse[]>();
  for (const use of uses) {
    const list = byModel.get(use.model);
    if (list === undefined) byModel.set(use.model, [use]);
    else list.push(use);
  }
  return byModel;
}
