import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeSharedDispatcher } from '../../provider-utils/index.js';
import type { ChatCall } from '../../spec/chat-call.js';
import { InvalidProviderResponseError, InvalidRequestError } from '../../spec/errors.js';
import { createTestServer, type TestServer } from '../../../test/support/create-test-server.js';
import { loadAnthropicJson } from './__fixtures__/load-anthropic-fixture.js';
import { createAnthropic, type AnthropicSettings } from './index.js';

let server: TestServer;

beforeEach(async () => {
  server = await createTestServer();
});
afterEach(async () => {
  await server.close();
});
afterAll(async () => {
  await closeSharedDispatcher();
});

function model(settings: Partial<AnthropicSettings> = {}) {
  return createAnthropic({ name: 'anthropic-test', baseUrl: `${server.url}/v1`, apiKey: 'sk-ant-test', ...settings }).languageModel(
    'claude-sonnet-4-5',
  );
}

function answerWith(fixture: string, headers: Record<string, string> = {}): void {
  server.enqueue('/v1/messages', { type: 'json', body: loadAnthropicJson(fixture), headers });
}

const hello: ChatCall = { messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }] };

function sentBody(): unknown {
  expect(server.requests).toHaveLength(1);
  return server.requests[0]?.body;
}

describe('createAnthropic', () => {
  it('creates language models only (Anthropic has no embeddings API)', () => {
    const provider = createAnthropic({ name: 'anthropic-prod', baseUrl: 'https://api.anthropic.com/v1' });
    expect(provider.providerType).toBe('anthropic');
    expect(provider.embeddingModel).toBeUndefined();
    const adapter = provider.languageModel('claude-haiku-4-5');
    expect(adapter).toMatchObject({ specVersion: 'v1', provider: 'anthropic-prod', providerType: 'anthropic', modelId: 'claude-haiku-4-5' });
  });
});

describe('AnthropicChatModel.generate', () => {
  it('sends a Messages request with auth and version headers and maps a text answer', async () => {
    answerWith('anthropic-text', { 'request-id': 'req_011CSHoEeqs5C35K2UUqR7Fy' });
    const result = await model({ headers: { 'anthropic-beta': 'prompt-caching-2024-07-31' } }).generate({
      ...hello,
      headers: { 'x-trace-id': 'trace-1' },
    });

    const request = server.requests[0];
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v1/messages');
    expect(request?.headers).toMatchObject({
      'x-api-key': 'sk-ant-test',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'prompt-caching-2024-07-31',
      'x-trace-id': 'trace-1',
      'content-type': 'application/json',
    });
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toMatchInlineSnapshot(`
      {
        "max_tokens": 4096,
        "messages": [
          {
            "content": [
              {
                "text": "Hello",
                "type": "text",
              },
            ],
            "role": "user",
          },
        ],
        "model": "claude-sonnet-4-5",
      }
    `);
    expect({ ...result, response: { ...result.response, headers: { 'request-id': result.response.headers?.['request-id'] } } })
      .toMatchInlineSnapshot(`
      {
        "content": [
          {
            "text": "Hello! How can I help you today?",
            "type": "text",
          },
        ],
        "finishReason": {
          "raw": "end_turn",
          "unified": "stop",
        },
        "response": {
          "headers": {
            "request-id": "req_011CSHoEeqs5C35K2UUqR7Fy",
          },
          "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
          "modelId": "claude-sonnet-4-5-20250929",
        },
        "usage": {
          "cacheReadInputTokens": 200,
          "cacheWriteInputTokens": 1800,
          "inputTokens": 2012,
          "outputTokens": 11,
          "raw": {
            "cache_creation": {
              "ephemeral_1h_input_tokens": 0,
              "ephemeral_5m_input_tokens": 1800,
            },
            "cache_creation_input_tokens": 1800,
            "cache_read_input_tokens": 200,
            "input_tokens": 12,
            "output_tokens": 11,
            "service_tier": "standard",
          },
        },
        "warnings": [],
      }
    `);
  });

  it('uses call.maxOutputTokens, then defaultMaxOutputTokens, then 4096 for the required max_tokens', async () => {
    server.setDefault('/v1/messages', { type: 'json', body: loadAnthropicJson('anthropic-text') });
    await model({ defaultMaxOutputTokens: 8192 }).generate({ ...hello, maxOutputTokens: 100 });
    await model({ defaultMaxOutputTokens: 8192 }).generate(hello);
    await model().generate(hello);
    expect(server.requests.map((request) => (request.body as { max_tokens: number }).max_tokens)).toEqual([100, 8192, 4096]);
  });

  it('maps sampling settings and the end user, and warns about settings Anthropic lacks', async () => {
    answerWith('anthropic-text');
    const result = await model().generate({
      ...hello,
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      stopSequences: ['\n\nHuman:'],
      user: 'user-42',
      seed: 7,
      frequencyPenalty: 0.5,
      presencePenalty: 0.1,
      logprobs: true,
      topLogprobs: 3,
    });
    expect(sentBody()).toMatchObject({
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['\n\nHuman:'],
      metadata: { user_id: 'user-42' },
    });
    const body = sentBody() as Record<string, unknown>;
    for (const field of ['seed', 'frequency_penalty', 'presence_penalty', 'logprobs', 'top_logprobs']) expect(body).not.toHaveProperty(field);
    expect(result.warnings).toEqual(
      ['seed', 'frequencyPenalty', 'presencePenalty', 'logprobs', 'topLogprobs'].map((setting) => ({ type: 'unsupported-setting', setting })),
    );
  });

  it('refuses unsupported settings before calling upstream when the caller asks for strictness', async () => {
    const error = await model()
      .generate({ ...hello, seed: 7, unsupportedSettings: 'error' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ code: 'unsupported_parameter', param: 'seed' });
    expect(server.requests).toHaveLength(0);
  });

  it('sends the system prompt, images and cache breakpoints', async () => {
    answerWith('anthropic-text');
    await model().generate({
      messages: [
        {
          role: 'system',
          content: [{ type: 'text', text: 'You describe images.', providerOptions: { anthropic: { cacheControl: { type: 'ephemeral' } } } }],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'image', url: 'data:image/jpeg;base64,/9j/4AAQSkZJRg==' },
            { type: 'image', url: 'https://upload.wikimedia.org/cat.jpg' },
          ],
        },
      ],
    });
    expect(sentBody()).toMatchInlineSnapshot(`
      {
        "max_tokens": 4096,
        "messages": [
          {
            "content": [
              {
                "text": "What is in these?",
                "type": "text",
              },
              {
                "source": {
                  "data": "/9j/4AAQSkZJRg==",
                  "media_type": "image/jpeg",
                  "type": "base64",
                },
                "type": "image",
              },
              {
                "source": {
                  "type": "url",
                  "url": "https://upload.wikimedia.org/cat.jpg",
                },
                "type": "image",
              },
            ],
            "role": "user",
          },
        ],
        "model": "claude-sonnet-4-5",
        "system": [
          {
            "cache_control": {
              "type": "ephemeral",
            },
            "text": "You describe images.",
            "type": "text",
          },
        ],
      }
    `);
  });

  describe('tools', () => {
    const weatherTool = {
      type: 'function' as const,
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
      providerOptions: { anthropic: { cacheControl: { type: 'ephemeral', ttl: '1h' } } },
    };
    const timeTool = { type: 'function' as const, name: 'get_time', parameters: { type: 'object', properties: {} }, strict: true };

    it('sends tool definitions with cache_control and maps tool_use answers to tool calls', async () => {
      answerWith('anthropic-tool-call');
      const result = await model().generate({ ...hello, tools: [weatherTool, timeTool] });
      const body = sentBody() as Record<string, unknown>;
      expect(body.tools).toMatchInlineSnapshot(`
        [
          {
            "cache_control": {
              "ttl": "1h",
              "type": "ephemeral",
            },
            "description": "Current weather for a city",
            "input_schema": {
              "properties": {
                "location": {
                  "type": "string",
                },
              },
              "required": [
                "location",
              ],
              "type": "object",
            },
            "name": "get_weather",
          },
          {
            "input_schema": {
              "properties": {},
              "type": "object",
            },
            "name": "get_time",
          },
        ]
      `);
      expect(body).not.toHaveProperty('tool_choice');
      expect(result.content).toEqual([
        { type: 'text', text: "I'll check the weather and the time for you." },
        { type: 'tool-call', toolCallId: 'toolu_01A09q90qw90lq917835lq9', toolName: 'get_weather', input: '{"location":"San Francisco, CA","unit":"celsius"}' },
        { type: 'tool-call', toolCallId: 'toolu_01B7bEnXsQpR2fJkTz3nHk4m', toolName: 'get_time', input: '{}' },
      ]);
      expect(result.finishReason).toEqual({ unified: 'tool-calls', raw: 'tool_use' });
      expect(result.warnings).toEqual([{ type: 'unsupported-setting', setting: 'tools[].strict' }]);
    });

    it.each([
      [{ type: 'auto' } as const, undefined, { type: 'auto' }],
      [{ type: 'required' } as const, undefined, { type: 'any' }],
      [{ type: 'tool', toolName: 'get_weather' } as const, undefined, { type: 'tool', name: 'get_weather' }],
      [{ type: 'none' } as const, undefined, { type: 'none' }],
      [undefined, false, { type: 'auto', disable_parallel_tool_use: true }],
      [{ type: 'required' } as const, false, { type: 'any', disable_parallel_tool_use: true }],
      [{ type: 'none' } as const, false, { type: 'none' }],
    ])('maps toolChoice %j with parallelToolCalls %s to %j', async (toolChoice, parallelToolCalls, expected) => {
      answerWith('anthropic-text');
      await model().generate({
        ...hello,
        tools: [weatherTool],
        ...(toolChoice === undefined ? {} : { toolChoice }),
        ...(parallelToolCalls === undefined ? {} : { parallelToolCalls }),
      });
      const body = sentBody() as Record<string, unknown>;
      expect(body.tool_choice).toEqual(expected);
      // `none` keeps the tools: a conversation holding tool_use blocks must still define them.
      expect(body.tools).toHaveLength(1);
    });

    it('rejects a forced tool choice without tools before calling upstream', async () => {
      await expect(model().generate({ ...hello, toolChoice: { type: 'required' } })).rejects.toBeInstanceOf(InvalidRequestError);
      expect(server.requests).toHaveLength(0);
    });

    it('sends a whole tool round trip: assistant tool_use and user tool_result blocks', async () => {
      answerWith('anthropic-text');
      await model().generate({
        tools: [weatherTool],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Weather in SF?' }] },
          {
            role: 'assistant',
            content: [{ type: 'tool-call', toolCallId: 'toolu_01A', toolName: 'get_weather', input: '{"location":"SF"}' }],
          },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'toolu_01A', toolName: 'get_weather', output: '15 degrees' }] },
        ],
      });
      expect((sentBody() as { messages: unknown }).messages).toMatchInlineSnapshot(`
        [
          {
            "content": [
              {
                "text": "Weather in SF?",
                "type": "text",
              },
            ],
            "role": "user",
          },
          {
            "content": [
              {
                "id": "toolu_01A",
                "input": {
                  "location": "SF",
                },
                "name": "get_weather",
                "type": "tool_use",
              },
            ],
            "role": "assistant",
          },
          {
            "content": [
              {
                "content": "15 degrees",
                "tool_use_id": "toolu_01A",
                "type": "tool_result",
              },
            ],
            "role": "user",
          },
        ]
      `);
    });

    it('rejects invalid tool-call JSON in the history without calling upstream', async () => {
      const call: ChatCall = {
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'x' }] },
          { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 't', toolName: 'get_weather', input: '{location:' }] },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 't', output: 'ok' }] },
        ],
      };
      await expect(model().generate(call)).rejects.toMatchObject({ code: 'invalid_request', param: 'messages[1].content[0].input' });
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('JSON output through the json tool', () => {
    const schema = {
      type: 'object',
      properties: { city: { type: 'string' }, temperature: { type: 'number' } },
      required: ['city'],
    };

    it('forces a json tool with the schema and returns its input as text with finish reason stop', async () => {
      answerWith('anthropic-json-tool');
      const result = await model().generate({
        ...hello,
        responseFormat: { type: 'json-schema', name: 'weather', schema, description: 'Weather report' },
      });
      const body = sentBody() as Record<string, unknown>;
      expect(body.tools).toEqual([{ name: 'json', description: 'Weather report', input_schema: schema }]);
      expect(body.tool_choice).toEqual({ type: 'tool', name: 'json' });
      expect(result.content).toEqual([{ type: 'text', text: '{"city":"Paris","temperature":23,"condition":"cloudy"}' }]);
      expect(result.finishReason).toEqual({ unified: 'stop', raw: 'tool_use' });
    });

    it('uses a permissive object schema for plain json mode', async () => {
      answerWith('anthropic-json-tool');
      await model().generate({ ...hello, responseFormat: { type: 'json' } });
      expect((sentBody() as { tools: unknown }).tools).toEqual([
        { name: 'json', description: 'Respond with a JSON object.', input_schema: { type: 'object', additionalProperties: true } },
      ]);
    });

    it('lets the model pick a user tool or the json tool when both are present', async () => {
      answerWith('anthropic-tool-call');
      const result = await model().generate({
        ...hello,
        tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' } }],
        responseFormat: { type: 'json-schema', name: 'weather', schema },
      });
      const body = sentBody() as { tools: Array<{ name: string }>; tool_choice: unknown };
      expect(body.tools.map((tool) => tool.name)).toEqual(['get_weather', 'json']);
      expect(body.tool_choice).toEqual({ type: 'any' });
      // The model called a user tool, so this is a tool-call turn, not the JSON answer.
      expect(result.finishReason.unified).toBe('tool-calls');
    });

    it('refuses a user tool named json alongside a JSON response format', async () => {
      await expect(
        model().generate({
          ...hello,
          tools: [{ type: 'function', name: 'json', parameters: { type: 'object' } }],
          responseFormat: { type: 'json' },
        }),
      ).rejects.toMatchObject({ code: 'invalid_request', param: 'tools' });
    });
  });

  it('turns a provider-neutral reasoning budget into extended thinking, on top of the answer limit', async () => {
    answerWith('anthropic-thinking');
    await model().generate({ ...hello, maxOutputTokens: 1000, reasoningBudgetTokens: 2048 });
    expect(sentBody()).toMatchObject({ max_tokens: 3048, thinking: { type: 'enabled', budget_tokens: 2048 } });
  });

  it('maps thinking blocks to reasoning parts with their signature and skips redacted thinking', async () => {
    answerWith('anthropic-thinking');
    const result = await model().generate({
      ...hello,
      maxOutputTokens: 1000,
      providerOptions: { anthropic: { thinking: { type: 'enabled', budgetTokens: 2048 } } },
    });
    expect(sentBody()).toMatchObject({ max_tokens: 3048, thinking: { type: 'enabled', budget_tokens: 2048 } });
    expect(result.content).toEqual([
      {
        type: 'reasoning',
        text: 'The user asks for 27 * 453. 27 * 453 = 12231.',
        signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds',
      },
      { type: 'text', text: '27 × 453 = 12,231.' },
    ]);
  });

  it.each([
    ['max_tokens', 'length'],
    ['refusal', 'content-filter'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'other'],
  ])('maps stop_reason %s to %s', async (stopReason, unified) => {
    const body = { ...(loadAnthropicJson('anthropic-text') as object), stop_reason: stopReason };
    server.enqueue('/v1/messages', { type: 'json', body });
    const result = await model().generate(hello);
    expect(result.finishReason).toEqual({ unified, raw: stopReason });
  });

  it('reports usage without cache fields when Anthropic omits them', async () => {
    server.enqueue('/v1/messages', {
      type: 'json',
      body: { id: 'msg_1', model: 'claude-3-haiku-20240307', content: [], stop_reason: 'end_turn', usage: { input_tokens: 5, output_tokens: 0 } },
    });
    const result = await model().generate(hello);
    expect(result.usage).toEqual({ inputTokens: 5, outputTokens: 0, raw: { input_tokens: 5, output_tokens: 0 } });
    expect(result.content).toEqual([]);
  });

  it('rejects a body that is not JSON as InvalidProviderResponseError', async () => {
    server.enqueue('/v1/messages', { type: 'text', status: 200, body: '<html>gateway page</html>' });
    const error = await model().generate(hello).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidProviderResponseError);
    expect(error).toMatchObject({ code: 'provider_bad_response', provider: 'anthropic-test' });
  });

  it('rejects JSON that is not a Messages response, naming the field', async () => {
    server.enqueue('/v1/messages', { type: 'json', body: { id: 'msg_1', content: [{ type: 'text' }], usage: {} } });
    const error = await model().generate(hello).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidProviderResponseError);
    expect((error as Error).message).toContain('content.0');
  });

  it('cancels the upstream request when the abort signal fires', async () => {
    server.enqueue('/v1/messages', { type: 'hang' });
    const controller = new AbortController();
    const pending = model().generate({ ...hello, abortSignal: controller.signal });
    await expect.poll(() => server.requests.length).toBe(1);
    const reason = new Error('client went away');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await expect.poll(() => server.closedByClient).toBe(1);
  });
});
