import { createHash } from 'node:crypto';
import type { ShadowPair } from '../../core/evaluation/evaluation-records.js';
import type { TrainedOn } from '../../core/routing/learned/train-router.js';
import { InvalidRequestError } from '../../spec/errors.js';
import type { RoutingRow } from '../routing/routing-dataset.js';
import type { ModelPair, PairedPrompt } from '../routing/routing-pair.js';
import { routerInputFromShadowPrompt } from './shadow-prompt.js';

/** Fewer judged pairs than this make a router that only memorises (and folds of a handful). */
export const MIN_SHADOW_TRAINING_PAIRS = 20;

export interface ShadowTrainingCounts {
  /** Pairs read from the store. */
  pairs: number;
  /** Judged pairs of the chosen models: the training examples. */
  used: number;
  /** Skipped: the judge gave no verdict. */
  unjudged: number;
  /** Skipped: another cheap/strong model pair (another cascade, an older router config). */
  otherModels: number;
  /** Of the used pairs: the strong answer was clearly better (both judge orders agreed). */
  needsStrong: number;
  /** Of the used pairs: the cheap answer was as good (tie, or orders that disagreed) or better. */
  cheapEnough: number;
}

export interface ShadowTrainingSet {
  models: ModelPair;
  /** The pairs as the offline trainer and calibration take them (see `router train --data`). */
  prompts: PairedPrompt[];
  counts: ShadowTrainingCounts;
  /** SHA-256 over the pairs used (request id and verdict), so an artifact names the data it saw. */
  sha256: string;
}

/**
 * Turns shadow pairs into learned-router training data for one cheap/strong model pair. The
 * label is the judge's verdict: "needs the strong model" only when the strong answer was clearly
 * better in both orders (quality: weak 0, strong 1); a tie is weak 1, strong 1 (no gain from
 * escalating), cheap better is weak 1, strong 0. Unjudged pairs are skipped and counted.
 *
 * Costs: a pair holds no per-answer token counts, so a strong answer counts 1 and a cheap one 0:
 * calibration's cost share becomes the share of traffic sent to the strong model.
 *
 * `models`: the pair to train for; without it, the only pair present (refused when several are).
 * Refuses, with a one-line reason, too few judged pairs or pairs of a single class.
 */
export function shadowTrainingSet(pairs: readonly ShadowPair[], models: ModelPair | undefined, minimum = MIN_SHADOW_TRAINING_PAIRS): ShadowTrainingSet {
  const judged = pairs.filter((pair) => pair.outcome !== 'unjudged');
  const chosen = models ?? onlyModelPair(judged);
  const counts: ShadowTrainingCounts = { pairs: pairs.length, used: 0, unjudged: pairs.length - judged.length, otherModels: 0, needsStrong: 0, cheapEnough: 0 };
  const prompts: PairedPrompt[] = [];
  const hash = createHash('sha256');
  // Oldest first, so the same pairs always train the same router whatever order the store returns.
  const ordered = [...judged].sort((left, right) => left.time - right.time || compare(left.requestId, right.requestId));
  for (const pair of ordered) {
    if (pair.cheapModel !== chosen.weak || pair.strongModel !== chosen.strong) {
      counts.otherModels += 1;
      continue;
    }
    const needsStrong = pair.outcome === 'strong_better' && pair.consistent !== false;
    if (needsStrong) counts.needsStrong += 1;
    else counts.cheapEnough += 1;
    hash.update(`${pair.requestId}\u0000${pair.outcome}\n`);
    prompts.push(pairedPrompt(pair, prompts.length + 1, needsStrong));
  }
  counts.used = prompts.length;
  const of = `${chosen.weak} → ${chosen.strong}`;
  if (prompts.length < minimum) {
    throw new InvalidRequestError(
      `only ${prompts.length} judged shadow pairs for ${of} (need at least ${minimum}; ${counts.unjudged} unjudged and ${counts.otherModels} of other models skipped)`,
    );
  }
  if (counts.needsStrong === 0 || counts.cheapEnough === 0) {
    const only = counts.needsStrong === 0 ? 'the cheap answer was as good' : 'the strong answer was better';
    throw new InvalidRequestError(`all ${prompts.length} judged shadow pairs for ${of} say ${only}; a router needs examples of both`);
  }
  return { models: chosen, prompts, counts, sha256: hash.digest('hex') };
}

/** What a shadow-trained artifact says it was trained on. */
export function shadowTrainedOn(set: ShadowTrainingSet, source: { workload?: string; since?: number }): TrainedOn {
  return {
    file: `shadow-pairs:${source.workload ?? '*'}`,
    sha256: set.sha256,
    split: 'shadow',
    examples: set.prompts.length,
    extra: { source: 'shadow', ...source, counts: { ...set.counts } },
  };
}

function pairedPrompt(pair: ShadowPair, line: number, needsStrong: boolean): PairedPrompt {
  const input = routerInputFromShadowPrompt(pair.prompt);
  const previousTurns = input.previousTurns ?? [];
  const row: RoutingRow = {
    id: pair.requestId,
    line,
    prompt: input.prompt,
    split: 'train',
    promptTokens: Math.ceil([...previousTurns, input.prompt].join('\n').length / 4),
    previousTurns,
    // Turns of one conversation, and repeats of one prompt, share their first user turn: keeping
    // them in one fold stops calibration from scoring a prompt with a model trained on its twin.
    questionId: previousTurns[0] ?? input.prompt,
    models: new Map(),
  };
  const [weakQuality, strongQuality] = needsStrong ? [0, 1] : pair.outcome === 'cheap_better' ? [1, 0] : [1, 1];
  return { row, weakQuality, strongQuality, weakCost: 0, strongCost: 1, goodEnough: !needsStrong };
}

function onlyModelPair(pairs: readonly ShadowPair[]): ModelPair {
  const counts = new Map<string, { models: ModelPair; pairs: number }>();
  for (const pair of pairs) {
    const key = `${pair.cheapModel}\u0000${pair.strongModel}`;
    const entry = counts.get(key) ?? { models: { weak: pair.cheapModel, strong: pair.strongModel }, pairs: 0 };
    entry.pairs += 1;
    counts.set(key, entry);
  }
  const found = [...counts.values()];
  if (found.length === 0) throw new InvalidRequestError('no judged shadow pairs to train on (is `evaluation.shadow` on for a routed workload?)');
  if (found.length > 1) {
    const listed = found
      .sort((left, right) => right.pairs - left.pairs)
      .map((entry) => `${entry.models.weak} → ${entry.models.strong} (${entry.pairs})`)
      .join(', ');
    throw new InvalidRequestError(`shadow pairs span several model pairs: ${listed}; choose one with --weak and --strong, or --workload`);
  }
  return found[0]!.models;
}

function compare(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
