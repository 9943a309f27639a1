import { ConfigError, formatConfigIssue, InvalidRequestError } from '../spec/errors.js';
import { loadEvalSet } from '../evals/eval-sets/load-eval-set.js';
import type { EvalCase } from '../evals/eval-sets/eval-case-schema.js';
import { scorerSpecSchema, type ScorerSpec } from '../evals/scorers/scorer-spec.js';

/** Parsing of `eval` options and the set file, each problem on one line naming the option or file:line. */

/** A bad set is reported on one line: the first problem (file:line: field: message) and how many more. */
export async function loadSetOneLine(setFile: string): Promise<EvalCase[]> {
  try {
    return await loadEvalSet(setFile);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const [first, ...rest] = error.issues;
    const more = rest.length === 0 ? '' : ` (and ${rest.length} more problem${rest.length === 1 ? '' : 's'})`;
    // One line as text; every problem in --json (`fail` prints an error's `issues`).
    throw Object.assign(new InvalidRequestError(`eval set ${first ? formatConfigIssue(first) : setFile}${more}`), { issues: error.issues });
  }
}

export function parseScorer(text: string): ScorerSpec {
  let raw: unknown = { type: text };
  if (text.trim().startsWith('{')) {
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new InvalidRequestError(`--scorer: invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const parsed = scorerSpecSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidRequestError(`--scorer: ${issue ? `${issue.path.join('.') || 'type'}: ${issue.message}` : 'invalid scorer'}`);
  }
  return parsed.data;
}

export function required(value: string | undefined, option: string): string {
  if (value === undefined || value.trim() === '') throw new InvalidRequestError(`${option} is required`);
  return value;
}

export function integer(option: string, text: string, minimum: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < minimum) throw new InvalidRequestError(`${option}: expected an integer ≥ ${minimum}, got '${text}'`);
  return value;
}

export function probability(option: string, text: string): number {
  const value = Number(text);
  if (!(value > 0 && value < 1)) throw new InvalidRequestError(`${option}: expected a number between 0 and 1, got '${text}'`);
  return value;
}

export function nonNegative(option: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new InvalidRequestError(`${option}: expected a number ≥ 0, got '${text}'`);
  return value;
}
