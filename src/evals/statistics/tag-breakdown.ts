import { bootstrapMeanInterval, type BootstrapOptions, type MeanInterval } from './bootstrap.js';
import type { ScoreSample } from './paired-comparison.js';

export interface TagSummary extends MeanInterval {
  /** `(all)` for the whole set, `(untagged)` for cases without tags, else the tag. */
  tag: string;
}

export const ALL_TAG = '(all)';
export const UNTAGGED = '(untagged)';

/**
 * Mean and bootstrap CI overall and per tag. A case with several tags counts in each of them, so tag
 * rows can sum to more than the whole. Rows: `(all)` first, then tags alphabetically, `(untagged)` last.
 */
export function breakdownByTag(samples: readonly ScoreSample[], options: BootstrapOptions = {}): TagSummary[] {
  if (samples.length === 0) return [];
  const groups = new Map<string, number[]>();
  for (const sample of samples) {
    const tags = sample.tags === undefined || sample.tags.length === 0 ? [UNTAGGED] : new Set(sample.tags);
    for (const tag of tags) {
      const group = groups.get(tag) ?? [];
      group.push(sample.score);
      groups.set(tag, group);
    }
  }
  const tags = [...groups.keys()].filter((tag) => tag !== UNTAGGED).sort();
  if (groups.has(UNTAGGED)) tags.push(UNTAGGED);
  const overall = { tag: ALL_TAG, ...bootstrapMeanInterval(samples.map((sample) => sample.score), options) };
  return [overall, ...tags.map((tag) => ({ tag, ...bootstrapMeanInterval(groups.get(tag) ?? [], options) }))];
}
