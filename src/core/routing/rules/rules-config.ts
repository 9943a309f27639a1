import { z } from 'zod';

/**
 * The schema of a workload's `routing.rules`: static rules checked in order, the first whose
 * conditions all hold deciding where the request goes.
 *
 * ```yaml
 * routing:
 *   rules:
 *     - name: long-input
 *       when: { input_tokens: { above: 8000 } }
 *       model: claude-sonnet
 *     - when: { task: [code, legal] }
 *       model: gpt-4o
 *       fallbacks: [claude-sonnet]
 *     - when: { metadata: { tier: premium } }
 *       cascade: true
 * ```
 */

const count = z.number().int().nonnegative();

/** Bounds on a count; every bound given must hold. */
export const countRangeSchema = z
  .object({
    /** Strictly more than this. */
    above: count.optional(),
    /** Strictly fewer than this. */
    below: count.optional(),
    /** This many or more. */
    at_least: count.optional(),
    /** This many or fewer. */
    at_most: count.optional(),
  })
  .strict()
  .refine((range) => Object.values(range).some((bound) => bound !== undefined), 'expected at least one of above, below, at_least, at_most');

/** Request features `has` can test for. */
export const REQUEST_FEATURES = ['tools', 'images', 'json_schema', 'json_object'] as const;
export type RequestFeature = (typeof REQUEST_FEATURES)[number];

const oneOrMany = z.union([z.string().min(1), z.array(z.string().min(1)).min(1, 'expected at least one value')]);

/** Conditions of one rule. All given must hold (AND); a list inside one condition means any of its values. */
export const ruleConditionsSchema = z
  .object({
    /** Input tokens as the workload's primary model counts them (real tokenizer for OpenAI, estimate otherwise). */
    input_tokens: countRangeSchema.optional(),
    /** Number of messages in the request, system messages included. */
    messages: countRangeSchema.optional(),
    /** The task tag (header `x-switchyard-task` or `metadata.task`) is this value or one of these. */
    task: oneOrMany.optional(),
    /** The request uses any of these: `tools`, `images`, `json_schema` (structured output), `json_object` (JSON mode). */
    has: z.array(z.enum(REQUEST_FEATURES)).min(1, 'expected at least one feature').optional(),
    /** Each key's metadata value equals the given value (or one of a list); every key must match. */
    metadata: z
      .record(z.string().min(1), oneOrMany)
      .refine((entries) => Object.keys(entries).length > 0, 'expected at least one key')
      .optional(),
  })
  .strict()
  .refine((conditions) => Object.values(conditions).some((condition) => condition !== undefined), 'expected at least one condition');

export const routingRuleSchema = z
  .object({
    /** Shown in the routing reason; default `rule-<index>`. */
    name: z.string().min(1).optional(),
    when: ruleConditionsSchema,
    /** The logical model a matching request goes to… */
    model: z.string().min(1).optional(),
    /** …and the models tried, in order, if it fails (only with `model`). */
    fallbacks: z.array(z.string().min(1)).optional(),
    /** …or hand the request to the workload's cascade. */
    cascade: z.literal(true).optional(),
  })
  .strict()
  .superRefine((rule, context) => {
    if (rule.model === undefined && rule.cascade === undefined) {
      context.addIssue({ code: 'custom', path: ['model'], message: 'expected exactly one of model or cascade: true' });
    }
    if (rule.model !== undefined && rule.cascade !== undefined) {
      context.addIssue({ code: 'custom', path: ['cascade'], message: 'a rule sends to a model or to the cascade, not both' });
    }
    if (rule.fallbacks !== undefined && rule.model === undefined) {
      context.addIssue({ code: 'custom', path: ['fallbacks'], message: 'fallbacks need a model (a cascade has its own tiers)' });
    }
  });

export const routingRulesSchema = z.array(routingRuleSchema);

export type CountRange = z.output<typeof countRangeSchema>;
export type RuleConditions = z.output<typeof ruleConditionsSchema>;
export type RoutingRule = z.output<typeof routingRuleSchema>;
