import { describe, expect, it } from 'vitest';
import type { ShadowPair } from '../../core/evaluation/evaluation-records.js';
import { shadowTrainedOn, shadowTrainingSet } from './shadow-training.js';

function pair(index: number, overrides: Partial<ShadowPair> = {}): ShadowPair {
  return {
    requestId: `r${index}`,
    time: 1000 + index,
    workload: 'support',
    router: 'learned',
    served: 'cheap',
    cheapModel: 'small',
    strongModel: 'big',
    judgeModel: 'judge',
    outcome: index % 2 === 0 ? 'strong_better' : 'tie',
    consistent: true,
    prompt: `[user]\nturn one\n\n[assistant]\nok\n\n[user]\nquestion ${index}`,
    ...overrides,
  };
}

describe('shadowTrainingSet', () => {
  it('labels only a consistent strong win as needing the strong model', () => {
    const pairs = [pair(0), pair(1), pair(2, { outcome: 'cheap_better' }), pair(3, { outcome: 'strong_better', consistent: false })];
    const set = shadowTrainingSet(pairs, undefined, 2);
    expect(set.prompts.map((prompt) => [prompt.row.id, prompt.weakQuality, prompt.strongQuality, prompt.goodEnough])).toEqual([
      ['r0', 0, 1, false],
      ['r1', 1, 1, true],
      ['r2', 1, 0, true],
      ['r3', 1, 1, true],
    ]);
    expect(set.counts).toMatchObject({ used: 4, needsStrong: 1, cheapEnough: 3 });
  });

  it('reads the router input back from the prompt and groups turns of one conversation', () => {
    const set = shadowTrainingSet([pair(0), pair(1)], { weak: 'small', strong: 'big' }, 2);
    expect(set.prompts[0]!.row).toMatchObject({ prompt: 'question 0', previousTurns: ['turn one'], questionId: 'turn one' });
    expect(set.prompts[0]).toMatchObject({ weakCost: 0, strongCost: 1 });
  });

  it('is the same set, with the same hash, whatever order the store returns', () => {
    const pairs = [pair(0), pair(1), pair(2), pair(3)];
    const forward = shadowTrainingSet(pairs, undefined, 2);
    const backward = shadowTrainingSet([...pairs].reverse(), undefined, 2);
    expect(backward.prompts.map((prompt) => prompt.row.id)).toEqual(forward.prompts.map((prompt) => prompt.row.id));
    expect(backward.sha256).toBe(forward.sha256);
    expect(shadowTrainingSet(pairs.slice(0, 3), undefined, 2).sha256).not.toBe(forward.sha256);
    expect(shadowTrainedOn(forward, { workload: 'support' })).toMatchObject({ file: 'shadow-pairs:support', split: 'shadow', examples: 4, sha256: forward.sha256 });
  });

  it('refuses too few pairs, one class, or several model pairs without a choice', () => {
    expect(() => shadowTrainingSet([pair(0), pair(1), pair(9, { outcome: 'unjudged' })], undefined, 3)).toThrow(/^only 2 judged shadow pairs for small → big \(need at least 3; 1 unjudged and 0 of other models skipped\)$/);
    expect(() => shadowTrainingSet([pair(1), pair(3)], undefined, 2)).toThrow(/say the cheap answer was as good/);
    expect(() => shadowTrainingSet([pair(0), pair(2)], undefined, 2)).toThrow(/say the strong answer was better/);
    expect(() => shadowTrainingSet([pair(0), pair(1, { cheapModel: 'tiny' })], undefined, 1)).toThrow(/span several model pairs: small → big \(1\), tiny → big \(1\)/);
    expect(() => shadowTrainingSet([pair(0, { outcome: 'unjudged' })], undefined, 1)).toThrow(/no judged shadow pairs/);
  });
});
