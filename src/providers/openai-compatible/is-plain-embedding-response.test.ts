import { describe, expect, it } from 'vitest';
import { expectCheckNoLooserThanSchema } from '../../../test/support/field-mutations.js';
import { loadOpenAIJson } from './__fixtures__/load-openai-compatible-fixture.js';
import { isPlainEmbeddingResponse, openAIEmbeddingResponseSchema } from './openai-compatible-api.js';

describe('isPlainEmbeddingResponse', () => {
  it('takes the recorded float vectors, and leaves base64 vectors and malformed answers to the schema', () => {
    expect(isPlainEmbeddingResponse(loadOpenAIJson('openai-embedding'))).toBe(true);
    const others = [
      { data: [{ index: 0, embedding: 'AACAPwAAAEA=' }] },
      { data: [{ index: 0, embedding: [0.1, null] }] },
      { data: [{ index: '0', embedding: [0.1] }] },
      { data: {} },
      { data: [], usage: { prompt_tokens: '8' } },
      [],
    ];
    for (const other of others) expect(isPlainEmbeddingResponse(other), JSON.stringify(other)).toBe(false);
  });

  it('accepts nothing the schema rejects, whatever value any field takes', () => {
    expect(expectCheckNoLooserThanSchema(isPlainEmbeddingResponse, openAIEmbeddingResponseSchema, [loadOpenAIJson('openai-embedding')])).toBeGreaterThan(50);
  });
});
