import { describe, expect, it } from 'vitest';
import { expectSameAsSchema as expectSame, expectSameAsSchemaForMutations, REPLACEMENT_VALUES } from '../../../test/support/field-mutations.js';
import { parseWireRequest } from '../parse-wire-request.js';
import { anthropicMessagesRequestSchema } from './anthropic-messages-request-schema.js';
import { parseAnthropicMessagesRequest } from './parse-anthropic-messages-request.js';

const plain = {
  model: 'claude-sonnet-4-5',
  max_tokens: 256,
  system: 'You are terse.',
  messages: [
    { role: 'user', content: 'Hi' },
    { role: 'assistant', content: [{ type: 'text', text: 'Hello.' }] },
    { role: 'user', content: [{ type: 'text', text: 'Again?' }, { type: 'text', text: 'Please.' }] },
  ],
  temperature: 0.5,
  top_p: 1,
  top_k: 40,
  stop_sequences: ['END'],
  stream: false,
  metadata: { user_id: 'u-1' },
};

const schemaParse = (body: unknown) => parseWireRequest(anthropicMessagesRequestSchema, body);
const expectSameAsSchema = (body: unknown) => expectSame(parseAnthropicMessagesRequest, schemaParse, body);

describe('parseAnthropicMessagesRequest', () => {
  it('takes a plain text request with string content made text blocks, as the schema returns it', () => {
    const parsed = parseAnthropicMessagesRequest(structuredClone(plain));
    expect(parsed.messages[0]).toEqual({ role: 'user', content: [{ type: 'text', text: 'Hi' }] });
    expectSameAsSchema(structuredClone(plain));
  });

  it.each([
    ['an image', { model: 'm', max_tokens: 8, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }] }] }],
    ['a cache breakpoint', { model: 'm', max_tokens: 8, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] }] }],
    ['an extra block field (stripped by the schema)', { model: 'm', max_tokens: 8, messages: [{ role: 'assistant', content: [{ type: 'text', text: 'hi', citations: null }] }] }],
    ['a system prompt of blocks', { model: 'm', max_tokens: 8, system: [{ type: 'text', text: 'Be terse.' }], messages: [{ role: 'user', content: 'hi' }] }],
    ['tools', { model: 'm', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 'f', input_schema: { type: 'object' } }] }],
    ['thinking', { model: 'm', max_tokens: 2048, messages: [{ role: 'user', content: 'hi' }], thinking: { type: 'enabled', budget_tokens: 1024 } }],
  ])('hands %s to the schema, with the same result', (_name, body) => {
    expectSameAsSchema(body);
  });

  it.each([
    ['not an object', []],
    ['no max_tokens', { model: 'm', messages: [{ role: 'user', content: 'hi' }] }],
    ['no messages', { model: 'm', max_tokens: 8, messages: [] }],
    ['a system role in messages', { model: 'm', max_tokens: 8, messages: [{ role: 'system', content: 'hi' }] }],
    ['a temperature above 1', { model: 'm', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }], temperature: 1.5 }],
    ['a misspelt parameter', { model: 'm', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }], max_token: 8 }],
    ['an own __proto__ key', JSON.parse('{"model":"m","max_tokens":8,"messages":[{"role":"user","content":"hi"}],"__proto__":{"x":1}}') as unknown],
  ])('rejects %s exactly as the schema does', (_name, body) => {
    expect(anthropicMessagesRequestSchema.safeParse(body).success).toBe(false);
    expectSameAsSchema(body);
  });

  it("gives the schema's result for every body one field away from a plain one", () => {
    const replacements = [...REPLACEMENT_VALUES, 0.5, 1, 2, 1.5, 2 ** 60, 'user', 'assistant', 'system', 'image', { type: 'text', text: 'x' }];
    expectSameAsSchemaForMutations(parseAnthropicMessagesRequest, schemaParse, plain, replacements);
  });
});
