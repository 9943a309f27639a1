import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../../../test/support/create-test-server.js';
import { closeSharedDispatcher } from '../../provider-utils/index.js';
import type { ChatCall, ToolDefinition } from '../../spec/chat-call.js';
import { InvalidProviderResponseError, InvalidRequestError } from '../../spec/errors.js';
import { loadOpenAIJson } from './__fixtures__/load-openai-compatible-fixture.js';
import { createOpenAICompatible, type OpenAICompatibleProfile, type OpenAICompatibleProviderType } from './index.js';

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

const PATH = '/v1/chat/completions';

function model(
  profile: OpenAICompatibleProviderType = 'openai',
  options: { apiKey?: string; headers?: Record<string, string>; overrides?: Partial<Omit<OpenAICompatibleProfile, 'type'>> } = {},
) {
  return createOpenAICompatible({
    name: `${profile}-test`,
    baseUrl: `${server.url}/v1`,
    profile,
    apiKey: 'apiKey' in options ? options.apiKey : 'sk-test',
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.overrides ? { overrides: options.overrides } : {}),
  }).languageModel('gpt-4o');
}

function answerWith(fixture: string, headers: Record<string, string> = {}): void {
  server.enqueue(PATH, { type: 'json', body: loadOpenAIJson(fixture), headers });
}

function sentBody(): Record<string, unknown> {
  expect(server.requests).toHaveLength(1);
  return server.requests[0]?.body as Record<string, unknown>;
}

const hello: ChatCall = { messages: [{ role: 'user', content: [{ type: 'text', text: 'Capital of France?' }] }] };

const weatherTool: ToolDefinition = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a location',
  parameters: {
    type: 'object',
    properties: { location: { type: 'string' } },
    required: ['location'],
    additionalProperties: false,
  },
  strict: true,
};
const timeTool: ToolDefinition = { type: 'function', name: 'get_time', parameters: { type: 'object', properties: {} } };

describe('OpenAICompatibleChatModel request body', () => {
  it('posts to {baseUrl}/chat/completions with a Bearer key, settings headers and call headers', async () => {
    answerWith('openai-text');
    await model('openai', { headers: { 'OpenAI-Organization': 'org-123', 'x-shared': 'settings' } }).generate({
      ...hello,
      headers: { 'x-shared': 'call', 'x-trace-id': 'trace-1' },
    });
    const request = server.requests[0];
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(PATH);
    expect(request?.headers).toMatchObject({
      authorization: 'Bearer sk-test',
      'content-type': 'application/json',
      'openai-organization': 'org-123',
      'x-shared': 'call',
      'x-trace-id': 'trace-1',
    });
    expect(request?.headers['api-key']).toBeUndefined();
    expect(request?.body).toEqual({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Capital of France?' }] });
  });

  it('sends the key in an `api-key` header for Azure-style servers, and no auth header without a key', async () => {
    server.setDefault(PATH, { type: 'json', body: loadOpenAIJson('openai-text') });
    await model('openai-compatible', { apiKey: 'azure-key', overrides: { authHeader: 'api-key' } }).generate(hello);
    await model('vllm', { apiKey: undefined }).generate(hello);
    expect(server.requests[0]?.headers['api-key']).toBe('azure-key');
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
    expect(server.requests[1]?.headers['api-key']).toBeUndefined();
    expect(server.requests[1]?.headers.authorization).toBeUndefined();
  });

  it('converts messages of every role: system, user with images and detail, assistant tool calls, tool results', async () => {
    answerWith('openai-text');
    await model().generate({
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'You are terse.' }, { type: 'text', text: 'Answer in English.' }] },
        {
          role: 'user',
          name: 'alice',
          content: [
            { type: 'text', text: 'What is in these images?' },
            { type: 'image', url: 'https://upload.wikimedia.org/cat.jpg', detail: 'high' },
            { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Two images; check the weather too.' },
            { type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: '{"location":"Paris"}' },
            { type: 'tool-call', toolCallId: 'call_2', toolName: 'get_time', input: '{}' },
          ],
        },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId: 'call_1', toolName: 'get_weather', output: '{"temperature":21}' },
            { type: 'tool-result', toolCallId: 'call_2', output: '12:00', isError: false },
          ],
        },
        { role: 'assistant', content: [{ type: 'text', text: 'A cat. ' }, { type: 'text', text: 'It is 21°C.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Thanks' }] },
      ],
    });
    expect(sentBody().messages).toMatchInlineSnapshot(`
      [
        {
          "content": "You are terse.
      Answer in English.",
          "role": "system",
        },
        {
          "content": [
            {
              "text": "What is in these images?",
              "type": "text",
            },
            {
              "image_url": {
                "detail": "high",
                "url": "https://upload.wikimedia.org/cat.jpg",
              },
              "type": "image_url",
            },
            {
              "image_url": {
                "url": "data:image/png;base64,iVBORw0KGgo=",
              },
              "type": "image_url",
            },
          ],
          "name": "alice",
          "role": "user",
        },
        {
          "content": null,
          "role": "assistant",
          "tool_calls": [
            {
              "function": {
                "arguments": "{"location":"Paris"}",
                "name": "get_weather",
              },
              "id": "call_1",
              "type": "function",
            },
            {
              "function": {
                "arguments": "{}",
                "name": "get_time",
              },
              "id": "call_2",
              "type": "function",
            },
          ],
        },
        {
          "content": "{"temperature":21}",
          "role": "tool",
          "tool_call_id": "call_1",
        },
        {
          "content": "12:00",
          "role": "tool",
          "tool_call_id": "call_2",
        },
        {
          "content": "A cat. It is 21°C.",
          "role": "assistant",
        },
        {
          "content": "Thanks",
          "role": "user",
        },
      ]
    `);
  });

  it('sends tools with strict, every tool_choice form and parallel_tool_calls', async () => {
    server.setDefault(PATH, { type: 'json', body: loadOpenAIJson('openai-tool-calls') });
    const choices: Array<ChatCall['toolChoice']> = [
      { type: 'auto' },
      { type: 'none' },
      { type: 'required' },
      { type: 'tool', toolName: 'get_weather' },
      undefined,
    ];
    for (const toolChoice of choices) {
      await model().generate({ ...hello, tools: [weatherTool, timeTool], parallelToolCalls: false, ...(toolChoice ? { toolChoice } : {}) });
    }
    const bodies = server.requests.map((request) => request.body as Record<string, unknown>);
    expect(bodies[0]?.tools).toMatchInlineSnapshot(`
      [
        {
          "function": {
            "description": "Current weather for a location",
            "name": "get_weather",
            "parameters": {
              "additionalProperties": false,
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
            "strict": true,
          },
          "type": "function",
        },
        {
          "function": {
            "name": "get_time",
            "parameters": {
              "properties": {},
              "type": "object",
            },
          },
          "type": "function",
        },
      ]
    `);
    expect(bodies.map((body) => body.tool_choice)).toEqual([
      'auto',
      'none',
      'required',
      { type: 'function', function: { name: 'get_weather' } },
      undefined,
    ]);
    expect(bodies.map((body) => body.parallel_tool_calls)).toEqual([false, false, false, false, false]);
  });

  it('omits tool fields without tools, and warns when a server cannot turn parallel tool calls off', async () => {
    server.setDefault(PATH, { type: 'json', body: loadOpenAIJson('openai-text') });
    await model().generate({ ...hello, toolChoice: { type: 'auto' }, parallelToolCalls: true });
    const result = await model('tgi').generate({ ...hello, tools: [weatherTool], parallelToolCalls: false });
    expect(server.requests[0]?.body).toEqual({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Capital of France?' }] });
    expect(server.requests[1]?.body).not.toHaveProperty('parallel_tool_calls');
    expect(result.warnings).toEqual([{ type: 'unsupported-setting', setting: 'parallelToolCalls' }]);
  });

  it('sends response_format json_object and json_schema', async () => {
    server.setDefault(PATH, { type: 'json', body: loadOpenAIJson('openai-text') });
    await model().generate({ ...hello, responseFormat: { type: 'json' } });
    const schemaCall: ChatCall = {
      ...hello,
      responseFormat: {
        type: 'json-schema',
        name: 'capital',
        description: 'A country and its capital',
        schema: { type: 'object', properties: { capital: { type: 'string' } }, required: ['capital'], additionalProperties: false },
        strict: true,
      },
    };
    const result = await model().generate(schemaCall);
    await model().generate({ ...hello, responseFormat: { type: 'text' } });
    expect(server.requests[0]?.body).toMatchObject({ response_format: { type: 'json_object' } });
    expect((server.requests[1]?.body as Record<string, unknown>).response_format).toMatchInlineSnapshot(`
      {
        "json_schema": {
          "description": "A country and its capital",
          "name": "capital",
          "schema": {
            "additionalProperties": false,
            "properties": {
              "capital": {
                "type": "string",
              },
            },
            "required": [
              "capital",
            ],
            "type": "object",
          },
          "strict": true,
        },
        "type": "json_schema",
      }
    `);
    expect(server.requests[2]?.body).not.toHaveProperty('response_format');
    expect(result.warnings).toEqual([]);
  });

  it('falls back to json_object with a warning on a server without json_schema, or refuses when strict', async () => {
    server.setDefault(PATH, { type: 'json', body: loadOpenAIJson('openai-text') });
    const noSchema = model('vllm', { overrides: { supportsJsonSchema: false } });
    const call: ChatCall = { ...hello, responseFormat: { type: 'json-schema', name: 'x', schema: { type: 'object' } } };
    const result = await noSchema.generate(call);
    expect(sentBody().response_format).toEqual({ type: 'json_object' });
    expect(result.warnings).toEqual([
      { type: 'unsupported-setting', setting: 'responseFormat', details: 'json_schema; falling back to json_object' },
    ]);
    const error = await noSchema.generate({ ...call, unsupportedSettings: 'error' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ param: 'responseFormat', code: 'unsupported_parameter' });
    expect(server.requests).toHaveLength(1);
  });

  it('names the output-token limit max_completion_tokens for OpenAI and max_tokens for compatible servers', async () => {
    server.setDefault(PATH, { type: 'json', body: loadOpenAIJson('openai-text') });
    const types: OpenAICompatibleProviderType[] = ['openai', 'vllm', 'ollama', 'llamacpp', 'tgi', 'groq', 'mistral'];
    for (const type of types) await model(type).generate({ ...hello, maxOutputTokens: 256 });
    const fields = server.requests.map((request) =>
      Object.keys(request.body as Record<string, unknown>).filter((key) => key.startsWith('max_')),
    );
    expect(fields).toEqual([['max_completion_tokens'], ['max_tokens'], ['max_tokens'], ['max_tokens'], ['max_tokens'], ['max_tokens'], ['max_tokens']]);
    expect(server.requests[0]?.body).toMatchObject({ max_completion_tokens: 256 });
  });

  it('maps sampling settings, seed, stop, logprobs and the end user for OpenAI, dropping top_k with a warning', async () => {
    answerWith('openai-text');
    const result = await model().generate({
      ...hello,
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      frequencyPenalty: 0.5,
      presencePenalty: -0.5,
      seed: 42,
      stopSequences: ['\n\n', 'END'],
      logprobs: true,
      topLogprobs: 3,
      user: 'user-42',
    });
    expect(sentBody()).toMatchInlineSnapshot(`
      {
        "frequency_penalty": 0.5,
        "logprobs": true,
        "messages": [
          {
            "content": "Capital of France?",
            "role": "user",
          },
        ],
        "model": "gpt-4o",
        "presence_penalty": -0.5,
        "seed": 42,
        "stop": [
          "

      ",
          "END",
        ],
        "temperature": 0.2,
        "top_logprobs": 3,
        "top_p": 0.9,
        "user": "user-42",
      }
    `);
    expect(result.warnings).toEqual([{ type: 'unsupported-setting', setting: 'topK' }]);
  });

  it('reports a reasoning token budget as unsupported (OpenAI-style APIs take an effort level)', async () => {
    server.setDefault(PATH, { type: 'json', body: loadOpenAIJson('openai-text') });
    const result = await model('vllm').generate({ ...hello, reasoningBudgetTokens: 1024 });
    expect(server.requests[0]?.body).not.toHaveProperty('reasoning_effort');
    expect(result.warnings).toEqual([{ type: 'unsupported-setting', setting: 'reasoningBudgetTokens' }]);
  });

  it('sends top_k to vLLM and warns about logprobs on Ollama', async () => {
    server.setDefault(PATH, { type: 'json', body: loadOpenAIJson('openai-text') });
    const vllm = await model('vllm').generate({ ...hello, topK: 40, logprobs: true, topLogprobs: 2 });
    const ollama = await model('ollama').generate({ ...hello, topK: 40, logprobs: true, topLogprobs: 2, temperature: 0 });
    expect(server.requests[0]?.body).toMatchObject({ top_k: 40, logprobs: true, top_logprobs: 2 });
    expect(vllm.warnings).toEqual([]);
    const ollamaBody = server.requests[1]?.body as Record<string, unknown>;
    expect(ollamaBody).toMatchObject({ temperature: 0 });
    for (const field of ['top_k', 'logprobs', 'top_logprobs']) expect(ollamaBody).not.toHaveProperty(field);
    expect(ollama.warnings).toEqual([
      { type: 'unsupported-setting', setting: 'topK' },
      { type: 'unsupported-setting', setting: 'logprobs' },
    ]);
  });

  it('warns about each setting a profile lacks', async () => {
    answerWith('openai-text');
    const result = await model('openai-compatible', { overrides: { supportsPenalties: false, supportsSeed: false } }).generate({
      ...hello,
      frequencyPenalty: 0.5,
      presencePenalty: 0.5,
      seed: 1,
    });
    expect(sentBody()).toEqual({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Capital of France?' }] });
    expect(result.warnings.map((warning) => (warning.type === 'unsupported-setting' ? warning.setting : warning.message))).toEqual([
      'frequencyPenalty',
      'presencePenalty',
      'seed',
    ]);
  });

  it('refuses top_k on OpenAI with an InvalidRequestError naming the param when unsupportedSettings is error', async () => {
    const error = await model()
      .generate({ ...hello, topK: 40, unsupportedSettings: 'error' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ param: 'topK', code: 'unsupported_parameter', httpStatus: 400 });
    expect((error as Error).message).toContain("Parameter 'topK' is not supported by openai-test/gpt-4o");
    expect(server.requests).toHaveLength(0);
  });

  it('merges providerOptions.<type> into the body (vLLM guided decoding) and ignores other types', async () => {
    server.setDefault(PATH, { type: 'json', body: loadOpenAIJson('openai-text') });
    const providerOptions = {
      vllm: { guided_json: { type: 'object', properties: { capital: { type: 'string' } } }, repetition_penalty: 1.1 },
      openai: { reasoning_effort: 'low' },
    };
    await model('vllm').generate({ ...hello, providerOptions });
    await model('openai').generate({ ...hello, providerOptions });
    expect(server.requests[0]?.body).toEqual({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Capital of France?' }],
      guided_json: { type: 'object', properties: { capital: { type: 'string' } } },
      repetition_penalty: 1.1,
    });
    expect(server.requests[1]?.body).toEqual({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Capital of France?' }],
      reasoning_effort: 'low',
    });
  });
});

describe('OpenAICompatibleChatModel.generate results', () => {
  it('maps a text answer with cached tokens, response id, model, created, fingerprint and headers', async () => {
    answerWith('openai-text', { 'x-request-id': 'req_abc123', 'openai-processing-ms': '412' });
    const result = await model().generate(hello);
    expect({
      ...result,
      response: { ...result.response, headers: { 'x-request-id': result.response.headers?.['x-request-id'] } },
    }).toMatchInlineSnapshot(`
      {
        "content": [
          {
            "text": "The capital of France is Paris.",
            "type": "text",
          },
        ],
        "finishReason": {
          "raw": "stop",
          "unified": "stop",
        },
        "response": {
          "created": 1741570283,
          "headers": {
            "x-request-id": "req_abc123",
          },
          "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
          "modelId": "gpt-4o-2024-08-06",
          "systemFingerprint": "fp_fc9f1d7035",
        },
        "usage": {
          "cacheReadInputTokens": 1024,
          "inputTokens": 1117,
          "outputTokens": 8,
          "raw": {
            "completion_tokens": 8,
            "completion_tokens_details": {
              "accepted_prediction_tokens": 0,
              "audio_tokens": 0,
              "reasoning_tokens": 0,
              "rejected_prediction_tokens": 0,
            },
            "prompt_tokens": 1117,
            "prompt_tokens_details": {
              "audio_tokens": 0,
              "cached_tokens": 1024,
            },
            "total_tokens": 1125,
          },
          "reasoningTokens": 0,
        },
        "warnings": [],
      }
    `);
  });

  it('maps several tool calls with a null content', async () => {
    answerWith('openai-tool-calls');
    const result = await model().generate({ ...hello, tools: [weatherTool] });
    expect(result.content).toEqual([
      { type: 'tool-call', toolCallId: 'call_12345xyz', toolName: 'get_weather', input: '{"location":"Paris, France"}' },
      { type: 'tool-call', toolCallId: 'call_67890abc', toolName: 'get_weather', input: '{"location":"Bogotá, Colombia"}' },
    ]);
    expect(result.finishReason).toEqual({ unified: 'tool-calls', raw: 'tool_calls' });
    expect(result.usage).toMatchObject({ inputTokens: 82, outputTokens: 51, cacheReadInputTokens: 0, reasoningTokens: 0 });
  });

  it('maps DeepSeek / vLLM reasoning_content to a reasoning part before the text', async () => {
    answerWith('deepseek-reasoner');
    const result = await model('openai-compatible').generate(hello);
    expect(result.content).toEqual([
      { type: 'reasoning', text: 'Compare the tenths digit: 1 < 8, so 9.11 < 9.8.' },
      { type: 'text', text: '9.11 is smaller than 9.8.' },
    ]);
    expect(result.usage).toMatchObject({ inputTokens: 78, outputTokens: 240, cacheReadInputTokens: 64, reasoningTokens: 220 });
  });

  it('maps Ollama and OpenRouter `reasoning` to a reasoning part', async () => {
    answerWith('ollama-reasoning');
    const result = await model('ollama').generate(hello);
    expect(result.content).toEqual([
      { type: 'reasoning', text: 'The user asks for the capital of France.' },
      { type: 'text', text: 'Paris.' },
    ]);
    expect(result.response.systemFingerprint).toBe('fp_ollama');
  });

  it("reads DeepSeek's prompt_cache_hit_tokens as cached input tokens", async () => {
    answerWith('deepseek-cache-hit');
    const result = await model('openai-compatible').generate(hello);
    expect(result.usage).toEqual({
      inputTokens: 1200,
      outputTokens: 4,
      cacheReadInputTokens: 1152,
      raw: { prompt_tokens: 1200, completion_tokens: 4, total_tokens: 1204, prompt_cache_hit_tokens: 1152, prompt_cache_miss_tokens: 48 },
    });
  });

  it('maps reasoning tokens of o-series models and a length finish', async () => {
    answerWith('openai-reasoning-usage');
    const result = await model().generate(hello);
    expect(result.finishReason).toEqual({ unified: 'length', raw: 'length' });
    expect(result.usage).toMatchObject({ inputTokens: 15, outputTokens: 200, cacheReadInputTokens: 0, reasoningTokens: 192 });
  });

  it('returns a refusal as refusal text', async () => {
    answerWith('openai-refusal');
    const result = await model().generate(hello);
    expect(result.content).toEqual([{ type: 'text', text: "I'm sorry, I cannot assist with that request.", refusal: true }]);
    expect(result.usage).toEqual({
      inputTokens: 81,
      outputTokens: 11,
      raw: { prompt_tokens: 81, completion_tokens: 11, total_tokens: 92 },
    });
  });

  it('maps logprobs with their top alternatives', async () => {
    answerWith('openai-logprobs');
    const result = await model().generate({ ...hello, logprobs: true, topLogprobs: 2 });
    expect(result.logprobs).toMatchInlineSnapshot(`
      [
        {
          "bytes": [
            89,
            101,
            115,
          ],
          "logprob": -0.0001,
          "token": "Yes",
          "topLogprobs": [
            {
              "bytes": [
                89,
                101,
                115,
              ],
              "logprob": -0.0001,
              "token": "Yes",
            },
            {
              "bytes": [
                78,
                111,
              ],
              "logprob": -9.25,
              "token": "No",
            },
          ],
        },
        {
          "bytes": [
            46,
          ],
          "logprob": -0.02,
          "token": ".",
          "topLogprobs": [
            {
              "bytes": [
                46,
              ],
              "logprob": -0.02,
              "token": ".",
            },
          ],
        },
      ]
    `);
  });

  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['tool_calls', 'tool-calls'],
    ['function_call', 'tool-calls'],
    ['content_filter', 'content-filter'],
    ['eos_token', 'stop'],
    ['something_new', 'other'],
  ] as const)('maps finish_reason %s to %s', async (raw, unified) => {
    const body = structuredClone(loadOpenAIJson('openai-text')) as { choices: Array<{ finish_reason: string }> };
    body.choices[0]!.finish_reason = raw;
    server.enqueue(PATH, { type: 'json', body });
    expect((await model().generate(hello)).finishReason).toEqual({ unified, raw });
  });

  it('maps a null finish_reason and a missing usage', async () => {
    server.enqueue(PATH, {
      type: 'json',
      body: { id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: null }] },
    });
    const result = await model('llamacpp').generate(hello);
    expect(result.finishReason).toEqual({ unified: 'other', raw: undefined });
    expect(result.usage).toEqual({ inputTokens: undefined, outputTokens: undefined });
  });

  it('fails with InvalidProviderResponseError on a 200 body that is not JSON', async () => {
    server.enqueue(PATH, { type: 'text', body: '{"id": "chatcmpl-1", "choices": [', headers: { 'content-type': 'application/json' } });
    const error = await model().generate(hello).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidProviderResponseError);
    expect((error as Error).message).toContain('returned invalid JSON');
  });

  it('fails with InvalidProviderResponseError naming `choices` when it is missing or empty', async () => {
    server.enqueue(PATH, { type: 'json', body: { id: 'chatcmpl-1', object: 'chat.completion', usage: { prompt_tokens: 1 } } });
    server.enqueue(PATH, { type: 'json', body: { id: 'chatcmpl-2', object: 'chat.completion', choices: [] } });
    const missing = await model().generate(hello).catch((caught: unknown) => caught);
    const empty = await model().generate(hello).catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(InvalidProviderResponseError);
    expect((missing as Error).message).toMatch(/unexpected response: choices:/);
    expect(empty).toBeInstanceOf(InvalidProviderResponseError);
    expect((empty as Error).message).toMatch(/unexpected response: choices:/);
    expect(missing).toMatchObject({ provider: 'openai-test', code: 'provider_bad_response', isRetryable: false });
  });

  it('fails with InvalidProviderResponseError when a tool call has no function name', async () => {
    server.enqueue(PATH, {
      type: 'json',
      body: { choices: [{ message: { content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { arguments: '{}' } }] } }] },
    });
    const error = await model().generate(hello).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidProviderResponseError);
    expect((error as Error).message).toContain('choices.0.message.tool_calls.0.function.name');
  });
});
