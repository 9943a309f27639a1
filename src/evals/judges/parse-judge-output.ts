import { z } from 'zod';

/**
 * Strict parsing of judge replies. The reply must be exactly one JSON object (optionally inside a single
 * ```json fence) with the listed keys and nothing else: a reply we have to guess at is malformed, and a
 * malformed reply is retried and then recorded as unscored — never read as a pass.
 */

export const pointwiseVerdictSchema = z
  .object({
    reasoning: z.string(),
    score: z.number().int().min(1).max(10),
  })
  .strict();
export type PointwiseVerdict = z.infer<typeof pointwiseVerdictSchema>;

export const pairwiseVerdictSchema = z
  .object({
    reasoning: z.string(),
    winner: z.enum(['A', 'B', 'tie']),
  })
  .strict();
export type PairwiseVerdict = z.infer<typeof pairwiseVerdictSchema>;

export type ParseOutcome<T> = { ok: true; value: T } | { ok: false; error: string };

const FENCE = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/;

function parseWith<T>(schema: z.ZodType<T>, reply: string): ParseOutcome<T> {
  let text = reply.trim();
  const fenced = FENCE.exec(text);
  if (fenced !== null) text = (fenced[1] ?? '').trim();
  if (text === '') return { ok: false, error: 'empty reply' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `reply is not a single JSON object: ${error instanceof Error ? error.message : String(error)}` };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, error: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ') };
  }
  return { ok: true, value: parsed.data };
}

export function parsePointwiseVerdict(reply: string): ParseOutcome<PointwiseVerdict> {
  return parseWith(pointwiseVerdictSchema, reply);
}

export function parsePairwiseVerdict(reply: string): ParseOutcome<PairwiseVerdict> {
  return parseWith(pairwiseVerdictSchema, reply);
}

/** Maps the 1–10 rubric score linearly onto [0, 1] (1 → 0, 10 → 1). */
export function rubricScoreToUnit(score: number): number {
  return (score - 1) / 9;
}
