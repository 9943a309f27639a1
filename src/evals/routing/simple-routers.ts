import { createSeededRandom } from '../../provider-utils/seeded-random.js';
import type { PairedPrompt } from './routing-pair.js';

/**
 * Reference routers that score prompts without a trained model (higher = send to the strong
 * model). Each is a function of the prompts and a seed; only `random` uses the seed.
 */
export type ScoreFunction = (prompts: readonly PairedPrompt[], seed: number) => number[];

export const SIMPLE_ROUTER_NAMES = ['random', 'length', 'oracle', 'all-weak', 'all-strong'] as const;
export type SimpleRouterName = (typeof SIMPLE_ROUTER_NAMES)[number];

export function isSimpleRouterName(name: string): name is SimpleRouterName {
  return (SIMPLE_ROUTER_NAMES as readonly string[]).includes(name);
}

/** The random router is averaged over this many seeds. */
export const RANDOM_SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

export const SIMPLE_ROUTERS: Readonly<Record<SimpleRouterName, { description: string; scores: ScoreFunction }>> = {
  random: {
    description: `uniform random score (mean over ${RANDOM_SEEDS.length} seeds)`,
    scores: (prompts, seed) => {
      const random = seededRandom(seed);
      return prompts.map(() => random());
    },
  },
  length: {
    description: 'prompt length in characters (with earlier turns): longer → strong',
    scores: (prompts) => prompts.map((prompt) => prompt.row.prompt.length + prompt.row.previousTurns.reduce((total, turn) => total + turn.length, 0)),
  },
  oracle: {
    description: 'knows the labels: strong quality − weak quality (an upper bound, not a router)',
    scores: (prompts) => prompts.map((prompt) => prompt.strongQuality - prompt.weakQuality),
  },
  'all-weak': { description: 'every prompt to the weak model', scores: (prompts) => prompts.map(() => 0) },
  'all-strong': { description: 'every prompt to the strong model', scores: (prompts) => prompts.map(() => 1) },
};

/** A deterministic generator, so every run of the benchmark sees the same random router. */
export const seededRandom = createSeededRandom;
