import { describe, expect, it } from 'vitest';
import type { ChatResult } from '../../../../spec/chat-result.js';
import { answerText } from '../cascade-check.js';
import { detectRefusal, refusalCheck } from './refusal-check.js';

function result(text: string, unified: ChatResult['finishReason']['unified'] = 'stop'): ChatResult {
  return { content: text === '' ? [] : [{ type: 'text', text }], finishReason: { unified, raw: unified }, usage: { inputTokens: 1, outputTokens: 1 }, response: {}, warnings: [] };
}
const refused = (text: string) => detectRefusal(result(text), text);

describe('refusal detection', () => {
  it.each([
    "I can't help with that request.",
    'I cannot assist with creating malware.',
    "I’m sorry, but I can’t help with that.",
    "Sorry, I won't provide instructions for that.",
    'I am unable to answer questions about medical dosages.',
    "I'm not able to share personal information about private individuals.",
    'As an AI language model, I do not have opinions.',
    'As an AI, I cannot browse the internet.',
    "I don't know.",
    'I do not know the answer to that question.',
    "I'm sorry, I don't know what the capital of that region is.",
    "I don't have enough information to determine the answer.",
    'Unfortunately, I must decline this request.',
    "That's not something I can help with.",
    '**I cannot help with this.**',
  ])('flags %j', (text) => {
    expect(refused(text)).toMatch(/^refusal \(/);
  });

  it.each([
    "I'm sorry to hear about your cat. Here is what you can do: keep her warm and call a vet.",
    'The function returns -1 on error. Sorry for the confusion earlier: the index is zero-based.',
    "Here's the fix. I can't stress enough how important it is to close the file handle.",
    "I can't help but notice the loop never ends: change `<=` to `<`.",
    "I don't know about you, but I find recursion elegant. The answer is 42.",
    'As an AI researcher, Turing proposed the imitation game in 1950.',
    'The answer is 42. If this is wrong, I apologise; I cannot verify the source.',
    'Sure! I can help with that. First, install the package.',
    'Step 1: compute 3 × 4 = 12. The model said "I can\'t help with that" in the transcript, which we ignore.',
  ])('does not flag %j', (text) => {
    expect(refused(text)).toBeUndefined();
  });

  it('flags an empty answer and a content-filter stop, but not a tool call without text', () => {
    expect(refused('')).toBe('empty answer');
    expect(refused('   \n')).toBe('empty answer');
    expect(detectRefusal(result('Here is a partial', 'content-filter'), 'Here is a partial')).toBe('finish reason content_filter');
    const toolCall: ChatResult = { ...result(''), content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'search', input: '{}' }] };
    expect(detectRefusal(toolCall, '')).toBeUndefined();
  });

  it('takes a provider-marked refusal at its word, whatever the wording', () => {
    const text = 'That request falls outside what this assistant does.';
    expect(refused(text)).toBeUndefined();
    const marked: ChatResult = { ...result(text), content: [{ type: 'text', text, refusal: true }] };
    expect(detectRefusal(marked, text)).toBe(`refusal (provider): "${text.slice(0, 50)}…"`);
  });

  it('only looks at the opening: a refusal phrase deep in a long answer is not a refusal', () => {
    const long = `${'The derivation goes as follows. '.repeat(10)}I don't know why textbooks skip this step.`;
    expect(refused(long)).toBeUndefined();
  });
});

describe('refusal check', () => {
  it('fails a refusal with its rule in the reason and passes an answer', async () => {
    const check = refusalCheck();
    const run = (text: string) => check.run({ call: { messages: [] }, result: result(text), text: answerText(result(text)), model: 'm', tier: 0, ask: () => Promise.reject(new Error('unused')) });
    expect(await run("I can't help with that.")).toEqual({ pass: false, reason: 'refusal (cannot-help): "I can\'t help with that."' });
    expect(await run('Paris.')).toEqual({ pass: true });
  });
});
