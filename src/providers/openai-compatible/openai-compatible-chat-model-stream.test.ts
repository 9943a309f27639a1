import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServer, sse, type TestServer } from '../../../test/support/create-test-server.js';
import { closeSharedDispatcher } from '../../provider-utils/index.js';
import type { ChatCall } from '../../spec/chat-call.js';
import {
  ContextLengthExceededError,
  InvalidProviderResponseError,
  ProviderApiError,
  ProviderRateLimitError,
  StreamInterruptedError,
} from '../../spec/errors.js';
import type { StreamEvent, StreamEventReader } from '../../spec/stream-event.js';
import { loadOpenAIChunks, loadOpenAIJson } from './__fixtures__/load-openai-compatible-fixture.js';
import { createOpenAICompatible, type OpenAICompatibleProfile, type OpenAICompatibleProviderType } from './index.js';

const PATH = '/v1/chat/completions';

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

function model(profile: OpenAICompatibleProviderType = 'openai', overrides?: Partial<Omit<OpenAICompatibleProfile, 'type'>>) {
  return createOpenAICompatible({
    name: `${profile}-test`,
    baseUrl: `${server.url}/v1`,
    apiKey: 'sk-test',
    profile,
    ...(overrides ? { overrides } : {}),
  }).languageModel('gpt-4o');
}

function replyStream(chunks: string[], extra: { cutAfter?: number; delayMs?: number } = {}): void {
  server.enqueue(PATH, { type: 'stream', chunks, ...extra });
}

const hello: ChatCall = { messages: [{ role: 'user', content: [{ type: 'text', text: 'Capital of France?' }] }] };

/** Reads a stream to its end; the error, if the stream failed, is returned beside the events. */
async function collect(stream: StreamEventReader): Promise<{ events: StreamEvent[]; error?: unknown }> {
  const events: StreamEvent[] = [];
  const reader = stream;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { events };
      events.push(value);
    }
  } catch (error) {
    return { events, error };
  }
}

async function streamEvents(call: ChatCall = hello, profile: OpenAICompatibleProviderType = 'openai') {
  return collect((await model(profile).stream(call)).stream);
}

describe('OpenAICompatibleChatModel.stream', () => {
  it('requests stream with include_usage and streams text, metadata and the usage chunk (choices: [])', async () => {
    replyStream(loadOpenAIChunks('openai-text'));
    const { stream, response } = await model().stream({ ...hello, maxOutputTokens: 100 });
    expect(response?.headers?.['content-type']).toBe('text/event-stream');
    const { events, error } = await collect(stream);
    expect(error).toBeUndefined();
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-test');
    expect(server.requests[0]?.body).toEqual({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Capital of France?' }],
      max_completion_tokens: 100,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(events).toMatchInlineSnapshot(`
      [
        {
          "type": "stream-start",
          "warnings": [],
        },
        {
          "created": 1741570347,
          "id": "chatcmpl-B9MIFy3PbYwA6WzGxrmyOk2HQnyJX",
          "modelId": "gpt-4o-2024-08-06",
          "systemFingerprint": "fp_fc9f1d7035",
          "type": "response-metadata",
        },
        {
          "delta": "The capital",
          "type": "text-delta",
        },
        {
          "delta": " of France is Paris.",
          "type": "text-delta",
        },
        {
          "finishReason": {
            "raw": "stop",
            "unified": "stop",
          },
          "type": "finish",
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
        },
      ]
    `);
  });

  it('omits stream_options when the profile does not support stream usage', async () => {
    replyStream(loadOpenAIChunks('openai-text'));
    const { events } = await collect((await model('openai-compatible', { supportsStreamUsage: false }).stream(hello)).stream);
    expect(server.requests[0]?.body).toEqual({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Capital of France?' }],
      stream: true,
    });
    expect(events.at(-1)?.type).toBe('finish');
  });

  it('streams parallel tool calls interleaved by index with argument fragments', async () => {
    replyStream(loadOpenAIChunks('openai-parallel-tool-calls'));
    const { events, error } = await streamEvents();
    expect(error).toBeUndefined();
    expect(events.filter((event) => event.type.startsWith('tool-input'))).toMatchInlineSnapshot(`
      [
        {
          "toolCallId": "call_DdmO9pD3xa9XTPNJ32zg2hcA",
          "toolName": "get_weather",
          "type": "tool-input-start",
        },
        {
          "delta": "{"loc",
          "toolCallId": "call_DdmO9pD3xa9XTPNJ32zg2hcA",
          "type": "tool-input-delta",
        },
        {
          "toolCallId": "call_ABCDEFGHIJKLMNOPQRSTUVWX",
          "toolName": "get_time",
          "type": "tool-input-start",
        },
        {
          "delta": "ation": "Paris",
          "toolCallId": "call_DdmO9pD3xa9XTPNJ32zg2hcA",
          "type": "tool-input-delta",
        },
        {
          "delta": "{"timezone": "Europe/Paris"}",
          "toolCallId": "call_ABCDEFGHIJKLMNOPQRSTUVWX",
          "type": "tool-input-delta",
        },
        {
          "delta": ", France"}",
          "toolCallId": "call_DdmO9pD3xa9XTPNJ32zg2hcA",
          "type": "tool-input-delta",
        },
      ]
    `);
    const argumentsById = new Map<string, string>();
    for (const event of events) {
      if (event.type === 'tool-input-delta') argumentsById.set(event.toolCallId, (argumentsById.get(event.toolCallId) ?? '') + event.delta);
    }
    expect(Object.fromEntries([...argumentsById].map(([id, text]) => [id, JSON.parse(text) as unknown]))).toEqual({
      call_DdmO9pD3xa9XTPNJ32zg2hcA: { location: 'Paris, France' },
      call_ABCDEFGHIJKLMNOPQRSTUVWX: { timezone: 'Europe/Paris' },
    });
    expect(events.at(-1)).toMatchObject({
      type: 'finish',
      finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
      usage: { inputTokens: 95, outputTokens: 40, cacheReadInputTokens: 0, reasoningTokens: 0 },
    });
  });

  it('streams vLLM reasoning_content as reasoning deltas and the usage chunk', async () => {
    replyStream(loadOpenAIChunks('vllm-reasoning'));
    const { events } = await streamEvents(hello, 'vllm');
    expect(events.filter((event) => event.type.endsWith('-delta'))).toEqual([
      { type: 'reasoning-delta', delta: '17 times 3' },
      { type: 'reasoning-delta', delta: ' is 51.' },
      { type: 'text-delta', delta: '51' },
    ]);
    expect(events.at(-1)).toEqual({
      type: 'finish',
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: {
        inputTokens: 14,
        outputTokens: 26,
        raw: { prompt_tokens: 14, total_tokens: 40, completion_tokens: 26, prompt_tokens_details: null },
      },
    });
  });

  it('streams the `reasoning` delta of Ollama and OpenRouter', async () => {
    replyStream([
      sse({ id: 'chatcmpl-9', model: 'qwen3:8b', choices: [{ index: 0, delta: { role: 'assistant', content: '', reasoning: 'Thinking.' } }] }),
      sse({ id: 'chatcmpl-9', model: 'qwen3:8b', choices: [{ index: 0, delta: { content: 'Paris.' }, finish_reason: 'stop' }] }),
      sse('[DONE]'),
    ]);
    const { events } = await streamEvents(hello, 'ollama');
    expect(events.filter((event) => event.type.endsWith('-delta'))).toEqual([
      { type: 'reasoning-delta', delta: 'Thinking.' },
      { type: 'text-delta', delta: 'Paris.' },
    ]);
  });

  it('streams a refusal as refusal text, as generate returns it', async () => {
    replyStream(loadOpenAIChunks('openai-refusal'));
    const { events } = await streamEvents();
    expect(events.filter((event) => event.type === 'text-delta')).toEqual([
      { type: 'text-delta', delta: "I'm sorry, ", refusal: true },
      { type: 'text-delta', delta: 'I cannot assist with that request.', refusal: true },
    ]);
  });

  it('streams logprobs, skipping empty ones', async () => {
    replyStream(loadOpenAIChunks('openai-logprobs'));
    const { events } = await streamEvents({ ...hello, logprobs: true, topLogprobs: 2 });
    expect(server.requests[0]?.body).toMatchObject({ logprobs: true, top_logprobs: 2 });
    expect(events.filter((event) => event.type === 'logprobs')).toEqual([
      {
        type: 'logprobs',
        content: [
          {
            token: 'Yes',
            logprob: -0.0001,
            bytes: [89, 101, 115],
            topLogprobs: [
              { token: 'Yes', logprob: -0.0001, bytes: [89, 101, 115] },
              { token: 'No', logprob: -9.25, bytes: [78, 111] },
            ],
          },
        ],
      },
    ]);
  });

  it('finishes normally when a server omits [DONE] after a finish_reason', async () => {
    replyStream(loadOpenAIChunks('openai-text').filter((chunk) => !chunk.includes('[DONE]')));
    const { events, error } = await streamEvents(hello, 'llamacpp');
    expect(error).toBeUndefined();
    expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'stop' }, usage: { inputTokens: 1117 } });
  });

  it('finishes with an `other` reason when [DONE] arrives without any finish_reason', async () => {
    replyStream([sse({ id: 'c', model: 'm', choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }] }), sse('[DONE]')]);
    const { events, error } = await streamEvents(hello, 'tgi');
    expect(error).toBeUndefined();
    expect(events.at(-1)).toEqual({
      type: 'finish',
      finishReason: { unified: 'other', raw: undefined },
      usage: { inputTokens: undefined, outputTokens: undefined },
    });
  });

  it('fails with StreamInterruptedError when the body ends with neither finish_reason nor [DONE]', async () => {
    replyStream(loadOpenAIChunks('openai-text').slice(0, 3));
    const { events, error } = await streamEvents();
    expect(events.map((event) => event.type)).toEqual(['stream-start', 'response-metadata', 'text-delta', 'text-delta']);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as Error).message).toContain('ended the stream before it was complete');
  });

  it('fails with StreamInterruptedError when the connection is cut mid-stream', async () => {
    // The delay lets the first frames leave the server before it destroys the socket.
    replyStream(loadOpenAIChunks('openai-text'), { cutAfter: 3, delayMs: 30 });
    const { events, error } = await streamEvents();
    expect(events.map((event) => event.type)).toEqual(['stream-start', 'response-metadata', 'text-delta', 'text-delta']);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as Error).message).toContain('closed the stream mid-way');
  });

  it('fails with InvalidProviderResponseError on a chunk that is not JSON', async () => {
    // Sent apart: events parsed from the same network read as a failing frame are dropped by the
    // shared SSE stream (controller.error discards queued events).
    replyStream([...loadOpenAIChunks('openai-text').slice(0, 2), 'data: {"id":"chatcmpl-1","choices":[{"delta":\n\n'], { delayMs: 30 });
    const { events, error } = await streamEvents();
    expect(events.map((event) => event.type)).toEqual(['stream-start', 'response-metadata', 'text-delta']);
    expect(error).toBeInstanceOf(InvalidProviderResponseError);
    expect((error as Error).message).toContain('malformed stream chunk');
  });

  it('fails with InvalidProviderResponseError on a chunk of the wrong shape', async () => {
    replyStream([sse({ id: 'c', choices: [{ index: 0, delta: { content: 42 } }] })]);
    const { error } = await streamEvents();
    expect(error).toBeInstanceOf(InvalidProviderResponseError);
    expect((error as Error).message).toContain('choices.0.delta.content');
  });

  it('fails with the typed error on an OpenRouter-style error frame, keeping the deltas before it', async () => {
    replyStream(
      [
        ...loadOpenAIChunks('openai-text').slice(0, 2),
        sse({
          id: 'gen-1745431130-abc',
          object: 'chat.completion.chunk',
          created: 1745431130,
          model: 'openai/gpt-4o',
          provider: 'OpenAI',
          error: { code: 429, message: 'Rate limit exceeded: upstream provider is rate limited' },
          choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }],
        }),
      ],
      { delayMs: 20 },
    );
    const { events, error } = await streamEvents(hello, 'openrouter');
    expect(events.map((event) => event.type)).toEqual(['stream-start', 'response-metadata', 'text-delta']);
    expect(error).toBeInstanceOf(ProviderRateLimitError);
    expect(error).toMatchObject({ provider: 'openrouter-test', upstreamStatus: 429, upstreamCode: '429' });
    expect((error as Error).message).toContain('Rate limit exceeded');
  });

  it('fails with a ProviderApiError on an error frame with a string code', async () => {
    replyStream([
      sse({ error: { message: 'Provider disconnected unexpectedly', code: 'server_error' }, choices: [{ index: 0, delta: {}, finish_reason: 'error' }] }),
    ]);
    const { error } = await streamEvents(hello, 'openrouter');
    expect(error).toBeInstanceOf(ProviderApiError);
    expect(error).toMatchObject({ upstreamStatus: 500, upstreamCode: 'server_error', isRetryable: true });
  });

  it("fails on vLLM's flat {object:'error'} frame instead of finishing as if it had succeeded", async () => {
    replyStream([
      ...loadOpenAIChunks('vllm-reasoning').slice(0, 2),
      sse(loadOpenAIJson('vllm-400-context-length')),
      sse('[DONE]'),
    ]);
    const { events, error } = await streamEvents(hello, 'vllm');
    expect(events.some((event) => event.type === 'finish')).toBe(false);
    expect(error).toBeInstanceOf(ContextLengthExceededError);
    expect(error).toMatchObject({ upstreamStatus: 400, upstreamCode: '400' });
  });

  it('does not treat `"error": null` in a normal chunk as an error', async () => {
    replyStream([
      sse({ id: 'c', model: 'm', error: null, choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: 'stop' }] }),
      sse('[DONE]'),
    ]);
    const { events, error } = await streamEvents(hello, 'openai-compatible');
    expect(error).toBeUndefined();
    expect(events.filter((event) => event.type === 'text-delta')).toEqual([{ type: 'text-delta', delta: 'Hi' }]);
  });

  it('ignores SSE comments (OpenRouter keep-alives) and blank data frames', async () => {
    replyStream([': OPENROUTER PROCESSING\n\n', 'data: \n\n', ...loadOpenAIChunks('openai-text')]);
    const { events, error } = await streamEvents(hello, 'openrouter');
    expect(error).toBeUndefined();
    expect(events.filter((event) => event.type === 'text-delta')).toHaveLength(2);
  });

  it('rejects before streaming when the server answers with an HTTP error', async () => {
    server.enqueue(PATH, {
      type: 'json',
      status: 429,
      body: loadOpenAIJson('openai-429-rate-limit'),
      headers: { 'x-ratelimit-reset-requests': '120ms' },
    });
    const error = await model().stream(hello).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderRateLimitError);
    expect(error).toMatchObject({ retryAfterMs: 120, upstreamCode: 'rate_limit_exceeded' });
  });

  it('closes the upstream connection when the consumer cancels', async () => {
    replyStream(loadOpenAIChunks('openai-text'), { delayMs: 200 });
    const { stream } = await model().stream(hello);
    const reader = stream;
    await reader.read();
    await reader.cancel();
    await waitFor(() => server.closedByClient === 1);
  });

  it('aborts mid-stream when the abort signal fires', async () => {
    replyStream(loadOpenAIChunks('openai-text'), { delayMs: 300 });
    const controller = new AbortController();
    const { stream } = await model().stream({ ...hello, abortSignal: controller.signal });
    const reader = stream;
    expect((await reader.read()).value?.type).toBe('stream-start');
    const reason = new Error('client disconnected');
    controller.abort(reason);
    const error = await (async () => {
      for (;;) {
        const { done } = await reader.read();
        if (done) return undefined;
      }
    })().catch((caught: unknown) => caught);
    expect(error).toBe(reason);
    await waitFor(() => server.closedByClient === 1);
  });

  it('rejects with the abort reason when aborted before the response arrives', async () => {
    server.enqueue(PATH, { type: 'hang' });
    const controller = new AbortController();
    const reason = new Error('deadline');
    setTimeout(() => controller.abort(reason), 20);
    const error = await model().stream({ ...hello, abortSignal: controller.signal }).catch((caught: unknown) => caught);
    expect(error).toBe(reason);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not met in time');
}
