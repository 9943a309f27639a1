import { describe, expect, it } from 'vitest';
import type { ChatCall, TextPart } from '../../spec/chat-call.js';
import { promptCacheSchema } from './cache-config.js';
import { withAnthropicPromptCache } from './anthropic-prompt-cache.js';

const config = promptCacheSchema.parse({ enabled: true });
const long = (label: string) => `${label}: ${'lorem ipsum '.repeat(400)}`;
const mark = { anthropic: { cacheControl: { type: 'ephemeral' } } };

function call(): ChatCall {
  return {
    messages: [
      { role: 'system', content: [{ type: 'text', text: 'You are a contracts analyst.' }, { type: 'text', text: 'Answer in English.' }, { type: 'text', text: '' }] },
      { role: 'user', content: [{ type: 'text', text: long('contract A') }, { type: 'text', text: 'short question' }, { type: 'text', text: long('contract B') }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Noted.' }] },
      { role: 'user', content: [{ type: 'text', text: long('a later document') }] },
    ],
    tools: [
      { type: 'function', name: 'search', parameters: { type: 'object' } },
      { type: 'function', name: 'cite', parameters: { type: 'object' } },
    ],
  };
}

const marksOf = (prepared: ChatCall) => ({
  tools: prepared.tools?.map((tool) => tool.providerOptions),
  messages: prepared.messages.map((message) => message.content.map((part) => ('providerOptions' in part ? part.providerOptions : undefined))),
});

describe('withAnthropicPromptCache', () => {
  it('marks the last tool, the last non-empty system part and long documents of the first user message', () => {
    const original = call();
    const snapshot = structuredClone(original);
    const prepared = withAnthropicPromptCache(original, config);
    expect(marksOf(prepared)).toEqual({
      tools: [undefined, mark],
      messages: [[undefined, mark, undefined], [mark, undefined, mark], [undefined], [undefined]],
    });
    // The caller's call (already hashed for the response cache) is left alone.
    expect(original).toEqual(snapshot);
  });

  it('stops at four breakpoints, counting the client\'s own, latest documents first', () => {
    const base = call();
    const first = base.messages[1]!.content as TextPart[];
    first.push({ type: 'text', text: long('contract C') });
    // The client marked the assistant turn itself: three are left for the gateway.
    (base.messages[2]!.content[0] as TextPart).providerOptions = mark;
    const prepared = withAnthropicPromptCache(base, config);
    // Tools and system come first (they open the cached prefix), then the latest document.
    expect(marksOf(prepared).tools).toEqual([undefined, mark]);
    expect(marksOf(prepared).messages[0]).toEqual([undefined, mark, undefined]);
    expect(marksOf(prepared).messages[1]).toEqual([undefined, undefined, undefined, mark]);
  });

  it('leaves a call that already has four breakpoints unchanged, and does not mark twice', () => {
    const full: ChatCall = { messages: call().messages, tools: call().tools!.map((tool) => ({ ...tool, providerOptions: mark })) };
    (full.messages[3]!.content[0] as TextPart).providerOptions = { anthropic: { cache_control: { type: 'ephemeral' } } };
    (full.messages[2]!.content[0] as TextPart).providerOptions = mark;
    expect(withAnthropicPromptCache(full, config)).toBe(full);

    const marked = withAnthropicPromptCache(call(), config);
    expect(marksOf(withAnthropicPromptCache(marked, config))).toEqual(marksOf(marked));
  });

  it('uses the one-hour TTL when configured and skips short prompts', () => {
    const prepared = withAnthropicPromptCache(
      { messages: [{ role: 'system', content: [{ type: 'text', text: 'Brief.' }] }, { role: 'user', content: [{ type: 'text', text: 'hi' }] }] },
      promptCacheSchema.parse({ ttl: '1h' }),
    );
    expect(marksOf(prepared).messages).toEqual([[{ anthropic: { cacheControl: { type: 'ephemeral', ttl: '1h' } } }], [undefined]]);
  });
});
