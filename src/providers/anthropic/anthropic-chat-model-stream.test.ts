import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeSharedDispatcher } from '../../provider-utils/index.js';
import type { ChatCall } from '../../spec/chat-call.js';
import {
  InvalidProviderResponseError,
  ProviderApiError,
  ProviderRateLimitError,
  StreamInterruptedError,
} from '../../spec/errors.js';
import type { StreamEvent, StreamEventReader } from '../../spec/stream-event.js';
import { createTestServer, sse, type TestServer } from '../../../test/support/create-test-server.js';
import { loadAnthropicChunks } from './__fixtures__/load-anthropic-fixture.js';
import { createAnthropic } from './index.js';

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

const hello: ChatCall = { messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }] };

const model = () =>
  createAnthropic({ name: 'anthropic-test', baseUrl: `${server.url}/v1`, apiKey: 'sk-ant-test' }).languageModel('claude-sonnet-4-5');

function streamWith(chunks: string[], options: { delayMs?: number; cutAfter?: number } = {}): void {
  server.enqueue('/v1/messages', { type: 'stream', chunks, headers: { 'request-id': 'req_stream_1' }, ...options });
}

/** Reads a stream to its end; a stream error is returned next to the events seen before it. */
async function readAll(stream: StreamEventReader): Promise<{ events: StreamEvent[]; error: unknown }> {
  const events: StreamEvent[] = [];
  const reader = stream;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { events, error: undefined };
      events.push(value);
    }
  } catch (error) {
    return { events, error };
  }
}

const event = (data: unknown) => sse(data, (data as { type: string }).type);
const messageStart = event({
  type: 'message_start',
  message: { id: 'msg_1', model: 'claude-sonnet-4-5-20250929', usage: { input_tokens: 3, output_tokens: 1 } },
});

describe('AnthropicChatModel.stream', () => {
  it('streams text with stream:true, metadata and one finish with cached usage', async () => {
    streamWith(loadAnthropicChunks('anthropic-text'));
    const result = await model().stream({ ...hello, seed: 1 });
    expect(server.requests[0]?.body).toMatchObject({ model: 'claude-sonnet-4-5', stream: true, max_tokens: 4096 });
    expect(server.requests[0]?.headers).toMatchObject({ 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' });
    expect(result.response?.headers?.['request-id']).toBe('req_stream_1');
    const { events, error } = await readAll(result.stream);
    expect(error).toBeUndefined();
    expect(events).toMatchInlineSnapshot(`
      [
        {
          "type": "stream-start",
          "warnings": [
            {
              "setting": "seed",
              "type": "unsupported-setting",
            },
          ],
        },
        {
          "id": "msg_01QC4g3HwBThD4BaNtBckFDJ",
          "modelId": "claude-sonnet-4-5-20250929",
          "promptUsage": {
            "cacheReadInputTokens": 2048,
            "cacheWriteInputTokens": 0,
            "inputTokens": 2073,
            "outputTokens": 1,
            "raw": {
              "cache_creation": {
                "ephemeral_1h_input_tokens": 0,
                "ephemeral_5m_input_tokens": 0,
              },
              "cache_creation_input_tokens": 0,
              "cache_read_input_tokens": 2048,
              "input_tokens": 25,
              "output_tokens": 1,
              "service_tier": "standard",
            },
          },
          "type": "response-metadata",
        },
        {
          "delta": "Hello",
          "type": "text-delta",
        },
        {
          "delta": "! How can I",
          "type": "text-delta",
        },
        {
          "delta": " help you today?",
          "type": "text-delta",
        },
        {
          "finishReason": {
            "raw": "end_turn",
            "unified": "stop",
          },
          "type": "finish",
          "usage": {
            "cacheReadInputTokens": 2048,
            "cacheWriteInputTokens": 0,
            "inputTokens": 2073,
            "outputTokens": 15,
            "raw": {
              "cache_creation": {
                "ephemeral_1h_input_tokens": 0,
                "ephemeral_5m_input_tokens": 0,
              },
              "cache_creation_input_tokens": 0,
              "cache_read_input_tokens": 2048,
              "input_tokens": 25,
              "output_tokens": 15,
              "service_tier": "standard",
            },
          },
        },
      ]
    `);
  });

  it('streams tool calls keyed by the tool_use id, with {} for a call without arguments', async () => {
    streamWith(loadAnthropicChunks('anthropic-tool-call'));
    const { events } = await readAll((await model().stream(hello)).stream);
    expect(events.filter((item) => item.type !== 'stream-start' && item.type !== 'response-metadata')).toMatchInlineSnapshot(`
      [
        {
          "delta": "Let me check",
          "type": "text-delta",
        },
        {
          "delta": " the weather.",
          "type": "text-delta",
        },
        {
          "toolCallId": "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
          "toolName": "get_weather",
          "type": "tool-input-start",
        },
        {
          "delta": "{"location":",
          "toolCallId": "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
          "type": "tool-input-delta",
        },
        {
          "delta": " "San Francisco, CA"",
          "toolCallId": "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
          "type": "tool-input-delta",
        },
        {
          "delta": ", "unit": "celsius"}",
          "toolCallId": "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
          "type": "tool-input-delta",
        },
        {
          "toolCallId": "toolu_01B7bEnXsQpR2fJkTz3nHk4m",
          "toolName": "get_time",
          "type": "tool-input-start",
        },
        {
          "delta": "{}",
          "toolCallId": "toolu_01B7bEnXsQpR2fJkTz3nHk4m",
          "type": "tool-input-delta",
        },
        {
          "finishReason": {
            "raw": "tool_use",
            "unified": "tool-calls",
          },
          "type": "finish",
          "usage": {
            "inputTokens": 472,
            "outputTokens": 89,
            "raw": {
              "input_tokens": 472,
              "output_tokens": 89,
            },
          },
        },
      ]
    `);
  });

  it('streams the json tool input as text and finishes with stop', async () => {
    streamWith(loadAnthropicChunks('anthropic-json-tool'));
    const { events } = await readAll((await model().stream({ ...hello, responseFormat: { type: 'json' } })).stream);
    const text = events.flatMap((item) => (item.type === 'text-delta' ? [item.delta] : [])).join('');
    expect(JSON.parse(text)).toEqual({ city: 'Paris', temperature: 23 });
    expect(events.some((item) => item.type === 'tool-input-start')).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'stop', raw: 'tool_use' }, usage: { inputTokens: 849, outputTokens: 41 } });
  });

  it('streams thinking as reasoning deltas with the signature, skipping redacted thinking', async () => {
    streamWith(loadAnthropicChunks('anthropic-thinking'));
    const { events, error } = await readAll((await model().stream(hello)).stream);
    expect(error).toBeUndefined();
    expect(events.filter((item) => item.type === 'reasoning-delta' || item.type === 'text-delta')).toEqual([
      { type: 'reasoning-delta', delta: 'The user asks for 27 * 453.' },
      { type: 'reasoning-delta', delta: ' 27 * 453 = 12231.' },
      { type: 'reasoning-delta', delta: '', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds' },
      { type: 'text-delta', delta: '27 × 453 = 12,231.' },
    ]);
  });

  it('emits exactly one finish and ignores unknown event and block types', async () => {
    streamWith([
      messageStart,
      event({ type: 'message_annotation', note: 'a future event type' }),
      event({ type: 'content_block_start', index: 0, content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search' } }),
      event({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"query":"x"}' } }),
      event({ type: 'content_block_stop', index: 0 }),
      event({ type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } }),
      event({ type: 'content_block_delta', index: 1, delta: { type: 'citations_delta', citation: { type: 'web_search_result_location' } } }),
      event({ type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Done.' } }),
      event({ type: 'content_block_stop', index: 1 }),
      event({ type: 'message_delta', delta: { stop_reason: 'max_tokens' }, usage: { output_tokens: 9 } }),
      event({ type: 'message_stop' }),
    ]);
    const { events, error } = await readAll((await model().stream(hello)).stream);
    expect(error).toBeUndefined();
    expect(events.map((item) => item.type)).toEqual(['stream-start', 'response-metadata', 'text-delta', 'finish']);
    expect(events.at(-1)).toMatchObject({ finishReason: { unified: 'length', raw: 'max_tokens' }, usage: { inputTokens: 3, outputTokens: 9 } });
  });

  it('errors the stream with ProviderRateLimitError on a mid-stream overloaded_error event', async () => {
    // Spaced out so the text delta is read before the error: ReadableStream drops queued chunks on error.
    streamWith(loadAnthropicChunks('anthropic-overloaded-mid-stream'), { delayMs: 20 });
    const { events, error } = await readAll((await model().stream(hello)).stream);
    expect(events.map((item) => item.type)).toEqual(['stream-start', 'response-metadata', 'text-delta']);
    expect(events.some((item) => item.type === 'finish')).toBe(false);
    expect(error).toBeInstanceOf(ProviderRateLimitError);
    expect(error).toMatchObject({ provider: 'anthropic-test', upstreamCode: 'overloaded_error', upstreamStatus: 529, isRetryable: true });
    expect((error as Error).message).toContain('Overloaded');
  });

  it('errors the stream with ProviderApiError on a mid-stream api_error event', async () => {
    streamWith([messageStart, event({ type: 'error', error: { type: 'api_error', message: 'Internal server error' } })]);
    const { error } = await readAll((await model().stream(hello)).stream);
    expect(error).toBeInstanceOf(ProviderApiError);
    expect(error).not.toBeInstanceOf(ProviderRateLimitError);
    expect(error).toMatchObject({ upstreamCode: 'api_error', upstreamStatus: 500 });
  });

  it('errors with InvalidProviderResponseError on a chunk that is not JSON', async () => {
    streamWith([messageStart, 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,\n\n']);
    const { events, error } = await readAll((await model().stream(hello)).stream);
    expect(error).toBeInstanceOf(InvalidProviderResponseError);
    expect((error as Error).message).toContain('malformed stream chunk');
    expect(events.some((item) => item.type === 'finish')).toBe(false);
  });

  it.each([
    ['a known event with a missing field', { type: 'content_block_delta', delta: { type: 'text_delta', text: 'x' } }],
    ['a known delta type with a missing field', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta' } }],
    ['a delta for a block that never started', { type: 'content_block_delta', index: 5, delta: { type: 'text_delta', text: 'x' } }],
    ['an event without a type', { index: 0 }],
  ])('errors with InvalidProviderResponseError on %s', async (_name, data) => {
    streamWith([messageStart, event({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }), sse(data)]);
    const { error } = await readAll((await model().stream(hello)).stream);
    expect(error).toBeInstanceOf(InvalidProviderResponseError);
    expect(error).toMatchObject({ code: 'provider_bad_response', provider: 'anthropic-test' });
  });

  it('errors with StreamInterruptedError when the body ends before message_stop', async () => {
    streamWith(loadAnthropicChunks('anthropic-text').slice(0, -1));
    const { events, error } = await readAll((await model().stream(hello)).stream);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect(error).toMatchObject({ code: 'stream_interrupted' });
    expect(events.filter((item) => item.type === 'text-delta')).toHaveLength(3);
    expect(events.some((item) => item.type === 'finish')).toBe(false);
  });

  it('errors with StreamInterruptedError when the connection drops mid-stream', async () => {
    // The delay lets the first chunks (and the headers) reach us before the socket is destroyed.
    streamWith(loadAnthropicChunks('anthropic-text'), { cutAfter: 4, delayMs: 20 });
    const { events, error } = await readAll((await model().stream(hello)).stream);
    expect(events.some((item) => item.type === 'text-delta')).toBe(true);
    expect(error).toBeInstanceOf(StreamInterruptedError);
  });

  it('closes the upstream connection when the abort signal fires mid-stream', async () => {
    streamWith(loadAnthropicChunks('anthropic-text'), { delayMs: 200 });
    const controller = new AbortController();
    const { stream } = await model().stream({ ...hello, abortSignal: controller.signal });
    const reader = stream;
    expect((await reader.read()).value?.type).toBe('stream-start');
    const reason = new Error('client disconnected');
    controller.abort(reason);
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return 'ended';
      })(),
    ).rejects.toBe(reason);
    await expect.poll(() => server.closedByClient).toBe(1);
  });

  it('closes the upstream connection when the consumer cancels the stream', async () => {
    streamWith(loadAnthropicChunks('anthropic-text'), { delayMs: 200 });
    const { stream } = await model().stream(hello);
    const reader = stream;
    await reader.read();
    await reader.cancel();
    await expect.poll(() => server.closedByClient).toBe(1);
  });
});
