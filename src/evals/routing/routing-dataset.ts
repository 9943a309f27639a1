import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InvalidRequestError } from '../../spec/errors.js';

/**
 * Loads the shared routing data format (`/work/shared/data/README.md`): one JSON object per line
 * with a prompt, its split and, per model, the recorded answer's quality and token counts.
 */

/** The shared data folder's price list, used unless `--prices` names another. */
export const DEFAULT_PRICES_FILE = '/work/shared/data/prices.json';

export type SplitName = 'train' | 'test';

/** One model's recorded answer to one prompt. */
export interface ModelOutcome {
  /** In [0, 1]; 0/1 correctness, a judge's score / 10 or a preference probability, depending on the data. */
  readonly quality: number;
  readonly outputTokens: number;
  /** The final answer pulled out of the output (ZeroEval math data), for agreement checks. */
  readonly extractedAnswer?: string;
  /** The GPT-4 judge's 1–10 score (MT-Bench), for judge cascades. */
  readonly judgeScore?: number;
  /** The judge prompt template that scored it (MT-Bench: `single-v1`, `single-math-v1-multi-turn`, ...). */
  readonly judgeTemplate?: string;
}

export interface RoutingRow {
  readonly id: string;
  /** 1-based line in the file, for error messages. */
  readonly line: number;
  readonly prompt: string;
  readonly split: SplitName;
  readonly promptTokens: number;
  /** Earlier user turns of the conversation (MT-Bench turn 2), oldest first. */
  readonly previousTurns: readonly string[];
  /** MT-Bench: which question and turn, to find turn 1's answers for turn 2. */
  readonly questionId?: string;
  readonly turn?: number;
  readonly models: ReadonlyMap<string, ModelOutcome>;
  /** The prompt's embedding, when the dataset was embedded for a router that reads one (embed-dataset.ts). */
  readonly embedding?: Float32Array;
}

export interface RoutingDataset {
  readonly file: string;
  readonly sha256: string;
  readonly rows: readonly RoutingRow[];
  /** Every model named in the file, in order of first appearance. */
  readonly models: readonly string[];
}

/** US$ per 1M tokens. */
export interface ModelPrice {
  readonly input: number;
  readonly output: number;
}

export type PriceList = ReadonlyMap<string, ModelPrice>;

// Only the fields we read; the shared format allows extra fields (gold answers, judge details).
const modelOutcomeSchema = z.object({
  quality: z.number().min(0).max(1),
  output_tokens: z.number().int().nonnegative(),
  extracted_answer: z.union([z.string(), z.number()]).nullable().optional(),
  judge_score_1_to_10: z.number().min(0).max(10).optional(),
  judge: z.array(z.string()).optional(),
});

const rowSchema = z.object({
  id: z.union([z.string().min(1), z.number()]),
  prompt: z.string(),
  split: z.enum(['train', 'test']),
  prompt_tokens_est: z.number().int().nonnegative(),
  previous_user_turns: z.array(z.string()).optional(),
  question_id: z.union([z.string(), z.number()]).optional(),
  turn: z.number().int().positive().optional(),
  models: z.record(z.string(), modelOutcomeSchema),
});

const priceFileSchema = z.record(
  z.string(),
  z.union([z.string(), z.object({ input: z.number().nonnegative(), output: z.number().nonnegative() })]),
);

/** Parses the text of a data file; errors name `file:line` and the field. */
export function parseRoutingDataset(text: string, file: string): RoutingDataset {
  const rows: RoutingRow[] = [];
  const models: string[] = [];
  const seenModels = new Set<string>();
  const seenIds = new Map<string, number>();
  const lines = text.split('\n');
  lines.forEach((content, index) => {
    const line = index + 1;
    if (content.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch (error) {
      throw new InvalidRequestError(`${file}:${line}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    const parsed = rowSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const path = issue.path.map(String).join('.') || '(root)';
      throw new InvalidRequestError(`${file}:${line}: ${path}: ${issue.message}`);
    }
    const data = parsed.data;
    const id = String(data.id);
    const earlier = seenIds.get(id);
    if (earlier !== undefined) throw new InvalidRequestError(`${file}:${line}: id: '${id}' repeats line ${earlier}`);
    seenIds.set(id, line);
    const outcomes = new Map<string, ModelOutcome>();
    for (const [model, outcome] of Object.entries(data.models)) {
      if (!seenModels.has(model)) {
        seenModels.add(model);
        models.push(model);
      }
      outcomes.set(model, {
        quality: outcome.quality,
        outputTokens: outcome.output_tokens,
        ...(outcome.extracted_answer === undefined || outcome.extracted_answer === null ? {} : { extractedAnswer: String(outcome.extracted_answer) }),
        ...(outcome.judge_score_1_to_10 === undefined ? {} : { judgeScore: outcome.judge_score_1_to_10 }),
        ...(outcome.judge?.[1] === undefined ? {} : { judgeTemplate: outcome.judge[1] }),
      });
    }
    rows.push({
      id,
      line,
      prompt: data.prompt,
      split: data.split,
      promptTokens: data.prompt_tokens_est,
      previousTurns: data.previous_user_turns ?? [],
      ...(data.question_id === undefined ? {} : { questionId: String(data.question_id) }),
      ...(data.turn === undefined ? {} : { turn: data.turn }),
      models: outcomes,
    });
  });
  if (rows.length === 0) throw new InvalidRequestError(`${file}: no rows`);
  return { file, sha256: createHash('sha256').update(text).digest('hex'), rows, models };
}

/** Reads a data file (they are at most ~10 MB, so one read is fine). */
export async function loadRoutingDataset(file: string): Promise<RoutingDataset> {
  return parseRoutingDataset(await readText(file, 'data file'), file);
}

/** Parses a prices file: `{ "<model>": { "input": $/1M, "output": $/1M }, "_note": "..." }`. */
export function parsePriceList(text: string, file: string): PriceList {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidRequestError(`${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = priceFileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidRequestError(`${file}: ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
  }
  const prices = new Map<string, ModelPrice>();
  for (const [model, entry] of Object.entries(parsed.data)) {
    if (typeof entry !== 'string') prices.set(model, { input: entry.input, output: entry.output });
  }
  return prices;
}

export async function loadPriceList(file: string = DEFAULT_PRICES_FILE): Promise<PriceList> {
  return parsePriceList(await readText(file, 'prices file'), file);
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : error instanceof Error ? error.message : String(error);
    throw new InvalidRequestError(`${what} ${file}: ${reason}`);
  }
}

/** US$ to answer `row` with `model`: prompt tokens × input price + output tokens × output price. */
export function answerCost(row: RoutingRow, model: string, prices: PriceList): number {
  const outcome = requireOutcome(row, model);
  const price = prices.get(model)!;
  return (row.promptTokens * price.input + outcome.outputTokens * price.output) / 1_000_000;
}

export function requireOutcome(row: RoutingRow, model: string): ModelOutcome {
  const outcome = row.models.get(model);
  if (!outcome) throw new InvalidRequestError(`line ${row.line} (id ${row.id}): no answer from model '${model}'`);
  return outcome;
}

/**
 * Checks that `models` are in the data (every row) and priced; the error lists what is there.
 * `option` names the flag, e.g. `--strong`.
 */
export function checkModel(dataset: RoutingDataset, prices: PriceList, model: string, option: string): void {
  if (!dataset.models.includes(model)) {
    throw new InvalidRequestError(`${option}: model '${model}' is not in ${dataset.file}; models present: ${dataset.models.join(', ')}`);
  }
  const missing = dataset.rows.find((row) => !row.models.has(model));
  if (missing) throw new InvalidRequestError(`${dataset.file}:${missing.line}: models: no answer from '${model}' (${option})`);
  if (!prices.has(model)) throw new InvalidRequestError(`${option}: model '${model}' has no price in the prices file; priced: ${[...prices.keys()].join(', ')}`);
}

/** The rows of one split, in file order. */
export function rowsOfSplit(dataset: RoutingDataset, split: SplitName | 'all'): RoutingRow[] {
  return split === 'all' ? [...dataset.rows] : dataset.rows.filter((row) => row.split === split);
}
