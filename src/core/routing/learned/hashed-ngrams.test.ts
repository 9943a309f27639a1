import { describe, expect, it } from 'vitest';
import { NgramVectorizer, normalizeText, type HashingOptions } from './hashed-ngrams.js';

const options: HashingOptions = { hashBits: 18, wordNgramMax: 2, charNgramMin: 3, charNgramMax: 5, sublinearCounts: false };

function squaredNorm(values: Float64Array): number {
  return values.reduce((sum, value) => sum + value * value, 0);
}

describe('hashed n-grams', () => {
  it('normalises case and whitespace runs', () => {
    expect(normalizeText('  Hello\n\n  WORLD\tagain ')).toBe('hello world again');
  });

  it('gives the same vector for the same text, across vectorisers and repeated calls', () => {
    const text = 'Janet’s ducks lay 16 eggs per day. How much does she make?';
    const first = new NgramVectorizer(options).sparseVector(text);
    const vectorizer = new NgramVectorizer(options);
    vectorizer.sparseVector('something else entirely, to dirty the scratch space');
    const second = vectorizer.sparseVector(text);
    expect(Array.from(second.indices)).toEqual(Array.from(first.indices));
    expect(Array.from(second.values)).toEqual(Array.from(first.values));
    // Pinned buckets: a change to the hash silently invalidates every trained artifact.
    expect(Array.from(first.indices.slice(0, 3))).toMatchInlineSnapshot(`
      [
        488,
        751,
        1106,
      ]
    `);
  });

  it('ignores case and layout but not content', () => {
    const vectorizer = new NgramVectorizer(options);
    const base = vectorizer.sparseVector('Solve for x: 2x + 3 = 7');
    expect(Array.from(vectorizer.sparseVector('solve  FOR x:\n2x + 3 = 7').indices)).toEqual(Array.from(base.indices));
    expect(Array.from(vectorizer.sparseVector('Solve for y: 2y + 3 = 7').indices)).not.toEqual(Array.from(base.indices));
  });

  it('returns sorted buckets in range with each block L2-normalised', () => {
    const vector = new NgramVectorizer(options).sparseVector('the quick brown fox jumps over the lazy dog');
    for (let index = 1; index < vector.indices.length; index += 1) expect(vector.indices[index]!).toBeGreaterThan(vector.indices[index - 1]!);
    expect(vector.indices[vector.indices.length - 1]!).toBeLessThan(2 ** 18);
    // Word block and character block each have norm 1; a rare collision between them would only nudge this.
    expect(squaredNorm(vector.values)).toBeCloseTo(2, 1);
  });

  it('honours disabled blocks and sublinear counts', () => {
    const wordsOnly = new NgramVectorizer({ ...options, charNgramMax: 0 }).sparseVector('a a a b');
    expect(wordsOnly.indices.length).toBe(4); // a, b, "a a", "a b"
    expect(squaredNorm(wordsOnly.values)).toBeCloseTo(1, 9);
    const linear = new NgramVectorizer({ ...options, charNgramMax: 0, wordNgramMax: 1 }).sparseVector('a a a b');
    const sublinear = new NgramVectorizer({ ...options, charNgramMax: 0, wordNgramMax: 1, sublinearCounts: true }).sparseVector('a a a b');
    const ratio = (vector: { values: Float64Array }) => Math.max(...vector.values) / Math.min(...vector.values);
    expect(ratio(linear)).toBeCloseTo(3, 9);
    expect(ratio(sublinear)).toBeCloseTo(Math.log1p(3) / Math.log1p(1), 9);
  });
});
