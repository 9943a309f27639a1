import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../spec/chat-call.js';
import { routerInputFromCall } from '../../core/routing/learned/router-input.js';
import { renderShadowPrompt, routerInputFromShadowPrompt, shadowPromptBlocks } from './shadow-prompt.js';

const conversation: ChatMessage[] = [
  { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
  { role: 'user', content: [{ type: 'text', text: 'first question' }, { type: 'image', url: 'https://example.com/a.png' }, { type: 'text', text: 'with a second part' }] },
  { role: 'assistant', content: [{ type: 'text', text: 'Looking it up.' }, { type: 'tool-call', toolCallId: 'c1', toolName: 'search', input: '{"q":"x"}' }] },
  { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'search', output: 'found' }] },
  { role: 'user', content: [{ type: 'text', text: 'follow-up\n\nwith a blank line' }] },
];

describe('shadow prompt', () => {
  it('renders the conversation as role-headed blocks', () => {
    expect(renderShadowPrompt(conversation)).toBe(
      '[system]\nBe brief.\n\n' +
        '[user]\nfirst question\nwith a second part\n\n' +
        '[assistant]\nLooking it up.\n[tool call] search({"q":"x"})\n\n' +
        '[tool]\n[tool result of search] found\n\n' +
        '[user]\nfollow-up\n\nwith a blank line',
    );
  });

  it('reads back the learned router input exactly as the live router builds it', () => {
    const text = renderShadowPrompt(conversation);
    expect(routerInputFromShadowPrompt(text)).toEqual(routerInputFromCall({ messages: conversation }));
    expect(routerInputFromShadowPrompt(text)).toEqual({ prompt: 'follow-up\n\nwith a blank line', previousTurns: ['first question\nwith a second part'] });
    expect(shadowPromptBlocks(text)?.map((block) => block.role)).toEqual(['system', 'user', 'assistant', 'tool', 'user']);
  });

  it('takes text without role headers as a single user turn', () => {
    expect(routerInputFromShadowPrompt('just a prompt')).toEqual({ prompt: 'just a prompt' });
    expect(routerInputFromShadowPrompt('[assistant]\nonly an answer')).toEqual({ prompt: '' });
  });
});
