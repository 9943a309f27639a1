import { describe, expect, it } from 'vitest';
import { CallTokenCounts } from './count-input-tokens.js';
import { preloadTokenizersFor } from './deployment-tokenizer.js';
import { estimateTextTokens } from './estimate-text-tokens.js';
import { loadOpenAITokenizer, openAITokenizerIfReady } from './openai-encoders.js';

// Its own file, tests in order: they need a process where no encoding has been loaded yet.
describe('lazy loading', () => {
  it('answers with the conservative estimate until the encoding is loaded, then exactly', async () => {
    const call = { messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hello world' }] }] };
    const counts = new CallTokenCounts(call);
    expect(openAITokenizerIfReady('cl100k')).toBeUndefined();
    // Before load: the estimate (5 per message + 11 bytes × 1.2 / 3 = 5 for the text).
    expect(counts.count('cl100k')).toBe(5 + estimateTextTokens('hello world', 'cl100k'));
    expect(counts.count('cl100k')).toBe(10);
    // That ask started a load; the request did not keep the estimate, so its next ask is exact.
    const counter = await loadOpenAITokenizer('cl100k');
    expect(openAITokenizerIfReady('cl100k')).toBe(counter);
    expect(counts.count('cl100k')).toBe(3 + 1 + 2 + 3);
  });

  it('preloads the encodings a config’s deployments need', async () => {
    expect(openAITokenizerIfReady('o200k')).toBeUndefined();
    await preloadTokenizersFor([
      { model: 'claude-3-haiku', providerConfig: { type: 'anthropic' } },
      { model: 'gpt-4o-2024-08-06', providerConfig: { type: 'openai' } },
    ]);
    expect(openAITokenizerIfReady('o200k')?.count('hello world')).toBe(2);
  });

  it('shares one load between concurrent callers', async () => {
    const [first, second] = await Promise.all([loadOpenAITokenizer('o200k'), loadOpenAITokenizer('o200k')]);
    expect(first).toBe(second);
  });
});
