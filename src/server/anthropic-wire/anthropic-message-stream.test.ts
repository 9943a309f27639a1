import { describe, expect, it, vi } from 'vitest';
import { ProviderApiError } from '../../spec/errors.js';
import type { StreamEvent } from '../../spec/stream-event.js';
import { toAnthropicMessageStream, type AnthropicStreamOptions } from './anthropic-message-stream.js';

const identity = { id: 'msg_test', model: 'gpt-4o-2024-08-06' };
const usage = { inputTokens: 30, outputTokens: 7, cacheReadInputTokens: 20 };

function eventStream(events: StreamEvent[], failure?: unknown): ReadableStream<StreamEvent> {
  let index = 0;
  return new ReadableStream<StreamEvent>({
    pull(controller) {
      if (index < events.length) controller.enqueue(events[index++]!);
      else if (failure !== undefined) controller.error(failure);
      else controller.close();
    },
  });
}

async function run(events: StreamEvent[], options: Partial<AnthropicStreamOptions> = {}, failure?: unknown): Promise<string> {
  return new Response(toAnthropicMessageStream(eventStream(events, failure), { identity, ...options })).text();
}

/** Splits the SSE text into `[event name, data]` pairs, checking each frame's `type` repeats its name. */
function frames(text: string): Array<[string, Record<string, unknown>]> {
  expect(text.endsWith('\n\n')).toBe(true);
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((chunk) => {
      const match = /^event: (\w+)\ndata: (.*)$/.exec(chunk);
      if (!match) throw new Error(`not an SSE frame: ${chunk}`);
      const data = JSON.parse(match[2]!) as Record<string, unknown>;
      expect(data.type).toBe(match[1]);
      return [match[1]!, data];
    });
}

describe('toAnthropicMessageStream', () => {
  it('writes a text answer as Anthropic documents the event sequence', async () => {
    const text = await run([
      { type: 'stream-start', warnings: [] },
      { type: 'response-metadata', id: 'chatcmpl-1' },
      { type: 'text-delta', delta: 'Hello' },
      { type: 'text-delta', delta: '' },
      { type: 'text-delta', delta: ' world' },
      { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage },
    ]);
    expect(text).toBe(
      'event: message_start\n' +
        'data: {"type":"message_start","message":{"id":"msg_test","type":"message","role":"assistant","model":"gpt-4o-2024-08-06","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"output_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}\n\n' +
        'event: content_block_start\n' +
        'data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
        'event: content_block_delta\n' +
        'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}\n\n' +
        'event: content_block_delta\n' +
        'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" world"}}\n\n' +
        'event: content_block_stop\n' +
        'data: {"type":"content_block_stop","index":0}\n\n' +
        'event: message_delta\n' +
        'data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":10,"output_tokens":7,"cache_creation_input_tokens":0,"cache_read_input_tokens":20}}\n\n' +
        'event: message_stop\n' +
        'data: {"type":"message_stop"}\n\n',
    );
  });

  it('opens one block per kind of content: thinking, text, then each tool call', async () => {
    const text = await run([
      { type: 'stream-start', warnings: [] },
      { type: 'reasoning-delta', delta: 'Hmm' },
      { type: 'reasoning-delta', delta: '', signature: 'sig-1' },
      { type: 'text-delta', delta: 'Checking.' },
      { type: 'tool-input-start', toolCallId: 'call_1', toolName: 'get_weather' },
      { type: 'tool-input-delta', toolCallId: 'call_1', delta: '{"city":' },
      { type: 'tool-input-delta', toolCallId: 'call_1', delta: '"Paris"}' },
      { type: 'tool-input-start', toolCallId: 'call_2', toolName: 'get_time' },
      { type: 'tool-input-delta', toolCallId: 'call_2', delta: '{}' },
      { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage },
    ]);
    expect(frames(text).map(([name, data]) => [name, data.index ?? null, (data.delta ?? data.content_block ?? null) as unknown])).toEqual([
      ['message_start', null, null],
      ['content_block_start', 0, { type: 'thinking', thinking: '' }],
      ['content_block_delta', 0, { type: 'thinking_delta', thinking: 'Hmm' }],
      ['content_block_delta', 0, { type: 'signature_delta', signature: 'sig-1' }],
      ['content_block_stop', 0, null],
      ['content_block_start', 1, { type: 'text', text: '' }],
      ['content_block_delta', 1, { type: 'text_delta', text: 'Checking.' }],
      ['content_block_stop', 1, null],
      ['content_block_start', 2, { type: 'tool_use', id: 'call_1', name: 'get_weather', input: {} }],
      ['content_block_delta', 2, { type: 'input_json_delta', partial_json: '{"city":' }],
      ['content_block_delta', 2, { type: 'input_json_delta', partial_json: '"Paris"}' }],
      ['content_block_stop', 2, null],
      ['content_block_start', 3, { type: 'tool_use', id: 'call_2', name: 'get_time', input: {} }],
      ['content_block_delta', 3, { type: 'input_json_delta', partial_json: '{}' }],
      ['content_block_stop', 3, null],
      ['message_delta', null, { stop_reason: 'tool_use', stop_sequence: null }],
      ['message_stop', null, null],
    ]);
  });

  it('takes the model from response metadata that arrives before the message starts', async () => {
    const text = await run([
      { type: 'response-metadata', modelId: 'claude-sonnet-4-5-20250929' },
      { type: 'finish', finishReason: { unified: 'length', raw: 'max_tokens' }, usage },
    ]);
    const parsed = frames(text);
    expect(parsed.map(([name]) => name)).toEqual(['message_start', 'message_delta', 'message_stop']);
    expect((parsed[0]![1].message as Record<string, unknown>).model).toBe('claude-sonnet-4-5-20250929');
    expect((parsed[1]![1].delta as Record<string, unknown>).stop_reason).toBe('max_tokens');
  });

  it("puts the prompt's counts in message_start when the upstream sent them first", async () => {
    const text = await run([
      { type: 'response-metadata', modelId: 'claude-sonnet-4-5-20250929', promptUsage: { inputTokens: 2073, outputTokens: 1, cacheReadInputTokens: 2048, cacheWriteInputTokens: 0 } },
      { type: 'text-delta', delta: 'Hi' },
      { type: 'finish', finishReason: { unified: 'stop', raw: 'end_turn' }, usage },
    ]);
    const start = frames(text)[0]![1].message as Record<string, unknown>;
    // Anthropic's input_tokens excludes the cached part; nothing is output yet.
    expect(start.usage).toEqual({ input_tokens: 25, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 2048 });
  });

  it('ends a stream that fails midway with an error event', async () => {
    const failure = new ProviderApiError('Overloaded', { provider: 'anthropic', upstreamStatus: 529 });
    const text = await run([{ type: 'text-delta', delta: 'Hel' }], {}, failure);
    const parsed = frames(text);
    expect(parsed.map(([name]) => name)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'error']);
    expect(parsed.at(-1)![1]).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  });

  it('treats a stream that ends without finish as interrupted, hiding untyped details', async () => {
    const cut = frames(await run([{ type: 'text-delta', delta: 'Hi' }]));
    expect(cut.at(-1)![1]).toEqual({
      type: 'error',
      error: { type: 'api_error', message: 'Stream interrupted: upstream stream ended without a finish event.' },
    });
    const untyped = frames(await run([], {}, new TypeError('socket hang up')));
    expect(untyped).toEqual([['error', { type: 'error', error: { type: 'api_error', message: 'Stream interrupted: socket hang up' } }]]);
  });

  it('cancels the upstream when the client goes away', async () => {
    const cancelled = vi.fn();
    const upstream = new ReadableStream<StreamEvent>({
      pull(controller) {
        controller.enqueue({ type: 'text-delta', delta: 'x' });
      },
      cancel: cancelled,
    });
    const reader = toAnthropicMessageStream(upstream, { identity }).getReader();
    await reader.read();
    await reader.cancel('gone');
    expect(cancelled).toHaveBeenCalledWith('gone');
  });
});
