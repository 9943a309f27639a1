/**
 * Train-split loading for the routing studies (bench/routing-train-cv.ts): every row whose split is
 * not `train` is dropped line by line before parsing, so these scripts cannot see a test prompt.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadPriceList, parseRoutingDataset } from '../src/evals/routing/routing-dataset.js';
import { defaultGoodEnoughRule, pairPrompts, type ModelPair, type PairedPrompt } from '../src/evals/routing/routing-pair.js';

export interface TrainPairSpec {
  readonly id: string;
  readonly file: string;
  readonly strong: string;
  readonly weak: string;
}

/** The benchmark's four pairs (bench/routing.ts). */
export const TRAIN_PAIRS: readonly TrainPairSpec[] = [
  { id: 'gsm8k', file: 'zeroeval/gsm8k.jsonl', strong: 'gpt-4o-2024-05-13', weak: 'Meta-Llama-3-8B-Instruct' },
  { id: 'math-l5', file: 'zeroeval/math_l5.jsonl', strong: 'gpt-4o-2024-05-13', weak: 'Meta-Llama-3-70B-Instruct' },
  { id: 'alpacaeval', file: 'alpacaeval2/alpacaeval2.jsonl', strong: 'gpt4_1106_preview', weak: 'claude-instant-1.2' },
  { id: 'mtbench', file: 'routellm_mtbench/mtbench.jsonl', strong: 'gpt-4-1106-preview', weak: 'Mixtral-8x7B-Instruct-v0.1' },
];

export interface TrainPair {
  readonly spec: TrainPairSpec;
  readonly pair: ModelPair;
  readonly prompts: PairedPrompt[];
  /** MT-Bench category per prompt (undefined elsewhere); for reports only, never a feature. */
  readonly categories: (string | undefined)[];
}

/** The train rows of one pair; test lines are discarded before they are parsed into rows. */
export async function loadTrainPair(spec: TrainPairSpec, dataDir = '/work/shared/data'): Promise<TrainPair> {
  const file = join(dataDir, spec.file);
  const text = await readFile(file, 'utf8');
  const categories: (string | undefined)[] = [];
  const trainLines = text.split('\n').filter((line) => {
    if (line.trim() === '') return false;
    const parsed = JSON.parse(line) as { split?: string; category?: string };
    if (parsed.split !== 'train') return false;
    categories.push(parsed.category);
    return true;
  });
  const dataset = parseRoutingDataset(trainLines.join('\n'), file);
  const prices = await loadPriceList(join(dataDir, 'prices.json'));
  const pair = { strong: spec.strong, weak: spec.weak };
  const prompts = pairPrompts(dataset, dataset.rows, prices, pair, defaultGoodEnoughRule(dataset, pair));
  return { spec, pair, prompts, categories };
}
