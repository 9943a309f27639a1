import { afterAll, describe, expect, it } from 'vitest';
import { LocalSentenceEncoder } from './local-sentence-encoder.js';
import { embeddingText, EMBEDDED_CHARACTERS, withEmbeddings } from './prompt-embedder.js';

const cosine = (left: Float32Array, right: Float32Array) => {
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let index = 0; index < left.length; index += 1) {
    dot += left[index]! * right[index]!;
    leftNorm += left[index]! ** 2;
    rightNorm += right[index]! ** 2;
  }
  return dot / Math.sqrt(leftNorm * rightNorm);
};

describe('LocalSentenceEncoder', () => {
  const encoder = new LocalSentenceEncoder();
  afterAll(() => encoder.close());

  it('embeds offline, off the request thread, into 512 dimensions that place similar prompts closer', async () => {
    const [bread, sourdough, proof] = await encoder.embed(['How do I bake bread at home?', 'Give me a recipe for a sourdough loaf.', 'Prove that the square root of 2 is irrational.']);
    expect(bread).toHaveLength(512);
    expect(cosine(bread!, sourdough!)).toBeGreaterThan(cosine(bread!, proof!) + 0.2);
    // The same text gives the same vector (a router scores a prompt the way it was trained).
    const [again] = await encoder.embed(['How do I bake bread at home?']);
    expect(cosine(bread!, again!)).toBeCloseTo(1, 5);
  });

  it('attaches embeddings to router inputs in batches, reporting progress, from the truncated router text', async () => {
    const progress: number[] = [];
    const inputs = [{ prompt: 'a' }, { prompt: 'b', previousTurns: ['earlier'] }, { prompt: 'c' }];
    const embedded = await withEmbeddings(inputs, encoder, (done) => progress.push(done), 2);
    expect(progress).toEqual([2, 3]);
    expect(embedded.map((input) => input.embedding?.length)).toEqual([512, 512, 512]);
    expect(embedded[1]).toMatchObject({ prompt: 'b', previousTurns: ['earlier'] });
    expect(embeddingText({ prompt: 'x'.repeat(EMBEDDED_CHARACTERS + 10), previousTurns: ['first'] })).toHaveLength(EMBEDDED_CHARACTERS);
    expect(embeddingText({ prompt: 'now', previousTurns: ['first'] })).toBe('first\nnow');
  });

  it('rejects calls after it is closed instead of hanging', async () => {
    const closing = new LocalSentenceEncoder();
    await closing.close();
    await expect(closing.embed(['anything'])).rejects.toThrow(/closed/);
  });
});
