import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { averageGapRecovered } from './average-gap-recovered.js';
import { createLearnedRouterModel, parseRouterArtifact } from './router-artifact.js';
import { separableExamples, TRAINED_ON } from './test-fixtures.js';
import { trainLearnedRouter, type TrainingExample } from './train-router.js';

describe('trainLearnedRouter', () => {
  const train = separableExamples(60);
  const held = separableExamples(80).slice(60);

  for (const variant of ['baseline', 'switchyard'] as const) {
    it(`${variant}: learns a separable signal and generalises to unseen prompts`, () => {
      const progress: number[] = [];
      const artifact = trainLearnedRouter(train, {
        variant,
        strong: 'big',
        weak: 'small',
        trainedOn: { ...TRAINED_ON, examples: train.length },
        onProgress: (done, total) => progress.push(done / total),
      });
      expect(parseRouterArtifact(JSON.parse(JSON.stringify(artifact)), 'memory')).toEqual(artifact);
      const model = createLearnedRouterModel(artifact);
      const scores = held.map((example) => model.score(example.input));
      expect(scores.every((score) => score >= 0 && score <= 1)).toBe(true);
      const hardScores = scores.filter((_score, index) => held[index]!.weakQuality === 0);
      const easyScores = scores.filter((_score, index) => held[index]!.weakQuality === 1);
      expect(Math.min(...hardScores)).toBeGreaterThan(Math.max(...easyScores));
      expect(progress.at(-1)).toBe(1);
    });
  }

  it('switchyard keeps the baseline model itself when cross-validation shows no clear gain', () => {
    const small = separableExamples(24);
    const options = { strong: 'big', weak: 'small', trainedOn: TRAINED_ON };
    const switchyard = trainLearnedRouter(small, { ...options, variant: 'switchyard' });
    const baseline = createLearnedRouterModel(trainLearnedRouter(small, { ...options, variant: 'baseline' }));
    expect(switchyard.trainedOn.extra?.crossValidation).toMatchObject({ ensemble: 'baseline', folds: 5, repeats: 5 });
    const model = createLearnedRouterModel(switchyard);
    // Its score is the baseline's, as a rank among the training prompts: the same order.
    const pairs = held.map((example) => ({ baseline: baseline.score(example.input), switchyard: model.score(example.input) }));
    for (const left of pairs) {
      for (const right of pairs) if (left.baseline < right.baseline - 1e-9) expect(left.switchyard).toBeLessThanOrEqual(right.switchyard);
    }
  });

  it('switchyard scores a prompt by its rank among the training prompts, so a threshold is a strong-call share', () => {
    const artifact = trainLearnedRouter(train, { variant: 'switchyard', strong: 'big', weak: 'small', trainedOn: TRAINED_ON });
    expect(artifact.model.combine).toBe('mean-rank');
    const model = createLearnedRouterModel(artifact);
    const scores = train.map((example) => model.score(example.input)).sort((left, right) => left - right);
    // Half the training prompts are hard: about half score above the median rank.
    expect(scores.filter((score) => score > 0.5).length / scores.length).toBeCloseTo(0.5, 1);
    // Repeated prompt texts tie, so the extremes are tied ranks rather than exactly 0 and 1.
    expect(scores[0]).toBeLessThan(0.2);
    expect(scores.at(-1)).toBeGreaterThan(0.8);
  });

  it('switchyard adds dense members when the signal is in the prompt’s length, not its words', () => {
    const words = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'sigma', 'kappa', 'theta', 'zeta', 'iota'];
    const lengthExamples = (count: number, offset: number): TrainingExample[] =>
      Array.from({ length: count }, (_value, index) => {
        const length = 3 + ((index + offset) * 7) % 40;
        const prompt = Array.from({ length }, (_word, position) => words[(position * 3 + index) % words.length]!).join(' ');
        return { id: `length-${index}`, input: { prompt }, weakQuality: length > 22 ? 0 : 1, strongQuality: 1 };
      });
    const artifact = trainLearnedRouter(lengthExamples(120, 0), { variant: 'switchyard', strong: 'big', weak: 'small', trainedOn: TRAINED_ON });
    const choice = artifact.trainedOn.extra?.crossValidation as { ensemble: string };
    expect(choice.ensemble).toMatch(/dense|stumps/);
    const unseen = lengthExamples(40, 3);
    const model = createLearnedRouterModel(artifact);
    const scores = unseen.map((example) => model.score(example.input));
    const apgr = averageGapRecovered(scores, unseen.map((example) => example.weakQuality), unseen.map((example) => example.strongQuality));
    expect(apgr).toBeGreaterThan(0.7); // 0.75 is a perfect order here
  });

  it('is deterministic for the same data and seed', () => {
    const options = { variant: 'switchyard' as const, strong: 'big', weak: 'small', trainedOn: TRAINED_ON, seed: 7 };
    const { createdAt: _first, ...first } = trainLearnedRouter(train, options);
    const { createdAt: _second, ...second } = trainLearnedRouter(train, options);
    expect(second).toEqual(first);
  });

  it('rejects qualities outside [0,1]', () => {
    const bad = [...train.slice(0, 3), { ...train[3]!, strongQuality: 7 }];
    expect(() => trainLearnedRouter(bad, { variant: 'baseline', strong: 'b', weak: 'w', trainedOn: TRAINED_ON })).toThrow(/strongQuality must be in \[0,1\], got 7/);
  });
});

const gsm8k = '/work/shared/data/zeroeval/gsm8k.jsonl';

describe.skipIf(!existsSync(gsm8k))('real data slice (GSM8K, GPT-4o vs Llama-3-8B)', () => {
  interface Row { id: string; prompt: string; split: string; models: Record<string, { quality: number }> }
  const rows = readFileSync(gsm8k, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Row);
  const toExample = (row: Row): TrainingExample => ({
    id: row.id,
    input: { prompt: row.prompt },
    weakQuality: row.models['Meta-Llama-3-8B-Instruct']!.quality,
    strongQuality: row.models['gpt-4o-2024-05-13']!.quality,
  });
  const train = rows.filter((row) => row.split === 'train').slice(0, 200).map(toExample);
  const test = rows.filter((row) => row.split === 'test').map(toExample);

  it('trains on 200 rows and ranks the test split better than random', () => {
    const artifact = trainLearnedRouter(train, { variant: 'baseline', strong: 'gpt-4o', weak: 'llama-3-8b', trainedOn: { ...TRAINED_ON, examples: 200 } });
    const model = createLearnedRouterModel(artifact);
    const scores = test.map((example) => model.score(example.input));
    const apgr = averageGapRecovered(scores, test.map((example) => example.weakQuality), test.map((example) => example.strongQuality));
    expect(apgr).toBeGreaterThan(0.55);
  });
});

describe('trainLearnedRouter with prompt embeddings', () => {
  // The words carry no signal (hard and easy prompts share them); a direction of the embedding does.
  const examples = (count: number, offset = 0): TrainingExample[] =>
    Array.from({ length: count }, (_value, position) => {
      const index = position + offset;
      const hard = (index * 7) % 3 === 0;
      const embedding = Float64Array.from({ length: 8 }, (_unused, dimension) => Math.sin(index * (dimension + 1)) * 0.3);
      embedding[0] = hard ? 0.8 : -0.8;
      return { id: `e${index}`, input: { prompt: `question number ${index % 5} about topic ${index % 4}`, embedding }, weakQuality: hard ? 0 : 1, strongQuality: 1 };
    });
  const options = { variant: 'switchyard' as const, strong: 'big', weak: 'small', trainedOn: TRAINED_ON, embedder: 'test/embedder' };

  it('offers an embedding member to the cross-validated choice and records the embedder it needs', () => {
    const artifact = trainLearnedRouter(examples(80), options);
    const choice = artifact.trainedOn.extra?.crossValidation as { ensemble: string };
    expect(choice.ensemble).toMatch(/embedding/);
    expect(artifact.features.embedding).toEqual({ embedder: 'test/embedder', dimension: 8 });
    expect(parseRouterArtifact(JSON.parse(JSON.stringify(artifact)), 'memory')).toEqual(artifact);
    const model = createLearnedRouterModel(artifact);
    expect(model.embedder).toBe('test/embedder');
    const held = examples(30, 1000);
    const scores = held.map((example) => model.score(example.input));
    const weak = held.map((example) => example.weakQuality);
    const strong = held.map((example) => example.strongQuality);
    // As good as the oracle (every hard prompt ranked above every easy one).
    expect(averageGapRecovered(scores, weak, strong)).toBeCloseTo(averageGapRecovered(weak.map((value) => 1 - value), weak, strong), 9);
    // Without the embedding (or with one of the wrong size) it refuses rather than guessing.
    expect(() => model.score({ prompt: 'question' })).toThrow(/8-dimension embedding from 'test\/embedder', got none/);
    expect(() => model.score({ prompt: 'question', embedding: [1, 2] })).toThrow(/got 2 dimensions/);
  });

  it('refuses a partly embedded set, ragged vectors, or vectors from an unnamed embedder', () => {
    const some = examples(20);
    const partial = some.map((example, index) => (index === 3 ? { ...example, input: { prompt: example.input.prompt } } : example));
    expect(() => trainLearnedRouter(partial, options)).toThrow(/1 of 20 training examples have no embedding/);
    const ragged = some.map((example, index) => (index === 5 ? { ...example, input: { ...example.input, embedding: [1] } } : example));
    expect(() => trainLearnedRouter(ragged, options)).toThrow(/example e5: embedding has 1 dimensions, the first had 8/);
    const { embedder: _unused, ...unnamed } = options;
    expect(() => trainLearnedRouter(some, unnamed)).toThrow(/no embedder is named/);
  });
});
