import { describe, expect, it } from 'vitest';
import { CANDIDATE_ENSEMBLES, chooseEnsemble, EMBEDDING_ENSEMBLES, ensembleScores, logisticMixture, seededPermutation, type MemberScores } from './ensemble-cross-validation.js';

/** 40 prompts: every other one defeats the weak model. */
const weakQuality = Array.from({ length: 40 }, (_value, index) => index % 2);
const strongQuality = weakQuality.map(() => 1);
const data = { weakQuality, strongQuality };
const perfect = Float64Array.from(weakQuality, (weak) => 1 - weak);
const reversed = Float64Array.from(weakQuality);
const constant = new Float64Array(40);
const shuffled = Float64Array.from(seededPermutation(40, 3));

function scores(parts: Partial<MemberScores>): MemberScores {
  return { baseline: constant, 'soft-dense': constant, 'soft-sublinear': constant, dense: constant, stumps: constant, embedding: constant, ...parts };
}

describe('chooseEnsemble', () => {
  it('keeps the baseline alone when nothing beats it', () => {
    const choice = chooseEnsemble([scores({ baseline: perfect, 'soft-dense': shuffled })], data, 0.005);
    expect(choice.ensemble).toEqual({ logistic: ['baseline'], stumps: false });
    expect(choice.evaluations[0]).toEqual({ name: 'baseline', apgr: 0.75, gain: 0, gainStandardError: 0 });
  });

  it('takes a candidate that is clearly better in every repetition', () => {
    const repetition = scores({ baseline: shuffled, 'soft-dense': perfect });
    const choice = chooseEnsemble([repetition, repetition, repetition], data, 0.005);
    expect(choice.ensemble).toEqual({ logistic: ['soft-dense'], stumps: false });
    expect(choice.evaluations.find((evaluation) => evaluation.name === 'soft-dense')!.gain).toBeGreaterThan(0.1);
  });

  it('keeps the baseline when the gain is below the margin or within one standard error', () => {
    // The sublinear and dense members match the baseline, so only soft-dense differs from it.
    const repetition = scores({ baseline: shuffled, 'soft-sublinear': shuffled, dense: shuffled, 'soft-dense': perfect });
    expect(chooseEnsemble([repetition], data, 1).ensemble.logistic).toEqual(['baseline']);
    // Better in two repetitions, much worse in the third: a positive mean gain that is noise.
    const worse = scores({ baseline: shuffled, 'soft-sublinear': shuffled, dense: shuffled, 'soft-dense': reversed });
    const choice = chooseEnsemble([repetition, repetition, worse], data, 0.005);
    const softDense = choice.evaluations.find((evaluation) => evaluation.name === 'soft-dense')!;
    expect(softDense.gain).toBeGreaterThan(0.005);
    expect(softDense.gain).toBeLessThan(softDense.gainStandardError);
    expect(choice.ensemble.logistic).toEqual(['baseline']);
  });

  it('can choose the embedding member alone when it is offered and clearly better', () => {
    const repetition = scores({ baseline: shuffled, 'soft-dense': shuffled, 'soft-sublinear': shuffled, dense: shuffled, stumps: shuffled, embedding: perfect });
    const candidates = [...CANDIDATE_ENSEMBLES, ...EMBEDDING_ENSEMBLES];
    expect(chooseEnsemble([repetition, repetition, repetition], data, 0.005, candidates).ensemble).toEqual({ logistic: [], stumps: false, embedding: true });
    // Not offered (examples without embeddings): the baseline stays.
    expect(chooseEnsemble([repetition, repetition, repetition], data, 0.005).ensemble).toEqual({ logistic: ['baseline'], stumps: false });
  });
});

describe('ensemble scores', () => {
  it('mixes logistic members by the inverse of their spread and rank-averages the stumps in', () => {
    const wide = Float64Array.of(-10, 0, 10);
    const narrow = Float64Array.of(1, -1, 0);
    const members = scores({ baseline: wide, 'soft-dense': narrow, stumps: Float64Array.of(3, 2, 1) });
    const mixture = logisticMixture({ logistic: ['baseline', 'soft-dense'], stumps: false }, members);
    expect(mixture.get('baseline')! / mixture.get('soft-dense')!).toBeCloseTo(0.1, 9);
    expect(mixture.get('baseline')! + mixture.get('soft-dense')!).toBeCloseTo(1, 12);
    // A lone member keeps its logits untouched (the baseline alone is the baseline model).
    expect(Array.from(ensembleScores({ logistic: ['baseline'], stumps: false }, members))).toEqual([-10, 0, 10]);
    // Linear ranks [0, 0.5, 1] weigh 1, stump ranks [1, 0.5, 0] weigh 1.
    expect(Array.from(ensembleScores({ logistic: ['baseline'], stumps: true }, members))).toEqual([0.5, 0.5, 0.5]);
    // The embedding member alone is its own logits; beside the linear part it is rank-averaged in.
    const withEmbedding = { ...members, embedding: Float64Array.of(0.3, 0.1, 0.2) };
    expect(Array.from(ensembleScores({ logistic: [], stumps: false, embedding: true }, withEmbedding))).toEqual([0.3, 0.1, 0.2]);
    // Linear ranks [0, 0.5, 1] weigh 1, embedding ranks [1, 0, 0.5] weigh 1.
    expect(Array.from(ensembleScores({ logistic: ['baseline'], stumps: false, embedding: true }, withEmbedding))).toEqual([0.5, 0.25, 0.75]);
  });
});
