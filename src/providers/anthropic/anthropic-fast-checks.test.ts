import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectCheckNoLooserThanSchema } from '../../../test/support/field-mutations.js';
import { loadAnthropicJson } from './__fixtures__/load-anthropic-fixture.js';
import { anthropicMessagesResponseSchema, anthropicStreamChunkSchema, isPlainAnthropicDelta, isPlainAnthropicResponse } from './anthropic-api.js';

/** A recorded stream's events, parsed. */
function recordedEvents(name: string): unknown[] {
  const file = fileURLToPath(new URL(`./__fixtures__/${name}.chunks.txt`, import.meta.url));
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
}

describe('isPlainAnthropicDelta', () => {
  it('takes the text, tool-input and thinking deltas of recorded streams, and leaves every other event to the schema', () => {
    let plain = 0;
    for (const name of ['anthropic-text', 'anthropic-tool-call', 'anthropic-thinking', 'anthropic-json-tool']) {
      for (const event of recordedEvents(name)) {
        const { type, delta } = event as { type: string; delta?: { type: string } };
        const expected = type === 'content_block_delta' && delta?.type !== 'signature_delta';
        expect(isPlainAnthropicDelta(event), JSON.stringify(event)).toBe(expected);
        if (expected) {
          plain += 1;
          expect(anthropicStreamChunkSchema.safeParse(event).success).toBe(true);
        }
      }
    }
    expect(plain).toBeGreaterThan(10);
  });

  it('accepts nothing the schema rejects, whatever value any field takes', () => {
    const samples = [
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"a":' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Hmm' } },
    ];
    const replacements = [undefined, null, 0, 1.5, '', 'text', true, [], {}, 'text_delta', 'input_json_delta', 'thinking_delta', 'signature_delta', 'message_stop'];
    expect(expectCheckNoLooserThanSchema(isPlainAnthropicDelta, anthropicStreamChunkSchema, samples, replacements)).toBeGreaterThan(5);
  });
});

describe('isPlainAnthropicResponse', () => {
  it('takes the recorded text, tool-call, thinking and JSON-tool answers, which the schema also accepts', () => {
    for (const name of ['anthropic-text', 'anthropic-tool-call', 'anthropic-thinking', 'anthropic-json-tool']) {
      const answer = loadAnthropicJson(name);
      expect(isPlainAnthropicResponse(answer), name).toBe(true);
      expect(anthropicMessagesResponseSchema.safeParse(answer).success).toBe(true);
    }
  });

  it('takes block types it does not read (redacted thinking, server tools), as the schema does', () => {
    const base = { id: 'msg_1', model: 'claude', stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 } };
    for (const content of [[{ type: 'redacted_thinking', data: 'x' }], [{ type: 'server_tool_use', id: 's', name: 'web_search', input: {} }]]) {
      expect(isPlainAnthropicResponse({ ...base, content })).toBe(true);
      expect(anthropicMessagesResponseSchema.safeParse({ ...base, content }).success).toBe(true);
    }
  });

  it('leaves malformed answers to the schema', () => {
    const base = { id: 'msg_1', model: 'claude', stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 } };
    const others = [
      { ...base, content: [{ type: 'text' }] },
      { ...base, content: [{ type: 'thinking', thinking: 'x', signature: 1 }] },
      { ...base, content: [{ type: 'text_delta', text: 'x' }] },
      { ...base, content: [{ type: 3 }] },
      { ...base, content: [{ type: 'tool_use', id: 't', input: {} }] },
      { ...base, content: 'Hello' },
      { content: [{ type: 'text', text: 'Hi' }] },
      { ...base, usage: { input_tokens: '1' }, content: [] },
      [],
    ];
    for (const other of others) expect(isPlainAnthropicResponse(other), JSON.stringify(other)).toBe(false);
  });

  it('accepts nothing the schema rejects, whatever value any field takes', () => {
    const recorded = ['anthropic-text', 'anthropic-tool-call', 'anthropic-thinking'].map(loadAnthropicJson);
    expect(expectCheckNoLooserThanSchema(isPlainAnthropicResponse, anthropicMessagesResponseSchema, recorded)).toBeGreaterThan(100);
  });
});
