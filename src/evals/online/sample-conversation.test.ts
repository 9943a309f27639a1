import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../spec/chat-call.js';
import { judgeAnswer, judgeMessages, openAIAssistantMessage, openAIMessages } from './sample-conversation.js';

const withImage: ChatMessage[] = [
  { role: 'user', content: [{ type: 'text', text: 'What is in this picture? ' }, { type: 'image', url: 'https://example.com/cat.png' }], name: 'ana' },
];

describe('sample conversation', () => {
  it('shows the judge an image as a marker, but keeps no training conversation for it', () => {
    expect(judgeMessages(withImage)).toEqual([{ role: 'user', content: 'What is in this picture? [image]' }]);
    expect(openAIMessages(withImage)).toBeUndefined();
  });

  it('keeps the user name, and text parts as OpenAI text parts (as the OpenAI adapter sends them)', () => {
    const messages: ChatMessage[] = [{ role: 'user', content: [{ type: 'text', text: 'Hello ' }, { type: 'text', text: 'there' }], name: 'ana' }];
    expect(openAIMessages(messages)).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hello ' }, { type: 'text', text: 'there' }], name: 'ana' }]);
    expect(openAIMessages([{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }])).toEqual([{ role: 'user', content: 'Hi' }]);
  });

  it('leaves reasoning out of the answer and names an empty one', () => {
    const content = [
      { type: 'reasoning', text: 'secret chain of thought' },
      { type: 'text', text: 'Paris.' },
    ] as const;
    expect(judgeAnswer({ content: [...content] })).toBe('Paris.');
    expect(openAIAssistantMessage([...content])).toEqual({ role: 'assistant', content: 'Paris.' });
    expect(judgeAnswer({ content: [{ type: 'reasoning', text: 'hmm' }] })).toBe('(empty answer)');
  });

  it('writes tool calls out for the judge after the text', () => {
    const answer = judgeAnswer({
      content: [
        { type: 'text', text: 'Let me look.' },
        { type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: '{"q":"x"}' },
      ],
    });
    expect(answer).toBe('Let me look.\n[tool call] lookup({"q":"x"})');
  });
});
