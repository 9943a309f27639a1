import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../spec/chat-call.js';
import { InvalidRequestError } from '../../spec/errors.js';
import { convertToGeminiContents } from './convert-to-gemini-contents.js';

const plain = { requiresThoughtSignatures: false };

describe('convertToGeminiContents', () => {
  it('gathers every system message into systemInstruction, in order', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: [{ type: 'text', text: 'One.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      { role: 'system', content: [{ type: 'text', text: 'Two.' }] },
    ];
    expect(convertToGeminiContents(messages, plain)).toEqual({
      systemInstruction: { parts: [{ text: 'One.' }, { text: 'Two.' }] },
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
    });
  });

  it('leaves systemInstruction out when there is no system message', () => {
    expect(convertToGeminiContents([{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], plain)).not.toHaveProperty(
      'systemInstruction',
    );
  });

  it('drops empty assistant text and reasoning, and skips an assistant turn left empty', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: [{ type: 'text', text: 'A' }] },
      { role: 'assistant', content: [{ type: 'reasoning', text: 'thinking', signature: 'sig' }, { type: 'text', text: '' }] },
      { role: 'user', content: [{ type: 'text', text: 'B' }] },
    ];
    expect(convertToGeminiContents(messages, plain).contents).toEqual([{ role: 'user', parts: [{ text: 'A' }, { text: 'B' }] }]);
  });

  it('keeps the media type of data URLs with parameters', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: [{ type: 'image', url: 'data:image/jpeg;name=x.jpg;base64,/9j/4AAQ' }] },
    ];
    expect(convertToGeminiContents(messages, plain).contents[0]?.parts).toEqual([
      { inlineData: { mimeType: 'image/jpeg', data: '/9j/4AAQ' } },
    ]);
  });

  it('rejects a data URL that is not base64', () => {
    const messages: ChatMessage[] = [{ role: 'user', content: [{ type: 'image', url: 'data:image/svg+xml,<svg/>' }] }];
    expect(() => convertToGeminiContents(messages, plain)).toThrow(InvalidRequestError);
  });

  it('names the offending tool result in the error', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: [{ type: 'text', text: 'A' }] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_x', output: 'done' }] },
    ];
    expect(() => convertToGeminiContents(messages, plain)).toThrow(
      expect.objectContaining({ param: 'messages[1].content[0].tool_call_id', message: expect.stringContaining('call_x') }),
    );
  });

  it('adds the skip signature only when the model requires thought signatures', () => {
    const messages: ChatMessage[] = [
      { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'f', input: '{}' }] },
    ];
    expect(convertToGeminiContents(messages, { requiresThoughtSignatures: true }).contents[0]?.parts).toEqual([
      { functionCall: { id: 'c1', name: 'f', args: {} }, thoughtSignature: 'skip_thought_signature_validator' },
    ]);
    expect(convertToGeminiContents(messages, plain).contents[0]?.parts).toEqual([{ functionCall: { id: 'c1', name: 'f', args: {} } }]);
  });
});
