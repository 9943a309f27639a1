import { createReadStream } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { EvalCaseResult } from './eval-case-result.js';

function isCaseResult(value: unknown): value is EvalCaseResult {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  const score = record.score as Record<string, unknown> | undefined;
  return typeof record.id === 'string' && typeof record.model === 'string' && typeof score === 'object' && score !== null && typeof score.status === 'string';
}

/**
 * Reads a JSONL file of records, tolerating a missing file (first run) and a torn last line (a run
 * killed mid-write): unreadable lines are skipped, so those cases simply run again.
 */
export async function readJsonLines<T>(file: string, accept: (value: unknown) => value is T): Promise<T[]> {
  const input = createReadStream(file, { encoding: 'utf8' });
  try {
    await new Promise<void>((resolve, reject) => {
      input.once('open', () => resolve());
      input.once('error', reject);
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const records: T[] = [];
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (line.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(line);
      if (accept(value)) records.push(value);
    } catch {
      // A torn line from an interrupted run: the case is redone.
    }
  }
  return records;
}

/** Results already in the file for `model`, by case id (the last one wins). */
export async function readCaseResults(file: string, model: string): Promise<Map<string, EvalCaseResult>> {
  const byId = new Map<string, EvalCaseResult>();
  for (const record of await readJsonLines(file, isCaseResult)) {
    if (record.model === model) byId.set(record.id, record);
  }
  return byId;
}

/**
 * Appends records one line at a time, in order. Writes are chained so concurrent cases never
 * interleave partial lines.
 */
export class JsonLinesAppender {
  private tail: Promise<void>;

  constructor(private readonly file: string) {
    this.tail = mkdir(dirname(file), { recursive: true }).then(() => undefined);
  }

  append(record: unknown): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    this.tail = this.tail.then(() => appendFile(this.file, line));
    return this.tail;
  }

  /** Resolves when every queued line is on disk. */
  flush(): Promise<void> {
    return this.tail;
  }
}
