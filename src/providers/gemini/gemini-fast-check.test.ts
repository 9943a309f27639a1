import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectCheckNoLooserThanSchema } from '../../../test/support/field-mutations.js';
import { loadFixture } from './__fixtures__/fixtures.js';
import { geminiBatchEmbedResponseSchema, geminiGenerateContentResponseSchema, isPlainGeminiEmbedResponse, isPlainGeminiResponse } from './gemini-api.js';

/** A recorded stream's frames, parsed (one GenerateContentResponse per line). */
function recordedFrames(name: string): unknown[] {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
}

describe('isPlainGeminiResponse', () => {
  it('takes recorded text, thought, blocked and safety-stopped answers and stream frames, which the schema also accepts', () => {
    const answers = ['gemini-text.json', 'gemini-reasoning.json', 'gemini-safety-stop.json', 'gemini-prompt-blocked.json'].map(loadFixture);
    const frames = ['gemini-text.chunks.txt', 'gemini-reasoning.chunks.txt', 'gemini-max-tokens.chunks.txt'].flatMap(recordedFrames);
    for (const value of [...answers, ...frames]) {
      expect(isPlainGeminiResponse(value), JSON.stringify(value).slice(0, 200)).toBe(true);
      expect(geminiGenerateContentResponseSchema.safeParse(value).success).toBe(true);
    }
  });

  it('leaves function calls, logprobs and malformed answers to the schema', () => {
    const others = [
      loadFixture('gemini-tool-call.json'),
      loadFixture('gemini-logprobs.json'),
      { candidates: [{ content: { parts: [{ text: 3 }] } }] },
      { candidates: [{ content: { parts: 'text' } }] },
      { candidates: {} },
      { usageMetadata: { promptTokenCount: '3' } },
      { promptFeedback: { blockReason: 1 } },
      [],
    ];
    for (const other of others) expect(isPlainGeminiResponse(other), JSON.stringify(other).slice(0, 200)).toBe(false);
  });

  it('accepts nothing the schema rejects, whatever value any field takes', () => {
    const recorded = ['gemini-text.json', 'gemini-reasoning.json', 'gemini-prompt-blocked.json'].map(loadFixture);
    expect(expectCheckNoLooserThanSchema(isPlainGeminiResponse, geminiGenerateContentResponseSchema, recorded)).toBeGreaterThan(100);
  });
});

describe('isPlainGeminiEmbedResponse', () => {
  it('takes the recorded batch of vectors and accepts nothing the schema rejects', () => {
    const recorded = loadFixture('gemini-embedding.json');
    expect(isPlainGeminiEmbedResponse(recorded)).toBe(true);
    expect(expectCheckNoLooserThanSchema(isPlainGeminiEmbedResponse, geminiBatchEmbedResponseSchema, [recorded])).toBeGreaterThan(10);
    expect(isPlainGeminiEmbedResponse({ embeddings: [{ values: [0.1, '0.2'] }] })).toBe(false);
  });
});
