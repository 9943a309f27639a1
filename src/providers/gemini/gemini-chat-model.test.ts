import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../../../test/support/create-test-server.js';
import { closeSharedDispatcher } from '../../provider-utils/index.js';
import type { ChatCall, ChatMessage } from '../../spec/chat-call.js';
import { ContentFilterError, InvalidProviderResponseError, InvalidRequestError } from '../../spec/errors.js';
import { loadFixture } from './__fixtures__/fixtures.js';
import { createGemini } from './index.js';

const MODEL = 'gemini-2.5-flash';
const GENERATE_PATH = `/v1beta/models/${MODEL}:generateContent`;

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

function createModel(modelId = MODEL, headers?: Record<string, string>) {
  let counter = 0;
  const provider = createGemini(
    { name: 'gemini-test', baseUrl: `${server.url}/v1beta`, apiKey: 'test-api-key', ...(headers ? { headers } : {}) },
    { generateId: () => `generated-${++counter}` },
  );
  return provider.languageModel(modelId);
}

function reply(fixture: string, path = GENERATE_PATH, headers?: Record<string, string>): void {
  server.enqueue(path, { type: 'json', body: loadFixture(fixture), ...(headers ? { headers } : {}) });
}

function lastBody(): unknown {
  return server.requests.at(-1)?.body;
}

const hello: ChatMessage[] = [{ role: 'user', content: [{ type: 'text', text: 'Bonjour' }] }];

describe('GeminiChatModel.generate: request', () => {
  it('posts to models/{id}:generateContent with the API key header and the mapped body', async () => {
    reply('gemini-text.json');
    await createModel(MODEL, { 'x-team': 'search' }).generate({
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
        ...hello,
      ],
      temperature: 0.3,
      topP: 0.9,
      topK: 40,
      maxOutputTokens: 256,
      stopSequences: ['END'],
      seed: 7,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      headers: { 'x-request-tag': 'abc' },
    });
    const request = server.requests[0];
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(GENERATE_PATH);
    expect(request?.headers['x-goog-api-key']).toBe('test-api-key');
    expect(request?.headers['x-team']).toBe('search');
    expect(request?.headers['x-request-tag']).toBe('abc');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toMatchInlineSnapshot(`
      {
        "contents": [
          {
            "parts": [
              {
                "text": "Bonjour",
              },
            ],
            "role": "user",
          },
        ],
        "generationConfig": {
          "candidateCount": 1,
          "frequencyPenalty": 0.2,
          "maxOutputTokens": 256,
          "presencePenalty": 0.1,
          "seed": 7,
          "stopSequences": [
            "END",
          ],
          "temperature": 0.3,
          "topK": 40,
          "topP": 0.9,
        },
        "systemInstruction": {
          "parts": [
            {
              "text": "Answer in French.",
            },
            {
              "text": "Be brief.",
            },
          ],
        },
      }
    `);
  });

  it('converts images, merges consecutive user turns and ignores OpenAI image detail', async () => {
    reply('gemini-text.json');
    await createModel().generate({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare these:' },
            { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'high' },
            { type: 'image', url: 'https://example.com/photos/cat.WEBP?size=large' },
          ],
        },
        { role: 'user', content: [{ type: 'image', url: 'https://example.com/render?id=42' }] },
      ],
    });
    expect((lastBody() as { contents: unknown }).contents).toMatchInlineSnapshot(`
      [
        {
          "parts": [
            {
              "text": "Compare these:",
            },
            {
              "inlineData": {
                "data": "iVBORw0KGgo=",
                "mimeType": "image/png",
              },
            },
            {
              "fileData": {
                "fileUri": "https://example.com/photos/cat.WEBP?size=large",
                "mimeType": "image/webp",
              },
            },
            {
              "fileData": {
                "fileUri": "https://example.com/render?id=42",
                "mimeType": "image/jpeg",
              },
            },
          ],
          "role": "user",
        },
      ]
    `);
  });

  it('sends tool definitions with schemas converted to the Gemini subset, and no toolConfig by default', async () => {
    reply('gemini-tool-call.json');
    await createModel().generate({
      messages: hello,
      tools: [
        {
          type: 'function',
          name: 'get_weather',
          description: 'Current weather for a city',
          parameters: {
            $schema: 'http://json-schema.org/draft-07/schema#',
            type: 'object',
            properties: {
              city: { type: 'string', description: 'City name', format: 'email' },
              unit: { type: ['string', 'null'], enum: ['celsius', 'fahrenheit'] },
            },
            required: ['city', 'missing'],
            additionalProperties: false,
          },
          strict: true,
        },
        { type: 'function', name: 'get_time', parameters: { type: 'object', properties: {} } },
      ],
    });
    const body = lastBody() as { tools: unknown; toolConfig?: unknown };
    expect(body.tools).toMatchInlineSnapshot(`
      [
        {
          "functionDeclarations": [
            {
              "description": "Current weather for a city",
              "name": "get_weather",
              "parameters": {
                "properties": {
                  "city": {
                    "description": "City name",
                    "type": "string",
                  },
                  "unit": {
                    "enum": [
                      "celsius",
                      "fahrenheit",
                    ],
                    "nullable": true,
                    "type": "string",
                  },
                },
                "required": [
                  "city",
                ],
                "type": "object",
              },
            },
            {
              "name": "get_time",
            },
          ],
        },
      ]
    `);
    expect(body.toolConfig).toBeUndefined();
  });

  it.each([
    [{ type: 'auto' }, { mode: 'AUTO' }],
    [{ type: 'none' }, { mode: 'NONE' }],
    [{ type: 'required' }, { mode: 'ANY' }],
    [{ type: 'tool', toolName: 'get_weather' }, { mode: 'ANY', allowedFunctionNames: ['get_weather'] }],
  ] as const)('maps tool choice %j to functionCallingConfig %j', async (toolChoice, expected) => {
    reply('gemini-tool-call.json');
    await createModel().generate({
      messages: hello,
      tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
      toolChoice,
    });
    expect((lastBody() as { toolConfig: unknown }).toolConfig).toEqual({ functionCallingConfig: expected });
  });

  const toolHistory: ChatMessage[] = [
    { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Tokyo?' }] },
    {
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'I should call the tool twice.' },
        { type: 'text', text: 'Checking.' },
        { type: 'tool-call', toolCallId: 'call_paris', toolName: 'get_weather', input: '{"city":"Paris"}' },
        { type: 'tool-call', toolCallId: 'call_tokyo', toolName: 'get_weather', input: '' },
      ],
    },
    {
      role: 'tool',
      content: [
        { type: 'tool-result', toolCallId: 'call_paris', output: '{"temp":18}' },
        { type: 'tool-result', toolCallId: 'call_tokyo', toolName: 'get_weather', output: 'timeout', isError: true },
      ],
    },
    { role: 'user', content: [{ type: 'text', text: 'And tomorrow?' }] },
  ];

  it('replays assistant tool calls as functionCall and tool results as functionResponse, looking up missing tool names', async () => {
    reply('gemini-text.json');
    await createModel().generate({ messages: toolHistory });
    expect((lastBody() as { contents: unknown }).contents).toMatchInlineSnapshot(`
      [
        {
          "parts": [
            {
              "text": "Weather in Paris and Tokyo?",
            },
          ],
          "role": "user",
        },
        {
          "parts": [
            {
              "text": "Checking.",
            },
            {
              "functionCall": {
                "args": {
                  "city": "Paris",
                },
                "id": "call_paris",
                "name": "get_weather",
              },
            },
            {
              "functionCall": {
                "args": {},
                "id": "call_tokyo",
                "name": "get_weather",
              },
            },
          ],
          "role": "model",
        },
        {
          "parts": [
            {
              "functionResponse": {
                "id": "call_paris",
                "name": "get_weather",
                "response": {
                  "content": "{"temp":18}",
                },
              },
            },
            {
              "functionResponse": {
                "id": "call_tokyo",
                "name": "get_weather",
                "response": {
                  "error": "timeout",
                },
              },
            },
            {
              "text": "And tomorrow?",
            },
          ],
          "role": "user",
        },
      ]
    `);
  });

  it('adds the documented skip signature to replayed function calls for Gemini 3 models', async () => {
    reply('gemini-text.json', '/v1beta/models/gemini-3-pro-preview:generateContent');
    await createModel('gemini-3-pro-preview').generate({ messages: toolHistory });
    const contents = (lastBody() as { contents: Array<{ role: string; parts: Array<Record<string, unknown>> }> }).contents;
    const calls = contents[1]?.parts.filter((part) => 'functionCall' in part);
    expect(calls?.map((part) => part.thoughtSignature)).toEqual([
      'skip_thought_signature_validator',
      'skip_thought_signature_validator',
    ]);
  });

  it('rejects tool-call arguments that are not a JSON object, without calling upstream', async () => {
    const messages: ChatMessage[] = [
      ...hello,
      { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'f', input: '{"city":' }] },
    ];
    const error = await createModel().generate({ messages }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).param).toBe('messages[1].content[0].arguments');
    const arrayArguments = await createModel()
      .generate({ messages: [...hello, { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'f', input: '[1]' }] }] })
      .catch((caught: unknown) => caught);
    expect(arrayArguments).toBeInstanceOf(InvalidRequestError);
    expect(server.requests).toHaveLength(0);
  });

  it('rejects a tool result whose tool name cannot be found', async () => {
    const messages: ChatMessage[] = [...hello, { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'unknown', output: 'x' }] }];
    await expect(createModel().generate({ messages })).rejects.toBeInstanceOf(InvalidRequestError);
    expect(server.requests).toHaveLength(0);
  });

  it('asks for JSON output, with the schema converted for json-schema formats', async () => {
    reply('gemini-text.json');
    reply('gemini-text.json');
    await createModel().generate({ messages: hello, responseFormat: { type: 'json' } });
    expect((lastBody() as { generationConfig: unknown }).generationConfig).toEqual({
      candidateCount: 1,
      responseMimeType: 'application/json',
    });
    await createModel().generate({
      messages: hello,
      responseFormat: {
        type: 'json-schema',
        name: 'recipe',
        schema: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            steps: { type: 'array', items: { $ref: '#/$defs/step' }, minItems: 1 },
          },
          required: ['name', 'steps'],
          additionalProperties: false,
          $defs: { step: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] } },
        },
      },
    });
    expect((lastBody() as { generationConfig: unknown }).generationConfig).toMatchInlineSnapshot(`
      {
        "candidateCount": 1,
        "responseMimeType": "application/json",
        "responseSchema": {
          "properties": {
            "name": {
              "type": "string",
            },
            "steps": {
              "items": {
                "properties": {
                  "text": {
                    "type": "string",
                  },
                },
                "required": [
                  "text",
                ],
                "type": "object",
              },
              "minItems": 1,
              "type": "array",
            },
          },
          "required": [
            "name",
            "steps",
          ],
          "type": "object",
        },
      }
    `);
  });

  it('sends a provider-neutral reasoning budget as thinkingConfig.thinkingBudget', async () => {
    reply('gemini-text.json');
    const result = await createModel().generate({ messages: hello, reasoningBudgetTokens: 512 });
    expect((lastBody() as Record<string, unknown>).generationConfig).toEqual({ candidateCount: 1, thinkingConfig: { thinkingBudget: 512 } });
    expect(result.warnings).toEqual([]);
  });

  it('passes providerOptions.gemini through and warns about settings Gemini lacks', async () => {
    reply('gemini-text.json');
    const result = await createModel().generate({
      messages: hello,
      user: 'user-123',
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object', properties: { a: { type: 'string' } } } }],
      parallelToolCalls: false,
      providerOptions: {
        gemini: {
          thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
          safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }],
          cachedContent: 'cachedContents/abc123',
        },
      },
    });
    const body = lastBody() as Record<string, unknown>;
    expect(body.generationConfig).toEqual({ candidateCount: 1, thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } });
    expect(body.safetySettings).toEqual([{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' }]);
    expect(body.cachedContent).toBe('cachedContents/abc123');
    expect(result.warnings).toEqual([
      { type: 'unsupported-setting', setting: 'user' },
      { type: 'unsupported-setting', setting: 'parallelToolCalls' },
    ]);
  });

  it('refuses unsupported settings before calling upstream when the caller asks for strictness', async () => {
    const error = await createModel()
      .generate({ messages: hello, user: 'user-123', unsupportedSettings: 'error' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ code: 'unsupported_parameter', param: 'user' });
    expect(server.requests).toHaveLength(0);
  });

  it('rejects invalid providerOptions.gemini', async () => {
    const call: ChatCall = { messages: hello, providerOptions: { gemini: { thinkingConfig: { thinkingBudget: 'lots' } } } };
    const error = await createModel().generate(call).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).param).toBe('providerOptions.gemini.thinkingConfig.thinkingBudget');
  });

  it('describes itself as a v1 gemini adapter', () => {
    expect(createModel()).toMatchObject({ specVersion: 'v1', providerType: 'gemini', provider: 'gemini-test', modelId: MODEL });
  });

  it('uses full model names as they are', async () => {
    server.enqueue('/v1beta/tunedModels/my-tune-7:generateContent', { type: 'json', body: loadFixture('gemini-text.json') });
    await createModel('tunedModels/my-tune-7').generate({ messages: hello });
    expect(server.requests[0]?.path).toBe('/v1beta/tunedModels/my-tune-7:generateContent');
  });
});

describe('GeminiChatModel.generate: response', () => {
  it('maps text, usage with cached and thinking tokens, and response info', async () => {
    reply('gemini-text.json', GENERATE_PATH, { 'x-gemini-service-tier': 'standard' });
    const result = await createModel().generate({ messages: hello });
    expect(result.response.headers?.['x-gemini-service-tier']).toBe('standard');
    expect({ ...result, response: { ...result.response, headers: undefined } }).toMatchInlineSnapshot(`
      {
        "content": [
          {
            "text": "Bonjour! Comment puis-je vous aider aujourd'hui ?",
            "type": "text",
          },
        ],
        "finishReason": {
          "raw": "STOP",
          "unified": "stop",
        },
        "response": {
          "headers": undefined,
          "id": "mH9kaNfUAuWBxN8Ps5uR2Qo",
          "modelId": "gemini-2.5-flash",
        },
        "usage": {
          "cacheReadInputTokens": 2048,
          "inputTokens": 2104,
          "outputTokens": 56,
          "raw": {
            "cacheTokensDetails": [
              {
                "modality": "TEXT",
                "tokenCount": 2048,
              },
            ],
            "cachedContentTokenCount": 2048,
            "candidatesTokenCount": 12,
            "promptTokenCount": 2104,
            "promptTokensDetails": [
              {
                "modality": "TEXT",
                "tokenCount": 2104,
              },
            ],
            "thoughtsTokenCount": 44,
            "totalTokenCount": 2160,
          },
          "reasoningTokens": 44,
        },
        "warnings": [],
      }
    `);
  });

  it('maps thought parts to reasoning', async () => {
    reply('gemini-reasoning.json');
    const result = await createModel().generate({ messages: hello });
    expect(result.content).toMatchInlineSnapshot(`
      [
        {
          "text": "**Counting letters**

      I'll go through strawberry one letter at a time. s-t-r-a-w-b-e-r-r-y has three r's.",
          "type": "reasoning",
        },
        {
          "text": "There are 3 "r"s in strawberry.",
          "type": "text",
        },
      ]
    `);
    expect(result.usage).toMatchObject({ inputTokens: 9, outputTokens: 293, reasoningTokens: 282 });
  });

  it('maps function calls to tool calls, keeping Gemini ids and generating missing ones', async () => {
    reply('gemini-tool-call.json');
    const result = await createModel().generate({ messages: hello });
    expect(result.content).toMatchInlineSnapshot(`
      [
        {
          "text": "Let me check both cities.",
          "type": "text",
        },
        {
          "input": "{"city":"Paris","unit":"celsius"}",
          "toolCallId": "fc-7d1c2a",
          "toolName": "get_weather",
          "type": "tool-call",
        },
        {
          "input": "{"city":"Tokyo","unit":"celsius"}",
          "toolCallId": "generated-1",
          "toolName": "get_weather",
          "type": "tool-call",
        },
        {
          "input": "{}",
          "toolCallId": "generated-2",
          "toolName": "get_time",
          "type": "tool-call",
        },
      ]
    `);
    expect(result.finishReason).toEqual({ unified: 'tool-calls', raw: 'STOP' });
    expect(result.usage).toMatchObject({ inputTokens: 118, outputTokens: 41 });
  });

  it('maps a SAFETY stop to content-filter, keeping the partial text', async () => {
    reply('gemini-safety-stop.json');
    const result = await createModel().generate({ messages: hello });
    expect(result.finishReason).toEqual({ unified: 'content-filter', raw: 'SAFETY' });
    expect(result.content).toEqual([{ type: 'text', text: 'I can explain the general chemistry, but' }]);
  });

  it('requests and maps logprobs', async () => {
    reply('gemini-logprobs.json');
    const result = await createModel().generate({ messages: hello, logprobs: true, topLogprobs: 2 });
    expect((lastBody() as { generationConfig: unknown }).generationConfig).toEqual({
      candidateCount: 1,
      responseLogprobs: true,
      logprobs: 2,
    });
    expect(result.logprobs).toMatchInlineSnapshot(`
      [
        {
          "logprob": -0.0105,
          "token": "Yes",
          "topLogprobs": [
            {
              "logprob": -0.0105,
              "token": "Yes",
            },
            {
              "logprob": -4.6151,
              "token": "No",
            },
          ],
        },
        {
          "logprob": -0.0317,
          "token": ".",
          "topLogprobs": [
            {
              "logprob": -0.0317,
              "token": ".",
            },
            {
              "logprob": -3.4663,
              "token": "!",
            },
          ],
        },
      ]
    `);
  });

  it('throws ContentFilterError when the prompt is blocked', async () => {
    reply('gemini-prompt-blocked.json');
    const error = await createModel().generate({ messages: hello }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ContentFilterError);
    expect(error).toMatchObject({ code: 'content_filter', httpStatus: 400, isRetryable: false, upstreamCode: 'PROHIBITED_CONTENT' });
  });

  it('throws InvalidProviderResponseError for a response without candidates or block reason', async () => {
    server.enqueue(GENERATE_PATH, { type: 'json', body: { usageMetadata: { promptTokenCount: 3 } } });
    await expect(createModel().generate({ messages: hello })).rejects.toBeInstanceOf(InvalidProviderResponseError);
  });

  it('throws InvalidProviderResponseError for a body that is not JSON', async () => {
    server.enqueue(GENERATE_PATH, { type: 'text', body: '{"candidates": [{"content": ', headers: { 'content-type': 'application/json' } });
    const error = await createModel().generate({ messages: hello }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidProviderResponseError);
    expect(error).toMatchObject({ code: 'provider_bad_response', provider: 'gemini-test' });
  });

  it('throws InvalidProviderResponseError for JSON of the wrong shape', async () => {
    server.enqueue(GENERATE_PATH, { type: 'json', body: { candidates: { content: 'nope' } } });
    const error = await createModel().generate({ messages: hello }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidProviderResponseError);
    expect((error as Error).message).toContain('candidates');
  });

  it('aborts the upstream request when the abort signal fires', async () => {
    server.enqueue(GENERATE_PATH, { type: 'hang' });
    const controller = new AbortController();
    const pending = createModel().generate({ messages: hello, abortSignal: controller.signal });
    await waitFor(() => server.requests.length === 1);
    const reason = new Error('client went away');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await waitFor(() => server.closedByClient === 1);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not met in time');
}
