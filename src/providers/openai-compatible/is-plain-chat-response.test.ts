import { describe, expect, it } from 'vitest';
import { expectCheckNoLooserThanSchema } from '../../../test/support/field-mutations.js';
import { loadOpenAIJson } from './__fixtures__/load-openai-compatible-fixture.js';
import { isPlainChatResponse, openAIChatResponseSchema } from './openai-compatible-api.js';

const plain = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-mini-2024-07-18',
  system_fingerprint: 'fp_1',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello.', refusal: null }, finish_reason: 'stop', logprobs: null }],
  usage: {
    prompt_tokens: 9,
    completion_tokens: 3,
    total_tokens: 12,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  },
};

describe('isPlainChatResponse', () => {
  it('accepts plain text answers (reasoning, refusal, no usage, several choices), which the schema also accepts', () => {
    const answers = [
      plain,
      { ...plain, usage: undefined },
      { ...plain, usage: null, id: null, created: null },
      { choices: [{ message: { content: null, refusal: 'I cannot help with that.' }, finish_reason: 'stop' }] },
      { choices: [{ message: { content: '4', reasoning_content: 'Two and two.' } }], usage: { prompt_tokens: 5, prompt_cache_hit_tokens: 2 } },
      { choices: [{ message: { content: 'a', reasoning: 'r' } }, { message: { content: 'b' }, finish_reason: 'length' }] },
    ];
    for (const answer of answers) {
      expect(isPlainChatResponse(answer)).toBe(true);
      expect(openAIChatResponseSchema.safeParse(answer).success).toBe(true);
    }
  });

  it('leaves tool calls, logprobs and anything malformed to the schema', () => {
    const others = [
      { ...plain, choices: [{ message: { content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] } }] },
      { ...plain, choices: [{ message: { content: 'x', tool_calls: [] } }] },
      { ...plain, choices: [{ message: { content: 'x' }, logprobs: { content: [] } }] },
      { ...plain, choices: [] },
      { ...plain, choices: [{ message: { content: 42 } }] },
      { ...plain, choices: [{ message: 'text' }] },
      { ...plain, choices: [{ finish_reason: 'stop' }] },
      { ...plain, usage: { prompt_tokens: '9' } },
      { ...plain, usage: [] },
      { ...plain, usage: { prompt_tokens_details: { cached_tokens: '1' } } },
      { ...plain, created: '2024-01-01' },
      null,
      [],
      'answer',
    ];
    for (const other of others) expect(isPlainChatResponse(other), JSON.stringify(other)).toBe(false);
  });

  it('accepts nothing the schema rejects, whatever value any field takes', () => {
    // Unknown fields and nullish optional ones may take any value; those were all tried.
    expect(expectCheckNoLooserThanSchema(isPlainChatResponse, openAIChatResponseSchema, [plain])).toBeGreaterThan(50);
  });

  it("takes the recorded text answers of OpenAI, DeepSeek and Ollama, and leaves tool calls and logprobs to the schema", () => {
    for (const name of ['openai-text', 'openai-refusal', 'openai-reasoning-usage', 'deepseek-reasoner', 'deepseek-cache-hit', 'ollama-reasoning']) {
      expect(isPlainChatResponse(loadOpenAIJson(name)), name).toBe(true);
    }
    for (const name of ['openai-tool-calls', 'openai-logprobs']) expect(isPlainChatResponse(loadOpenAIJson(name)), name).toBe(false);
  });
});
