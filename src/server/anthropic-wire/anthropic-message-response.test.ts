import { describe, expect, it } from 'vitest';
import type { ChatResult } from '../../spec/chat-result.js';
import type { UnifiedFinishReason } from '../../spec/finish-reason.js';
import { anthropicMessageId, toAnthropicMessage, toAnthropicStopReason, toAnthropicUsage } from './anthropic-message-response.js';

function result(overrides: Partial<ChatResult>): ChatResult {
  return {
    content: [{ type: 'text', text: 'Hello' }],
    finishReason: { unified: 'stop', raw: 'stop' },
    usage: { inputTokens: 12, outputTokens: 5 },
    response: {},
    warnings: [],
    ...overrides,
  };
}

describe('toAnthropicMessage', () => {
  it('writes a text answer in the Messages API response shape', () => {
    expect(toAnthropicMessage(result({}), { id: 'msg_1', model: 'gpt-4o' })).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'gpt-4o',
      content: [{ type: 'text', text: 'Hello' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 12, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
  });

  it('writes thinking, merged text and tool_use blocks with parsed input', () => {
    const message = toAnthropicMessage(
      result({
        content: [
          { type: 'reasoning', text: 'Think', signature: 'sig' },
          { type: 'text', text: 'Let me ' },
          { type: 'text', text: 'check.' },
          { type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: '{"city":"Paris"}' },
          { type: 'tool-call', toolCallId: 'call_2', toolName: 'now', input: '' },
        ],
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
      }),
      { id: 'msg_2', model: 'm' },
    );
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Think', signature: 'sig' },
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_2', name: 'now', input: {} },
    ]);
    expect(message.stop_reason).toBe('tool_use');
  });

  it('names the stop sequence when only one could have matched', () => {
    const stopped = result({ finishReason: { unified: 'stop', raw: 'stop_sequence' } });
    expect(toAnthropicMessage(stopped, { id: 'msg_3', model: 'm', stopSequences: ['END'] })).toMatchObject({
      stop_reason: 'stop_sequence',
      stop_sequence: 'END',
    });
    expect(toAnthropicMessage(stopped, { id: 'msg_3', model: 'm', stopSequences: ['A', 'B'] })).toMatchObject({ stop_sequence: null });
  });
});

describe('toAnthropicStopReason', () => {
  it.each<[UnifiedFinishReason, string | undefined, string]>([
    ['stop', 'stop', 'end_turn'],
    ['stop', 'end_turn', 'end_turn'],
    ['stop', 'stop_sequence', 'stop_sequence'],
    // An Anthropic upstream's JSON tool answer is a finished text answer, not a tool call.
    ['stop', 'tool_use', 'end_turn'],
    ['length', 'length', 'max_tokens'],
    ['length', 'model_context_window_exceeded', 'model_context_window_exceeded'],
    ['tool-calls', 'tool_calls', 'tool_use'],
    ['content-filter', 'content_filter', 'refusal'],
    ['other', 'pause_turn', 'pause_turn'],
    ['other', 'weird', 'end_turn'],
    ['error', undefined, 'end_turn'],
  ])('%s (raw %s) → %s', (unified, raw, expected) => {
    expect(toAnthropicStopReason({ unified, raw })).toBe(expected);
  });
});

describe('toAnthropicUsage', () => {
  it('reports uncached input separately from cache reads and writes', () => {
    expect(toAnthropicUsage({ inputTokens: 1000, outputTokens: 20, cacheReadInputTokens: 700, cacheWriteInputTokens: 200 })).toEqual({
      input_tokens: 100,
      output_tokens: 20,
      cache_creation_input_tokens: 200,
      cache_read_input_tokens: 700,
    });
  });

  it('reports zeros for counts the upstream did not give', () => {
    expect(toAnthropicUsage({ inputTokens: undefined, outputTokens: undefined })).toEqual({
      input_tokens: 0,
      output_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    });
  });
});

describe('anthropicMessageId', () => {
  it('keeps Anthropic ids and makes msg_ ids for others', () => {
    expect(anthropicMessageId('msg_01abc')).toBe('msg_01abc');
    expect(anthropicMessageId('chatcmpl-123')).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(anthropicMessageId(undefined)).toMatch(/^msg_[0-9a-f]{32}$/);
  });
});
