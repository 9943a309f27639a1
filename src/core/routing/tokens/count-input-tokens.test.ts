import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatCall } from '../../../spec/chat-call.js';
import { CallTokenCounts, countInputTokens, inputTokensUpperBound } from './count-input-tokens.js';
import { estimateTextTokens } from './estimate-text-tokens.js';
import { loadOpenAITokenizer, loadOpenAITokenizers } from './openai-encoders.js';
import { TOKENIZER_FAMILIES, type TokenizerFamily } from './tokenizer-family.js';

const text = (value: string) => ({ type: 'text' as const, text: value });
const userCall = (value: string): ChatCall => ({ messages: [{ role: 'user', content: [text(value)] }] });

/** A mix that exercises every branch of tiktoken's splitting regex. */
const NATURAL_TEXTS = [
  'hello world',
  "It's   a   test.\n\n\nWith    several\tspaces and CamelCaseWords, numbers 1234567 and 3.14159!",
  'function add(a: number, b: number): number {\n    return a + b; // sum\n}\n',
  '日本語のテキストと中文文本，还有한국어 텍스트。',
  'Emoji 🤖🚀 and accents: café, naïve, Ñandú — “quotes”.',
  'Special-looking text <|endoftext|> and <|im_start|> stay plain text.',
  '   leading and trailing spaces   \n',
  '{"reasoning": "___", "answer": "___"}',
];
const MIXED_TEXTS = [
  ...NATURAL_TEXTS,
  // Long single pieces exercise many merge rounds.
  'a'.repeat(300),
  Buffer.from(Array.from({ length: 300 }, (_, index) => (index * 37) % 256)).toString('base64'),
  `https://example.com/${'segment'.repeat(40)}?query=${'z'.repeat(50)}`,
  ' '.repeat(100) + '\n'.repeat(10),
];

beforeAll(async () => {
  await loadOpenAITokenizers(['o200k', 'cl100k']);
});

describe('exact OpenAI counts', () => {
  it('counts "hello world" as 2 tokens in both encodings', async () => {
    for (const family of ['o200k', 'cl100k'] as const) {
      expect((await loadOpenAITokenizer(family)).count('hello world')).toBe(2);
    }
  });

  it('matches js-tiktoken encode() exactly, piece memo and all', async () => {
    for (const family of ['o200k', 'cl100k'] as const) {
      const counter = await loadOpenAITokenizer(family);
      for (const sample of [...MIXED_TEXTS, MIXED_TEXTS.join(' ')]) {
        // Twice: the second count is answered from the piece memo.
        expect(counter.count(sample)).toBe(counter.encode(sample).length);
        expect(counter.count(sample)).toBe(counter.encode(sample).length);
      }
    }
  });

  it('counts special-token strings as text instead of throwing', async () => {
    const counter = await loadOpenAITokenizer('o200k');
    expect(counter.count('<|endoftext|>')).toBeGreaterThan(1);
  });

  it("reproduces the cookbook's message count (129 for gpt-4 / gpt-3.5, 124 for gpt-4o)", () => {
    // OpenAI cookbook "How to count tokens with tiktoken": the API reported these prompt_tokens.
    // The cookbook's named messages are `system`; role strings are one token either way.
    const call: ChatCall = {
      messages: [
        { role: 'system', content: [text('You are a helpful, pattern-following assistant that translates corporate jargon into plain English.')] },
        { role: 'user', name: 'example_user', content: [text('New synergies will help drive top-line growth.')] },
        { role: 'user', name: 'example_assistant', content: [text('Things working well together will increase revenue.')] },
        { role: 'user', name: 'example_user', content: [text("Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.")] },
        { role: 'user', name: 'example_assistant', content: [text("Let's talk later when we're less busy about how to do better.")] },
        { role: 'user', content: [text("This late pivot means we don't have time to boil the ocean for the client deliverable.")] },
      ],
    };
    expect(countInputTokens(call, 'cl100k')).toBe(129);
    expect(countInputTokens(call, 'o200k')).toBe(124);
  });

  it("reproduces the cookbook's tool-definition count (105 for gpt-4 / gpt-3.5, 101 for gpt-4o)", () => {
    const call: ChatCall = {
      messages: [
        { role: 'system', content: [text('You are a helpful assistant that can answer to questions about the weather.')] },
        { role: 'user', content: [text("What's the weather like in San Francisco?")] },
      ],
      tools: [
        {
          type: 'function',
          name: 'get_current_weather',
          description: 'Get the current weather in a given location',
          parameters: {
            type: 'object',
            properties: {
              location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' },
              unit: { type: 'string', description: 'The unit of temperature to return', enum: ['celsius', 'fahrenheit'] },
            },
            required: ['location'],
          },
        },
      ],
    };
    expect(countInputTokens(call, 'cl100k')).toBe(105);
    expect(countInputTokens(call, 'o200k')).toBe(101);
  });

  it('adds 3 per message, the role, 1 + name for a name, and 3 for reply priming', async () => {
    const counter = await loadOpenAITokenizer('o200k');
    const content = 'Summarise the attached report.';
    const one = countInputTokens(userCall(content), 'o200k');
    expect(one).toBe(3 + counter.count('user') + counter.count(content) + 3);
    const named: ChatCall = { messages: [{ role: 'user', name: 'alice', content: [text(content)] }] };
    expect(countInputTokens(named, 'o200k')).toBe(one + counter.count('alice') + 1);
  });

  it('counts tool calls, tool results and a JSON-schema response format', () => {
    const base: ChatCall = userCall('What is the weather?');
    const withHistory: ChatCall = {
      ...base,
      messages: [
        ...base.messages,
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: '{"city":"Paris"}' }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', output: '{"celsius":21}' }] },
      ],
      responseFormat: { type: 'json-schema', name: 'answer', schema: { type: 'object', properties: { text: { type: 'string' } } } },
    };
    expect(countInputTokens(withHistory, 'o200k')).toBeGreaterThan(countInputTokens(base, 'o200k') + 20);
  });
});

describe('estimated families', () => {
  it('uses bytes × (1 + margin) / bytes-per-token from the documented table', () => {
    const thousandBytes = 'a'.repeat(1000);
    expect(estimateTextTokens(thousandBytes, 'anthropic')).toBe(Math.ceil((1000 * 1.15) / 3.5));
    expect(estimateTextTokens(thousandBytes, 'gemini')).toBe(Math.ceil((1000 * 1.15) / 4));
    expect(estimateTextTokens(thousandBytes, 'generic')).toBe(400);
    expect(estimateTextTokens('', 'llama')).toBe(0);
  });

  it('counts non-Latin text by bytes, so CJK is not underestimated like chars/4 would', () => {
    const chinese = '中文文本'.repeat(50); // 200 characters, 600 bytes
    expect(estimateTextTokens(chinese, 'qwen')).toBe(Math.ceil((600 * 1.15) / 4));
    expect(estimateTextTokens(chinese, 'qwen')).toBeGreaterThan(chinese.length / 4);
  });

  it('adds per-message framing for estimated families', () => {
    const one = countInputTokens(userCall('hello there'), 'mistral');
    const two = countInputTokens({ messages: [...userCall('hello there').messages, ...userCall('hello there').messages] }, 'mistral');
    expect(two - one).toBe(one);
    expect(one).toBe(5 + estimateTextTokens('hello there', 'mistral'));
  });

  it('errs high against the real OpenAI count on natural language and code', () => {
    // Not on base64 or random strings: those run 1.5–2.5 bytes per token and are underestimated
    // (the byte-length upper bound that context fit uses still holds for them).
    const call = userCall(NATURAL_TEXTS.join('\n'));
    const exact = countInputTokens(call, 'o200k');
    for (const family of ['anthropic', 'gemini', 'llama', 'mistral', 'qwen', 'generic'] as const) {
      expect(countInputTokens(call, family)).toBeGreaterThan(exact);
    }
  });
});

describe('memo and upper bound', () => {
  it('returns the same count for the same call and family, and differs across families', () => {
    const call = userCall('The quick brown fox jumps over the lazy dog. '.repeat(40));
    const first = countInputTokens(call, 'o200k');
    expect(countInputTokens(call, 'o200k')).toBe(first);
    expect(countInputTokens(call, 'generic')).not.toBe(first);
  });

  it("counts a request's input once per family and its upper bound once (CallTokenCounts)", () => {
    const plain = userCall('The quick brown fox jumps over the lazy dog. '.repeat(40));
    let reads = 0;
    // Each count walks the messages: reads of `messages` show how often the call was counted.
    const call: ChatCall = {
      get messages() {
        reads += 1;
        return plain.messages;
      },
    };
    const counts = new CallTokenCounts(call);
    expect(counts.count('o200k')).toBe(countInputTokens(plain, 'o200k'));
    expect(counts.count('generic')).toBe(countInputTokens(plain, 'generic'));
    const afterCounts = reads;
    expect(counts.count('o200k')).toBe(countInputTokens(plain, 'o200k'));
    expect(counts.count('generic')).toBe(countInputTokens(plain, 'generic'));
    expect(reads).toBe(afterCounts);
    expect(counts.upperBound()).toBe(inputTokensUpperBound(plain));
    const afterBound = reads;
    expect(afterBound).toBeGreaterThan(afterCounts);
    expect(counts.upperBound()).toBe(inputTokensUpperBound(plain));
    expect(reads).toBe(afterBound);
  });

  it('bounds every family from above, tools and images included', () => {
    const call: ChatCall = {
      messages: [
        { role: 'system', content: [text(MIXED_TEXTS.join('\n'))] },
        { role: 'user', name: 'bob', content: [text('Describe it.'), { type: 'image', url: 'https://example.com/cat.png' }] },
      ],
      tools: [{ type: 'function', name: 'lookup', description: 'Look a thing up.', parameters: { type: 'object', properties: { q: { type: 'string', enum: ['a', 'b'] }, filters: { type: 'object', properties: { year: { type: 'integer' } } } } } }],
      responseFormat: { type: 'json-schema', name: 'out', schema: { type: 'object' } },
    };
    const bound = inputTokensUpperBound(call);
    for (const family of TOKENIZER_FAMILIES satisfies readonly TokenizerFamily[]) {
      expect(countInputTokens(call, family)).toBeLessThanOrEqual(bound);
    }
  });
});
