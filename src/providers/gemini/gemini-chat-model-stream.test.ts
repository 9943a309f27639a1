import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServer, sse, type TestServer } from '../../../test/support/create-test-server.js';
import { closeSharedDispatcher } from '../../provider-utils/index.js';
import type { ChatMessage } from '../../spec/chat-call.js';
import {
  ContentFilterError,
  InvalidProviderResponseError,
  ProviderRateLimitError,
  StreamInterruptedError,
} from '../../spec/errors.js';
import type { StreamEvent, StreamEventReader } from '../../spec/stream-event.js';
import { loadFixture, loadSseChunks } from './__fixtures__/fixtures.js';
import { createGemini } from './index.js';

const MODEL = 'gemini-2.5-flash';
const STREAM_PATH = `/v1beta/models/${MODEL}:streamGenerateContent`;

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

function createModel() {
  let counter = 0;
  return createGemini(
    { name: 'gemini-test', baseUrl: `${server.url}/v1beta`, apiKey: 'test-api-key' },
    { generateId: () => `generated-${++counter}` },
  ).languageModel(MODEL);
}

function replyStream(chunks: string[], extra: { cutAfter?: number; delayMs?: number } = {}): void {
  server.enqueue(STREAM_PATH, { type: 'stream', chunks, ...extra });
}

const hello: ChatMessage[] = [{ role: 'user', content: [{ type: 'text', text: 'Capital of France?' }] }];

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

describe('GeminiChatModel.stream', () => {
  it('posts to :streamGenerateContent?alt=sse and streams text with the last usage', async () => {
    replyStream(loadSseChunks('gemini-text.chunks.txt'));
    const { stream, response } = await createModel().stream({ messages: hello, user: 'u-1' });
    expect(response?.headers?.['content-type']).toBe('text/event-stream');
    const { events, error } = await collect(stream);
    expect(error).toBeUndefined();
    const request = server.requests[0];
    expect(request?.url.search).toBe('?alt=sse');
    expect(request?.headers['x-goog-api-key']).toBe('test-api-key');
    expect(request?.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Capital of France?' }] }],
      generationConfig: { candidateCount: 1 },
    });
    expect(events).toMatchInlineSnapshot(`
      [
        {
          "type": "stream-start",
          "warnings": [
            {
              "setting": "user",
              "type": "unsupported-setting",
            },
          ],
        },
        {
          "id": "0IBkaI6xJfWqxN8P_8OcmAs",
          "modelId": "gemini-2.5-flash",
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
            "raw": "STOP",
            "unified": "stop",
          },
          "type": "finish",
          "usage": {
            "cacheReadInputTokens": 1024,
            "inputTokens": 1030,
            "outputTokens": 32,
            "raw": {
              "cacheTokensDetails": [
                {
                  "modality": "TEXT",
                  "tokenCount": 1024,
                },
              ],
              "cachedContentTokenCount": 1024,
              "candidatesTokenCount": 8,
              "promptTokenCount": 1030,
              "promptTokensDetails": [
                {
                  "modality": "TEXT",
                  "tokenCount": 1030,
                },
              ],
              "thoughtsTokenCount": 24,
              "totalTokenCount": 1062,
            },
            "reasoningTokens": 24,
          },
        },
      ]
    `);
  });

  it('streams thought parts as reasoning deltas', async () => {
    replyStream(loadSseChunks('gemini-reasoning.chunks.txt'));
    const { events } = await collect((await createModel().stream({ messages: hello })).stream);
    expect(events.filter((event) => event.type.endsWith('-delta'))).toEqual([
      { type: 'reasoning-delta', delta: '**Checking the arithmetic**\n\n17 * 3 = 51.' },
      { type: 'text-delta', delta: '17 × 3 = 51.' },
    ]);
    expect(events.at(-1)).toMatchObject({
      type: 'finish',
      finishReason: { unified: 'stop', raw: 'STOP' },
      usage: { inputTokens: 12, outputTokens: 59, reasoningTokens: 50 },
    });
  });

  it('streams whole function calls as one start and one delta each, finishing with tool-calls', async () => {
    replyStream(loadSseChunks('gemini-tool-call.chunks.txt'));
    const { events, error } = await collect((await createModel().stream({ messages: hello })).stream);
    expect(error).toBeUndefined();
    expect(events.slice(2)).toMatchInlineSnapshot(`
      [
        {
          "delta": "Checking the weather.",
          "type": "text-delta",
        },
        {
          "toolCallId": "generated-1",
          "toolName": "get_weather",
          "type": "tool-input-start",
        },
        {
          "delta": "{"city":"San Francisco","days":3}",
          "toolCallId": "generated-1",
          "type": "tool-input-delta",
        },
        {
          "toolCallId": "fc-2",
          "toolName": "get_time",
          "type": "tool-input-start",
        },
        {
          "delta": "{}",
          "toolCallId": "fc-2",
          "type": "tool-input-delta",
        },
        {
          "finishReason": {
            "raw": "STOP",
            "unified": "tool-calls",
          },
          "type": "finish",
          "usage": {
            "inputTokens": 96,
            "outputTokens": 30,
            "raw": {
              "candidatesTokenCount": 30,
              "promptTokenCount": 96,
              "totalTokenCount": 126,
            },
          },
        },
      ]
    `);
  });

  it('streams logprobs per frame', async () => {
    replyStream(loadSseChunks('gemini-logprobs.chunks.txt'));
    const { events } = await collect((await createModel().stream({ messages: hello, logprobs: true, topLogprobs: 2 })).stream);
    expect(events.filter((event) => event.type === 'logprobs')).toEqual([
      {
        type: 'logprobs',
        content: [
          {
            token: 'Yes',
            logprob: -0.0105,
            topLogprobs: [
              { token: 'Yes', logprob: -0.0105 },
              { token: 'No', logprob: -4.6151 },
            ],
          },
        ],
      },
      { type: 'logprobs', content: [{ token: '.', logprob: -0.0317, topLogprobs: [{ token: '.', logprob: -0.0317 }] }] },
    ]);
  });

  it('maps MAX_TOKENS to length', async () => {
    replyStream(loadSseChunks('gemini-max-tokens.chunks.txt'));
    const { events } = await collect((await createModel().stream({ messages: hello, maxOutputTokens: 10 })).stream);
    expect(events.at(-1)).toMatchObject({
      type: 'finish',
      finishReason: { unified: 'length', raw: 'MAX_TOKENS' },
      usage: { inputTokens: 5, outputTokens: 10 },
    });
  });

  it('fails with streamEndedEarly when the body ends before a finishReason', async () => {
    replyStream(loadSseChunks('gemini-text.chunks.txt').slice(0, 2));
    const { events, error } = await collect((await createModel().stream({ messages: hello })).stream);
    expect(events.map((event) => event.type)).toEqual(['stream-start', 'response-metadata', 'text-delta', 'text-delta']);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as Error).message).toContain('ended the stream before it was complete');
  });

  it('fails with StreamInterruptedError when the connection is cut mid-stream', async () => {
    // The delay lets the first frames leave the server before it destroys the socket.
    replyStream(loadSseChunks('gemini-text.chunks.txt'), { cutAfter: 2, delayMs: 30 });
    const { events, error } = await collect((await createModel().stream({ messages: hello })).stream);
    expect(events.map((event) => event.type)).toEqual(['stream-start', 'response-metadata', 'text-delta', 'text-delta']);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect((error as Error).message).toContain('closed the stream mid-way');
  });

  it('fails with InvalidProviderResponseError on a frame that is not JSON', async () => {
    // Sent apart: events parsed from the same network read as a failing frame are dropped by the
    // shared SSE stream (controller.error discards queued events).
    replyStream([...loadSseChunks('gemini-text.chunks.txt').slice(0, 1), 'data: {"candidates": [\r\n\r\n'], { delayMs: 30 });
    const { events, error } = await collect((await createModel().stream({ messages: hello })).stream);
    expect(events.map((event) => event.type)).toEqual(['stream-start', 'response-metadata', 'text-delta']);
    expect(error).toBeInstanceOf(InvalidProviderResponseError);
    expect((error as Error).message).toContain('malformed stream chunk');
  });

  it('fails with InvalidProviderResponseError on a frame of the wrong shape', async () => {
    replyStream([sse({ candidates: [{ content: { parts: [{ functionCall: { args: {} } }] } }] })]);
    const { error } = await collect((await createModel().stream({ messages: hello })).stream);
    expect(error).toBeInstanceOf(InvalidProviderResponseError);
  });

  it('fails with the typed error when Gemini sends an error frame mid-stream', async () => {
    replyStream([
      ...loadSseChunks('gemini-text.chunks.txt').slice(0, 1),
      sse({ error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } }),
    ]);
    const { error } = await collect((await createModel().stream({ messages: hello })).stream);
    expect(error).toBeInstanceOf(ProviderRateLimitError);
    expect(error).toMatchObject({ upstreamStatus: 429, upstreamCode: 'RESOURCE_EXHAUSTED' });
  });

  it('fails with ContentFilterError when the prompt is blocked', async () => {
    replyStream(loadSseChunks('gemini-prompt-blocked.chunks.txt'));
    const { events, error } = await collect((await createModel().stream({ messages: hello })).stream);
    expect(events.map((event) => event.type)).toEqual(['stream-start', 'response-metadata']);
    expect(error).toBeInstanceOf(ContentFilterError);
    expect(error).toMatchObject({ upstreamCode: 'PROHIBITED_CONTENT' });
  });

  it('rejects before streaming when Gemini answers with an HTTP error', async () => {
    server.enqueue(STREAM_PATH, { type: 'json', status: 429, body: loadFixture('gemini-429-retry-info.json') });
    const error = await createModel().stream({ messages: hello }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderRateLimitError);
    expect(error).toMatchObject({ retryAfterMs: 34_400 });
  });

  it('closes the upstream connection when the consumer cancels', async () => {
    replyStream(loadSseChunks('gemini-text.chunks.txt'), { delayMs: 200 });
    const { stream } = await createModel().stream({ messages: hello });
    const reader = stream;
    await reader.read();
    await reader.cancel();
    await waitFor(() => server.closedByClient === 1);
  });

  it('aborts mid-stream when the abort signal fires', async () => {
    replyStream(loadSseChunks('gemini-text.chunks.txt'), { delayMs: 300 });
    const controller = new AbortController();
    const { stream } = await createModel().stream({ messages: hello, abortSignal: controller.signal });
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
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not met in time');
}
