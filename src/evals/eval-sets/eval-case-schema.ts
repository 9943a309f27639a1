import { z } from 'zod';
import { scorerSpecSchema } from '../scorers/scorer-spec.js';

/** One text part of an OpenAI-style message (`{ type: 'text', text }`). */
const textPartSchema = z.object({ type: z.literal('text'), text: z.string() }).strict();

/** An OpenAI chat message; eval cases carry text only (no tools or images). */
export const evalMessageSchema = z
  .object({
    role: z.enum(['system', 'developer', 'user', 'assistant']),
    content: z.union([z.string(), z.array(textPartSchema).min(1)]),
    name: z.string().optional(),
  })
  .strict();
export type EvalMessage = z.infer<typeof evalMessageSchema>;

/** What a correct answer looks like: text, a number, or a JSON object/array (scorer decides how to use it). */
export const expectedValueSchema = z.union([
  z.string(),
  z.number(),
  z.record(z.string(), z.json()),
  z.array(z.json()),
]);
export type ExpectedValue = z.infer<typeof expectedValueSchema>;

/**
 * One line of an eval set. Either `messages` (OpenAI chat shape) or `prompt` (shorthand for one user
 * message) — exactly one of them.
 */
export const evalCaseSchema = z
  .object({
    /** Unique within the set; used for pairing, caching and resume. */
    id: z.string().min(1),
    messages: z.array(evalMessageSchema).min(1).optional(),
    /** Shorthand for `messages: [{ role: 'user', content: prompt }]`. */
    prompt: z.string().min(1).optional(),
    expected: expectedValueSchema.optional(),
    /** Free-text grading criteria for judges. */
    criteria: z.string().optional(),
    tags: z.array(z.string().min(1)).default([]),
    /** Overrides the set's default scorer for this case. */
    // A bare type name (`"contains"`) is short for `{ "type": "contains" }`, as `--scorer contains` is.
    scorer: z.preprocess((value) => (typeof value === 'string' ? { type: value } : value), scorerSpecSchema).optional(),
    /** Carried through to reports untouched. */
    metadata: z.record(z.string(), z.json()).optional(),
  })
  .strict()
  .superRefine((value, context) => {
    if (value.messages === undefined && value.prompt === undefined) {
      context.addIssue({ code: 'custom', path: ['messages'], message: 'one of `messages` or `prompt` is required' });
    }
    if (value.messages !== undefined && value.prompt !== undefined) {
      context.addIssue({ code: 'custom', path: ['prompt'], message: 'give either `messages` or `prompt`, not both' });
    }
  });

/** A validated case plus where it came from. */
export type EvalCase = z.infer<typeof evalCaseSchema> & {
  /** 1-based line in the source file. */
  line: number;
};
