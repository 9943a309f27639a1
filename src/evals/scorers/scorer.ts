import { z } from 'zod';
import type { EvalCase } from '../eval-sets/eval-case-schema.js';

/** What a scorer sees: the case and the model's final text answer. */
export interface ScoreInput {
  /** The case being scored; scorers read `expected`, `criteria`, `messages`/`prompt`. */
  case: Omit<EvalCase, 'line'> & { line?: number };
  /** The candidate's answer text (assistant text parts joined). */
  answer: string;
  /** Cancels a slow scorer (judges call a model). */
  abortSignal?: AbortSignal;
}

/**
 * `scored`: a verdict in [0, 1] (a wrong answer is `scored` with 0). `unscored`: the scorer could not
 * reach a verdict (no expected value, judge reply unparseable, scorer crashed) — never counted as a pass.
 */
export type ScoreResult =
  | { status: 'scored'; score: number; detail?: Record<string, unknown> }
  | { status: 'unscored'; reason: string; detail?: Record<string, unknown> };

/** Validates results from code we do not control (custom scorers). */
export const scoreResultSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('scored'), score: z.number().min(0).max(1), detail: z.record(z.string(), z.unknown()).optional() }),
  z.object({ status: z.literal('unscored'), reason: z.string().min(1), detail: z.record(z.string(), z.unknown()).optional() }),
]);

export interface Scorer {
  readonly name: string;
  score(input: ScoreInput): Promise<ScoreResult>;
}

export function scored(score: number, detail?: Record<string, unknown>): ScoreResult {
  return detail === undefined ? { status: 'scored', score } : { status: 'scored', score, detail };
}

export function unscored(reason: string, detail?: Record<string, unknown>): ScoreResult {
  return detail === undefined ? { status: 'unscored', reason } : { status: 'unscored', reason, detail };
}
