import { z } from 'zod';

/** Flags a `regex` check may use; `g` and `y` are left out because they make `test()` stateful. */
const REGEX_FLAGS = /^[imsu]*$/;

/** Checks written as a bare name: they need no settings. */
const NAMED_CHECKS = ['json_schema', 'refusal'] as const;

/** What a `min_mean_logprob` check does when the tier's provider returned no log-probabilities. */
export const ON_UNAVAILABLE = ['pass', 'escalate'] as const;

/** How an `agreement` check compares the second sample with the tier's answer. */
export const AGREEMENT_COMPARE = ['final_answer', 'exact', 'normalized_text'] as const;

const agreementSchema = z
  .object({
    /** Answers compared, the tier's own included: 2 asks for one more sample. Every extra sample must agree. */
    samples: z.number().int().min(2).max(5).default(2),
    /** Logical model that draws the extra samples; default: the tier's own model. */
    model: z.string().min(1).optional(),
    /** `final_answer` (last `"answer":` field, `\boxed{}`, last number, else normalized text), `exact` or `normalized_text`. */
    compare: z.enum(AGREEMENT_COMPARE).default('final_answer'),
    /** Sampling temperature of the extra samples: above 0, so agreement means something. */
    temperature: z.number().min(0).max(2).default(0.7),
  })
  .strict();

const judgeSchema = z
  .object({
    /** Logical chat model that rates the answer from 1 to 10. */
    model: z.string().min(1),
    /** Lowest score accepted. */
    min_score: z.number().int().min(1).max(10).default(7),
    /** What a good answer looks like for this workload, added to the judge's instructions. */
    rubric: z.string().min(1).optional(),
    /** The judge replies with a number only; a tight cap keeps its cost down. */
    max_output_tokens: z.number().int().positive().default(5),
  })
  .strict();

/**
 * One check in object form. A single strict object with every kind's keys optional (rather than a
 * union of objects) so that a mistake is reported at the exact key, not as "no union branch matched".
 */
const checkObjectSchema = z
  .object({
    /** Top-level keys that must be present and non-null in the answer, parsed as JSON. */
    required_fields: z.array(z.string().min(1)).min(1).optional(),
    /** A pattern the answer text must match (JavaScript syntax), compiled when the config loads. */
    regex: z.string().min(1).optional(),
    /** Flags for `regex`: any of `i`, `m`, `s`, `u`. */
    flags: z.string().regex(REGEX_FLAGS, "expected flags among 'i', 'm', 's', 'u'").optional(),
    /** Lowest accepted mean token log-probability of the answer (the tier is asked for logprobs). */
    min_mean_logprob: z.number().max(0).optional(),
    /** With `min_mean_logprob`, when the provider returns no logprobs: `escalate` (default) or `pass`. */
    on_unavailable: z.enum(ON_UNAVAILABLE).optional(),
    /** More samples must agree with the answer. */
    agreement: agreementSchema.optional(),
    /** A judge model must rate the answer at least `min_score`. */
    judge: judgeSchema.optional(),
  })
  .strict()
  .superRefine((check, context) => {
    const kinds = (['required_fields', 'regex', 'min_mean_logprob', 'agreement', 'judge'] as const).filter((key) => check[key] !== undefined);
    if (kinds.length === 0) {
      const stray = check.flags !== undefined ? 'flags' : check.on_unavailable !== undefined ? 'on_unavailable' : undefined;
      context.addIssue({
        code: 'custom',
        path: stray === undefined ? [] : [stray],
        message: `expected one check: json_schema, refusal, required_fields, regex, min_mean_logprob, agreement or judge`,
      });
      return;
    }
    if (kinds.length > 1) {
      context.addIssue({ code: 'custom', path: [kinds[1]!], message: `one check per entry; '${kinds[0]}' and '${kinds[1]}' need an entry each` });
    }
    if (check.flags !== undefined && check.regex === undefined) context.addIssue({ code: 'custom', path: ['flags'], message: `'flags' goes with 'regex'` });
    if (check.on_unavailable !== undefined && check.min_mean_logprob === undefined) {
      context.addIssue({ code: 'custom', path: ['on_unavailable'], message: `'on_unavailable' goes with 'min_mean_logprob'` });
    }
    if (check.regex !== undefined) {
      try {
        new RegExp(check.regex, check.flags);
      } catch (error) {
        context.addIssue({ code: 'custom', path: ['regex'], message: `invalid regular expression: ${error instanceof Error ? error.message : String(error)}` });
      }
    }
  });

/** One check, normalised: a `kind` to switch on and its settings. */
export type CascadeCheckConfig =
  | { kind: 'json_schema' }
  | { kind: 'refusal' }
  | { kind: 'required_fields'; fields: string[] }
  | { kind: 'regex'; pattern: string; flags: string }
  | { kind: 'min_mean_logprob'; threshold: number; onUnavailable: (typeof ON_UNAVAILABLE)[number] }
  | { kind: 'agreement'; samples: number; model?: string; compare: (typeof AGREEMENT_COMPARE)[number]; temperature: number }
  | { kind: 'judge'; model: string; minScore: number; rubric?: string; maxOutputTokens: number };

export type CascadeCheckKind = CascadeCheckConfig['kind'];

const checkSchema = z.union([z.enum(NAMED_CHECKS), checkObjectSchema]).transform((check): CascadeCheckConfig => {
  if (typeof check === 'string') return { kind: check };
  if (check.required_fields !== undefined) return { kind: 'required_fields', fields: check.required_fields };
  if (check.regex !== undefined) return { kind: 'regex', pattern: check.regex, flags: check.flags ?? '' };
  if (check.min_mean_logprob !== undefined) {
    // Escalating is the safe default: the operator asked for this check, and an answer it cannot
    // vouch for should not be accepted silently. Steps record why, so a provider that never
    // returns logprobs shows up in the request log as `unavailable`.
    return { kind: 'min_mean_logprob', threshold: check.min_mean_logprob, onUnavailable: check.on_unavailable ?? 'escalate' };
  }
  if (check.agreement !== undefined) {
    const { samples, model, compare, temperature } = check.agreement;
    return { kind: 'agreement', samples, compare, temperature, ...(model === undefined ? {} : { model }) };
  }
  // The refinement above guarantees exactly one kind, so what is left is a judge.
  const judge = check.judge!;
  return {
    kind: 'judge',
    model: judge.model,
    minScore: judge.min_score,
    maxOutputTokens: judge.max_output_tokens,
    ...(judge.rubric === undefined ? {} : { rubric: judge.rubric }),
  };
});

/**
 * `workloads.<name>.routing.cascade`: run the cheapest tier first and escalate to the next when a
 * check on its answer fails; the last tier's answer is accepted unchecked.
 *
 * ```yaml
 * cascade:
 *   tiers: [llama-8b, gpt-4o]
 *   checks:
 *     - json_schema
 *     - { required_fields: [answer] }
 *     - { regex: '^\s*ANSWER:', flags: i }
 *     - refusal
 *     - { min_mean_logprob: -0.35, on_unavailable: escalate }
 *     - { agreement: { samples: 2, model: qwen-7b, compare: final_answer, temperature: 0.7 } }
 *     - { judge: { model: gpt-4o-mini, min_score: 7 } }
 * ```
 */
export const cascadeConfigSchema = z
  .object({
    /** Logical chat models, cheapest first; at least two. */
    tiers: z
      .array(z.string().min(1))
      .min(2, 'expected at least two tiers, cheapest first')
      .superRefine((tiers, context) => {
        tiers.forEach((tier, index) => {
          if (tiers.indexOf(tier) !== index) context.addIssue({ code: 'custom', path: [index], message: `tier '${tier}' is listed twice` });
        });
      }),
    /**
     * All must pass to accept a tier's answer. Local checks run first (in the order written), then
     * the ones that call a model (agreement, then judge), so a cheap failure saves a paid call.
     */
    checks: z.array(checkSchema).min(1, 'expected at least one check (without one, the first tier always answers)'),
    /** Streaming requests: `buffer` (the only mode) buffers each checked tier, checks it, then streams the accepted answer. */
    stream: z.enum(['buffer']).default('buffer'),
  })
  .strict();

export type CascadeConfig = z.output<typeof cascadeConfigSchema>;

/** A problem found when a cascade's models are checked against the configured models. */
export interface CascadeModelIssue {
  path: Array<string | number>;
  message: string;
}

/**
 * Cross-checks a cascade against the configured models: every tier, agreement model and judge
 * model must exist and be a chat model. `path` locates the cascade block (e.g.
 * `['workloads', 'support', 'routing', 'cascade']`); issues carry full paths.
 */
export function checkCascadeModels(
  config: CascadeConfig,
  knownModels: Readonly<Record<string, { kind: 'chat' | 'embedding' }>>,
  path: ReadonlyArray<string | number>,
): CascadeModelIssue[] {
  const issues: CascadeModelIssue[] = [];
  const check = (model: string, at: Array<string | number>) => {
    const known = knownModels[model];
    if (known === undefined) {
      const names = Object.keys(knownModels);
      issues.push({ path: [...path, ...at], message: `unknown model '${model}'; expected one of: ${names.join(', ') || '(no models defined)'}` });
    } else if (known.kind !== 'chat') {
      issues.push({ path: [...path, ...at], message: `model '${model}' is an embedding model; expected a chat model` });
    }
  };
  config.tiers.forEach((tier, index) => check(tier, ['tiers', index]));
  config.checks.forEach((entry, index) => {
    if (entry.kind === 'agreement' && entry.model !== undefined) check(entry.model, ['checks', index, 'agreement', 'model']);
    if (entry.kind === 'judge') check(entry.model, ['checks', index, 'judge', 'model']);
  });
  return issues;
}
