import { describe, expect, it } from 'vitest';
import { expectCheckNoLooserThanSchema } from '../../../test/support/field-mutations.js';
import { isPlainTextChunk, openAIChatChunkSchema } from './openai-compatible-api.js';

const base = { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm' };

describe('isPlainTextChunk', () => {
  it('accepts text, role and finish chunks, which the schema also accepts', () => {
    const plain = [
      { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null, logprobs: null }] },
      { ...base, choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }] },
      { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
      { ...base, choices: [] },
    ];
    for (const chunk of plain) {
      expect(isPlainTextChunk(chunk)).toBe(true);
      expect(openAIChatChunkSchema.safeParse(chunk).success).toBe(true);
    }
  });

  it('leaves tool calls, usage, logprobs and anything malformed to the schema', () => {
    const other = [
      { ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{' } }] } }] },
      { ...base, choices: [], usage: { prompt_tokens: 1 } },
      { ...base, choices: [{ index: 0, delta: { content: 'x' }, logprobs: { content: [] } }] },
      { ...base, choices: [{ index: 0, delta: { content: 42 } }] },
      { ...base, created: 'yesterday', choices: [] },
      { ...base, choices: [{ index: 0, delta: 'text' }] },
      { ...base, choices: [{}, {}] },
      null,
      'chunk',
    ];
    for (const chunk of other) expect(isPlainTextChunk(chunk)).toBe(false);
  });

  it('accepts nothing the schema rejects, whatever value any field takes', () => {
    const sample = { ...base, system_fingerprint: 'fp', choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi', refusal: null }, finish_reason: null, logprobs: null }] };
    expect(expectCheckNoLooserThanSchema(isPlainTextChunk, openAIChatChunkSchema, [sample])).toBeGreaterThan(50);
  });
});
