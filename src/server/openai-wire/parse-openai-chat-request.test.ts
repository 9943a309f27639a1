import { describe, expect, it } from 'vitest';
import { expectSameAsSchema as expectSame, expectSameAsSchemaForMutations, REPLACEMENT_VALUES } from '../../../test/support/field-mutations.js';
import { parseWireRequest } from '../parse-wire-request.js';
import { openAIChatRequestSchema } from './openai-chat-request-schema.js';
import { parseOpenAIChatRequest } from './parse-openai-chat-request.js';

const plain = {
  model: 'gpt-4o',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Hi', name: 'ada' },
    { role: 'assistant', content: 'Hello.' },
    { role: 'developer', content: 'Be kind.' },
  ],
  max_tokens: 16,
  max_completion_tokens: null,
  temperature: 0,
  top_p: 1,
  n: 1,
  seed: -3,
  user: 'u-1',
  stream: true,
  stream_options: { include_usage: true },
};

/** Whatever the fast path does, the result (or the error) must be the schema's. */
const schemaParse = (body: unknown) => parseWireRequest(openAIChatRequestSchema, body);
const expectSameAsSchema = (body: unknown) => expectSame(parseOpenAIChatRequest, schemaParse, body);

describe('parseOpenAIChatRequest', () => {
  it('takes a plain text chat request as it is, equal to what the schema returns', () => {
    const body = structuredClone(plain);
    expect(parseOpenAIChatRequest(body)).toBe(body);
    expectSameAsSchema(structuredClone(plain));
  });

  it.each([
    ['a tool message', { model: 'm', messages: [{ role: 'tool', tool_call_id: 't1', content: 'ok' }] }],
    ['content parts', { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] }],
    ['assistant tool calls', { model: 'm', messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'a', function: { name: 'f', arguments: '{}' } }] }] }],
    ['an extra message field (stripped by the schema)', { model: 'm', messages: [{ role: 'user', content: 'hi', cache: true }] }],
    ['an extra stream option (stripped by the schema)', { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: false, other: 1 } }],
    ['tools', { model: 'm', messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: 'auto' }],
    ['metadata', { model: 'm', messages: [{ role: 'user', content: 'hi' }], metadata: { task: 'x' } }],
  ])('hands %s to the schema, with the same result', (_name, body) => {
    const copy = structuredClone(body);
    expect(parseOpenAIChatRequest(copy)).not.toBe(copy);
    expectSameAsSchema(body);
  });

  it.each([
    ['not an object', []],
    ['no model', { messages: [{ role: 'user', content: 'hi' }] }],
    ['an empty model', { model: '', messages: [{ role: 'user', content: 'hi' }] }],
    ['no messages', { model: 'm', messages: [] }],
    ['an unknown role', { model: 'm', messages: [{ role: 'robot', content: 'hi' }] }],
    ['a numeric name', { model: 'm', messages: [{ role: 'user', content: 'hi', name: 3 }] }],
    ['a fractional max_tokens', { model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 1.5 }],
    ['a zero max_tokens', { model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 0 }],
    ['an unsafe integer seed', { model: 'm', messages: [{ role: 'user', content: 'hi' }], seed: 2 ** 60 }],
    ['a temperature above 2', { model: 'm', messages: [{ role: 'user', content: 'hi' }], temperature: 2.5 }],
    ['a negative top_p', { model: 'm', messages: [{ role: 'user', content: 'hi' }], top_p: -0.1 }],
    ['a string stream', { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: 'yes' }],
    ['a misspelt parameter', { model: 'm', messages: [{ role: 'user', content: 'hi' }], temprature: 1 }],
    ['an own __proto__ key', JSON.parse('{"model":"m","messages":[{"role":"user","content":"hi"}],"__proto__":{"x":1}}') as unknown],
  ])('rejects %s exactly as the schema does', (_name, body) => {
    expect(openAIChatRequestSchema.safeParse(body).success).toBe(false);
    expectSameAsSchema(body);
  });

  it('gives the schema\'s result for every body one field away from a plain one', () => {
    // Numbers at the edges of the settings' ranges, beyond the generic replacement values.
    const replacements = [...REPLACEMENT_VALUES, 2, 2.5, 0.5, 2 ** 60, 'assistant', 'tool', 'robot'];
    expectSameAsSchemaForMutations(parseOpenAIChatRequest, schemaParse, plain, replacements);
  });
});
