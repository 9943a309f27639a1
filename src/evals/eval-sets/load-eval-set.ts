import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../../spec/errors.js';
import { evalCaseSchema, type EvalCase } from './eval-case-schema.js';

/** The outcome of reading a set: every valid case, and every problem found (not just the first). */
export interface EvalSetReadResult {
  file: string;
  cases: EvalCase[];
  issues: ConfigIssue[];
}

/** Formats a zod path as `messages[0].role`. */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  let formatted = '';
  for (const segment of path) {
    if (typeof segment === 'number') formatted += `[${segment}]`;
    else formatted += formatted === '' ? String(segment) : `.${String(segment)}`;
  }
  return formatted;
}

function zodIssues(error: z.ZodError, file: string, line: number): ConfigIssue[] {
  return error.issues.map((issue) => ({ file, line, path: formatIssuePath(issue.path), message: issue.message }));
}

/**
 * Validates lines of JSONL. Blank lines are skipped; every other line must be one case. Collects every
 * problem, including duplicate ids (reported on the later line, naming the first).
 */
export async function parseEvalSetLines(lines: AsyncIterable<string> | Iterable<string>, file: string): Promise<EvalSetReadResult> {
  const cases: EvalCase[] = [];
  const issues: ConfigIssue[] = [];
  const firstLineById = new Map<string, number>();
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (text.trim() === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      issues.push({ file, line, path: '', message: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` });
      continue;
    }
    const parsed = evalCaseSchema.safeParse(raw);
    if (!parsed.success) {
      issues.push(...zodIssues(parsed.error, file, line));
      continue;
    }
    const firstLine = firstLineById.get(parsed.data.id);
    if (firstLine !== undefined) {
      issues.push({ file, line, path: 'id', message: `duplicate id "${parsed.data.id}" (first used on line ${firstLine})` });
      continue;
    }
    firstLineById.set(parsed.data.id, line);
    cases.push({ ...parsed.data, line });
  }
  if (cases.length === 0 && issues.length === 0) issues.push({ file, path: '', message: 'the eval set has no cases' });
  return { file, cases, issues };
}

/** Streams a JSONL file and returns its cases and problems without throwing on bad lines. */
export async function readEvalSet(file: string): Promise<EvalSetReadResult> {
  const input = createReadStream(file, { encoding: 'utf8' });
  // Surface "file not found" as a ConfigError naming the file rather than a bare ENOENT.
  const opened = new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve());
    input.once('error', reject);
  });
  try {
    await opened;
  } catch (error) {
    throw new ConfigError([{ file, path: '', message: `cannot read eval set: ${error instanceof Error ? error.message : String(error)}` }]);
  }
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  return parseEvalSetLines(lines, file);
}

/** Streams a JSONL file; throws one ConfigError listing every `file:line: field: problem` if any line is bad. */
export async function loadEvalSet(file: string): Promise<EvalCase[]> {
  const result = await readEvalSet(file);
  if (result.issues.length > 0) throw new ConfigError(result.issues);
  return result.cases;
}
