import { z } from 'zod';

/**
 * How a case is scored, as written in an eval set (per case) or in the runner's config (per set).
 * snake_case keys, `.strict()` so a misspelt option is an error rather than a silent default.
 */

/** Text normalisation applied to both answer and expected value before `exact` / `contains`. */
export const normalisationSchema = z
  .object({
    /** Trim leading and trailing whitespace. */
    trim: z.boolean().default(true),
    /** Collapse runs of whitespace into one space. */
    collapse_whitespace: z.boolean().default(true),
    /** Compare case-sensitively. */
    case_sensitive: z.boolean().default(true),
    /** Remove ASCII punctuation (keeps letters, digits, whitespace). */
    strip_punctuation: z.boolean().default(false),
  })
  .strict();
export type Normalisation = z.infer<typeof normalisationSchema>;

export const exactScorerSpecSchema = z
  .object({
    type: z.literal('exact'),
    /** Overrides the case's `expected`. */
    value: z.string().optional(),
    normalise: normalisationSchema.prefault({}),
  })
  .strict();

export const containsScorerSpecSchema = z
  .object({
    type: z.literal('contains'),
    /** Substrings to look for; defaults to the case's `expected`. */
    values: z.array(z.string()).min(1).optional(),
    /** `all`: every value must occur; `any`: one is enough. */
    mode: z.enum(['all', 'any']).default('all'),
    normalise: normalisationSchema.prefault({}),
  })
  .strict();

export const regexScorerSpecSchema = z
  .object({
    type: z.literal('regex'),
    /** JavaScript regular expression source; defaults to the case's `expected`. */
    pattern: z.string().optional(),
    /** RegExp flags, e.g. `i` or `ms`. */
    flags: z.string().regex(/^[dgimsuvy]*$/, 'only RegExp flags dgimsuvy').default(''),
  })
  .strict();

export const jsonSchemaScorerSpecSchema = z
  .object({
    type: z.literal('json_schema'),
    /** JSON Schema the parsed answer must satisfy; defaults to the case's `expected` (an object). */
    schema: z.record(z.string(), z.unknown()).optional(),
    /** Accept an answer wrapped in one Markdown code fence (```json … ```). */
    allow_code_fence: z.boolean().default(false),
  })
  .strict();

export const numericScorerSpecSchema = z
  .object({
    type: z.literal('numeric'),
    /** Overrides the case's `expected`. */
    value: z.number().optional(),
    /** Largest accepted |answer − expected|. */
    absolute_tolerance: z.number().nonnegative().default(1e-9),
    /** Largest accepted |answer − expected| / |expected|; the looser of the two tolerances wins. */
    relative_tolerance: z.number().nonnegative().default(0),
  })
  .strict();

export const customScorerSpecSchema = z
  .object({
    type: z.literal('custom'),
    /** Path to a .ts/.js module, relative to the eval set file (or absolute). */
    module: z.string().min(1),
    /** Passed to the module's factory export, if it has one. */
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export const judgeScorerSpecSchema = z
  .object({
    type: z.literal('judge'),
    /** Rubric for the pointwise judge; the case's `criteria` is appended. */
    rubric: z.string().optional(),
    /** Judge model; defaults to the runner's judge model. */
    model: z.string().optional(),
  })
  .strict();

export const scorerSpecSchema = z.discriminatedUnion('type', [
  exactScorerSpecSchema,
  containsScorerSpecSchema,
  regexScorerSpecSchema,
  jsonSchemaScorerSpecSchema,
  numericScorerSpecSchema,
  customScorerSpecSchema,
  judgeScorerSpecSchema,
]);
export type ScorerSpec = z.infer<typeof scorerSpecSchema>;
export type ScorerSpecInput = z.input<typeof scorerSpecSchema>;
