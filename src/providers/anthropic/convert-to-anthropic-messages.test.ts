import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../spec/errors.js';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.js';

describe('convertToAnthropicMessages', () => {
  it('hoists system messages to text blocks with cache_control and keeps the rest in order', () => {
    const result = convertToAnthropicMessages([
      {
        role: 'system',
        content: [
          { type: 'text', text: 'You are terse.' },
          { type: 'text', text: 'Long reference document…', providerOptions: { anthropic: { cacheControl: { type: 'ephemeral', ttl: '1h' } } } },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
    ]);
    expect(result).toEqual({
      system: [
        { type: 'text', text: 'You are terse.' },
        { type: 'text', text: 'Long reference document…', cache_control: { type: 'ephemeral', ttl: '1h' } },
      ],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      warnings: [],
    });
  });

  it('warns when a system message appears mid-conversation and still hoists it', () => {
    const result = convertToAnthropicMessages([
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      { role: 'system', content: [{ type: 'text', text: 'Now answer in French.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Bonjour?' }] },
    ]);
    expect(result.system).toEqual([{ type: 'text', text: 'Now answer in French.' }]);
    expect(result.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Hi' }, { type: 'text', text: 'Bonjour?' }] },
    ]);
    expect(result.warnings).toEqual([{ type: 'other', message: expect.stringContaining('messages[1]') }]);
  });

  it('merges consecutive same-role messages so turns alternate', () => {
    const { messages } = convertToAnthropicMessages([
      { role: 'user', content: [{ type: 'text', text: 'a' }] },
      { role: 'user', content: [{ type: 'text', text: 'b' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'c' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'd' }] },
      { role: 'user', content: [{ type: 'text', text: 'e' }] },
    ]);
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(messages[0]?.content).toEqual([
      { type: 'text', text: 'a' },
      { type: 'text', text: 'b' },
    ]);
    expect(messages[1]?.content).toEqual([
      { type: 'text', text: 'c' },
      { type: 'text', text: 'd' },
    ]);
  });

  it('converts data URL and https images', () => {
    const { messages } = convertToAnthropicMessages([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare these.' },
          { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=' },
          { type: 'image', url: 'https://example.com/cat.jpg', detail: 'high', providerOptions: { anthropic: { cacheControl: { type: 'ephemeral' } } } },
        ],
      },
    ]);
    expect(messages[0]?.content).toEqual([
      { type: 'text', text: 'Compare these.' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' }, cache_control: { type: 'ephemeral' } },
    ]);
  });

  it.each([
    ['data:image/png,rawbytes', 'not base64'],
    ['data:;base64,AAAA', 'no media type'],
    ['ftp://example.com/a.png', 'unsupported scheme'],
  ])('rejects the image URL %s (%s) naming the field', (url) => {
    const convert = () =>
      convertToAnthropicMessages([{ role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'image', url }] }]);
    expect(convert).toThrow(InvalidRequestError);
    expect(convert).toThrow(expect.objectContaining({ param: 'messages[0].content[1].url' }));
  });

  it('turns assistant tool calls into tool_use blocks and tool messages into tool_result blocks', () => {
    const { messages } = convertToAnthropicMessages([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and the time?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'Need two tools.', signature: 'sig-123' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool-call', toolCallId: 'toolu_1', toolName: 'get_weather', input: '{"city":"Paris"}' },
          { type: 'tool-call', toolCallId: 'toolu_2', toolName: 'get_time', input: '' },
        ],
      },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 'toolu_1', output: '{"temp":21}' },
          {
            type: 'tool-result',
            toolCallId: 'toolu_2',
            output: 'clock unavailable',
            isError: true,
            providerOptions: { anthropic: { cacheControl: { type: 'ephemeral' } } },
          },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'Summarise.' }] },
    ]);
    expect(messages).toMatchInlineSnapshot(`
      [
        {
          "content": [
            {
              "text": "Weather in Paris and the time?",
              "type": "text",
            },
          ],
          "role": "user",
        },
        {
          "content": [
            {
              "signature": "sig-123",
              "thinking": "Need two tools.",
              "type": "thinking",
            },
            {
              "text": "Checking.",
              "type": "text",
            },
            {
              "id": "toolu_1",
              "input": {
                "city": "Paris",
              },
              "name": "get_weather",
              "type": "tool_use",
            },
            {
              "id": "toolu_2",
              "input": {},
              "name": "get_time",
              "type": "tool_use",
            },
          ],
          "role": "assistant",
        },
        {
          "content": [
            {
              "content": "{"temp":21}",
              "tool_use_id": "toolu_1",
              "type": "tool_result",
            },
            {
              "cache_control": {
                "type": "ephemeral",
              },
              "content": "clock unavailable",
              "is_error": true,
              "tool_use_id": "toolu_2",
              "type": "tool_result",
            },
            {
              "text": "Summarise.",
              "type": "text",
            },
          ],
          "role": "user",
        },
      ]
    `);
  });

  it('puts tool_result blocks first when a user message precedes the tool message', () => {
    const { messages } = convertToAnthropicMessages([
      { role: 'user', content: [{ type: 'text', text: 'go' }] },
      { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 't1', toolName: 'f', input: '{}' }] },
      { role: 'user', content: [{ type: 'text', text: 'also this' }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 't1', output: 'ok' }] },
    ]);
    expect(messages[2]?.content.map((block) => block.type)).toEqual(['tool_result', 'text']);
  });

  it.each([
    ['{"city": "Par', 'is not valid JSON'],
    ['[1,2]', 'must be a JSON object'],
  ])('rejects assistant tool-call input %s naming the field', (input, message) => {
    const convert = () =>
      convertToAnthropicMessages([
        { role: 'user', content: [{ type: 'text', text: 'x' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'y' }, { type: 'tool-call', toolCallId: 't', toolName: 'f', input }] },
      ]);
    expect(convert).toThrow(InvalidRequestError);
    expect(convert).toThrow(expect.objectContaining({ param: 'messages[1].content[1].input', message: expect.stringContaining(message) }));
  });

  it('drops reasoning without a signature, with a warning', () => {
    const result = convertToAnthropicMessages([
      { role: 'user', content: [{ type: 'text', text: 'x' }] },
      { role: 'assistant', content: [{ type: 'reasoning', text: 'from another model' }, { type: 'text', text: 'answer' }] },
      { role: 'user', content: [{ type: 'text', text: 'more' }] },
    ]);
    expect(result.messages[1]?.content).toEqual([{ type: 'text', text: 'answer' }]);
    expect(result.warnings).toEqual([{ type: 'other', message: expect.stringContaining('messages[1].content[0]') }]);
  });

  it('skips empty text, trims a trailing-whitespace prefill and warns about user names', () => {
    const result = convertToAnthropicMessages([
      { role: 'user', name: 'alice', content: [{ type: 'text', text: '' }, { type: 'text', text: 'Write a haiku.' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Autumn moon:\n' }] },
    ]);
    expect(result.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Write a haiku.' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Autumn moon:' }] },
    ]);
    expect(result.warnings).toEqual([{ type: 'unsupported-setting', setting: 'messages[].name' }]);
  });

  it('rejects a prompt with only system messages', () => {
    expect(() => convertToAnthropicMessages([{ role: 'system', content: [{ type: 'text', text: 'x' }] }])).toThrow(
      expect.objectContaining({ code: 'invalid_request', param: 'messages' }),
    );
  });

  it('rejects an invalid cacheControl option naming the field', () => {
    expect(() =>
      convertToAnthropicMessages([
        { role: 'user', content: [{ type: 'text', text: 'x', providerOptions: { anthropic: { cacheControl: { type: 'persistent' } } } }] },
      ]),
    ).toThrow(expect.objectContaining({ param: 'messages[0].content[0].providerOptions.anthropic.cacheControl.type' }));
  });
});
