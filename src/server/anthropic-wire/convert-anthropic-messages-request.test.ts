import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../spec/errors.js';
import { parseWireRequest } from '../parse-wire-request.js';
import { anthropicMessagesRequestSchema } from './anthropic-messages-request-schema.js';
import { convertAnthropicMessagesRequest } from './convert-anthropic-messages-request.js';

function convert(body: Record<string, unknown>) {
  return convertAnthropicMessagesRequest(parseWireRequest(anthropicMessagesRequestSchema, { model: 'claude-x', max_tokens: 100, ...body }));
}

function rejection(body: Record<string, unknown>, withDefaults = true): { message: string; param: string | undefined } {
  try {
    if (withDefaults) convert(body);
    else convertAnthropicMessagesRequest(parseWireRequest(anthropicMessagesRequestSchema, body));
  } catch (error) {
    expect(InvalidRequestError.isInstance(error)).toBe(true);
    const typed = error as InvalidRequestError;
    return { message: typed.message, param: typed.param };
  }
  throw new Error('expected the request to be rejected');
}

describe('convertAnthropicMessagesRequest', () => {
  it('converts string content, a string system prompt and sampling settings', () => {
    const { call, meta } = convert({
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Hello' }],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['END'],
      metadata: { user_id: 'user-7' },
    });
    expect(meta).toEqual({ model: 'claude-x', stream: false, stopSequences: ['END'], warnings: [] });
    expect(call).toEqual({
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Hello' }] },
      ],
      maxOutputTokens: 100,
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      stopSequences: ['END'],
      user: 'user-7',
    });
  });

  it('keeps cache_control breakpoints as providerOptions.anthropic.cacheControl on the matching part', () => {
    const { call } = convert({
      system: [
        { type: 'text', text: 'Long rules', cache_control: { type: 'ephemeral', ttl: '1h' } },
        { type: 'text', text: 'Short rules' },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Document', cache_control: { type: 'ephemeral' } },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0=' }, cache_control: { type: 'ephemeral' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
      tools: [{ name: 'lookup', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } }],
    });
    expect(call.messages).toMatchInlineSnapshot(`
      [
        {
          "content": [
            {
              "providerOptions": {
                "anthropic": {
                  "cacheControl": {
                    "ttl": "1h",
                    "type": "ephemeral",
                  },
                },
              },
              "text": "Long rules",
              "type": "text",
            },
            {
              "text": "Short rules",
              "type": "text",
            },
          ],
          "role": "system",
        },
        {
          "content": [
            {
              "providerOptions": {
                "anthropic": {
                  "cacheControl": {
                    "type": "ephemeral",
                  },
                },
              },
              "text": "Document",
              "type": "text",
            },
            {
              "providerOptions": {
                "anthropic": {
                  "cacheControl": {
                    "type": "ephemeral",
                  },
                },
              },
              "type": "image",
              "url": "data:image/png;base64,iVBORw0=",
            },
            {
              "type": "image",
              "url": "https://example.com/cat.jpg",
            },
          ],
          "role": "user",
        },
      ]
    `);
    expect(call.tools).toEqual([
      { type: 'function', name: 'lookup', parameters: { type: 'object' }, providerOptions: { anthropic: { cacheControl: { type: 'ephemeral' } } } },
    ]);
  });

  it('turns tool_use into tool calls and tool_result into tool messages named after the earlier call', () => {
    const { call } = convert({
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Need the tool.', signature: 'sig-1' },
            { type: 'text', text: 'Checking.', citations: null },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C', cache_control: { type: 'ephemeral' } },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'line 1' }, { type: 'text', text: 'line 2' }], is_error: true },
            { type: 'text', text: 'And tomorrow?' },
          ],
        },
      ],
    });
    expect(call.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'Need the tool.', signature: 'sig-1' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool-call', toolCallId: 'toolu_1', toolName: 'get_weather', input: '{"city":"Paris"}' },
          { type: 'tool-call', toolCallId: 'toolu_2', toolName: 'get_time', input: '{}' },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'toolu_1',
            toolName: 'get_weather',
            output: '18°C',
            providerOptions: { anthropic: { cacheControl: { type: 'ephemeral' } } },
          },
          { type: 'tool-result', toolCallId: 'toolu_2', toolName: 'get_time', output: 'line 1\nline 2', isError: true },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'And tomorrow?' }] },
    ]);
  });

  it('drops redacted_thinking with a warning', () => {
    const { call, meta } = convert({
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: [{ type: 'redacted_thinking', data: 'opaque' }, { type: 'text', text: 'Hello' }] },
        { role: 'user', content: 'Again' },
      ],
    });
    expect(call.messages[1]).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'Hello' }] });
    expect(meta.warnings).toEqual([{ type: 'other', message: 'messages[1].content[0]: redacted_thinking was dropped.' }]);
  });

  it.each([
    [{ type: 'auto' }, { toolChoice: { type: 'auto' } }],
    [{ type: 'any' }, { toolChoice: { type: 'required' } }],
    [{ type: 'none' }, { toolChoice: { type: 'none' } }],
    [{ type: 'tool', name: 'lookup' }, { toolChoice: { type: 'tool', toolName: 'lookup' } }],
    [{ type: 'any', disable_parallel_tool_use: true }, { toolChoice: { type: 'required' }, parallelToolCalls: false }],
  ])('maps tool_choice %j', (toolChoice, expected) => {
    const { call } = convert({
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ name: 'lookup', description: 'Looks up', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }],
      tool_choice: toolChoice,
    });
    expect(call.tools).toEqual([
      { type: 'function', name: 'lookup', description: 'Looks up', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
    ]);
    expect({ toolChoice: call.toolChoice, ...(call.parallelToolCalls === undefined ? {} : { parallelToolCalls: call.parallelToolCalls }) }).toEqual(expected);
  });

  it('refuses a tool_choice naming an unknown tool', () => {
    expect(
      rejection({ messages: [{ role: 'user', content: 'x' }], tools: [{ name: 'a', input_schema: {} }], tool_choice: { type: 'tool', name: 'b' } }),
    ).toEqual({ message: "tool_choice names tool 'b', which is not in 'tools'.", param: 'tool_choice.name' });
  });

  it('takes the thinking budget out of max_tokens and passes it on as a provider-neutral reasoning budget', () => {
    const { call } = convert({ max_tokens: 5000, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: [{ role: 'user', content: 'x' }] });
    expect(call.maxOutputTokens).toBe(2952);
    expect(call.reasoningBudgetTokens).toBe(2048);
    expect(call.providerOptions).toBeUndefined();
    expect(
      rejection({ max_tokens: 1000, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'x' }] }).param,
    ).toBe('thinking.budget_tokens');
  });

  it('maps output_config.format to a JSON-schema response format and streams when asked', () => {
    const { call, meta } = convert({
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
      output_config: { format: { type: 'json_schema', schema: { type: 'object' } } },
    });
    expect(call.responseFormat).toEqual({ type: 'json-schema', name: 'response', schema: { type: 'object' } });
    expect(meta.stream).toBe(true);
  });

  it('names the wrong field', () => {
    expect(rejection({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, false)).toEqual({
      message: "Missing required parameter: 'max_tokens'.",
      param: 'max_tokens',
    });
    expect(rejection({ messages: [{ role: 'user', content: 'x' }], frequency_penalty: 1 })).toEqual({
      message: 'Unrecognized request argument supplied: frequency_penalty',
      param: 'frequency_penalty',
    });
    expect(rejection({ messages: [{ role: 'user', content: [{ type: 'document', source: {} }] }] }).param).toBe('messages[0].content[0].type');
    expect(rejection({ messages: [{ role: 'system', content: 'x' }] }).param).toBe('messages[0].role');
    expect(rejection({ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'ftp://x' } }] }] }).param).toBe(
      'messages[0].content[0].source.url',
    );
    expect(rejection({ messages: [] }).param).toBe('messages');
  });
});
