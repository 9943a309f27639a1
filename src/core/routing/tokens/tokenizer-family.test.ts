import { describe, expect, it } from 'vitest';
import { tokenizerFor } from './tokenizer-family.js';

describe('tokenizerFor', () => {
  it.each([
    ['gpt-4o-2024-08-06', 'openai', 'o200k'],
    ['gpt-4o-mini', 'azure', 'o200k'],
    ['gpt-4.1-nano', 'openai', 'o200k'],
    ['gpt-5-mini', 'openai', 'o200k'],
    ['o3-mini', 'openai', 'o200k'],
    ['o1', 'openai', 'o200k'],
    ['ft:gpt-4o-mini:acme::abc123', 'openai', 'o200k'],
    ['openai/gpt-oss-120b', 'groq', 'o200k'],
    ['gpt-4-turbo', 'openai', 'cl100k'],
    ['gpt-3.5-turbo-0125', 'openai', 'cl100k'],
    ['text-embedding-3-small', 'openai', 'cl100k'],
    ['claude-sonnet-4-5-20250929', 'anthropic', 'anthropic'],
    ['anthropic/claude-3.5-sonnet', 'openrouter', 'anthropic'],
    ['models/gemini-2.5-pro', 'gemini', 'gemini'],
    ['meta-llama/Meta-Llama-3-8B-Instruct', 'together', 'llama'],
    ['llama3.1:8b', 'ollama', 'llama'],
    ['mistralai/Mixtral-8x7B-Instruct-v0.1', 'vllm', 'mistral'],
    ['Qwen/Qwen2.5-72B-Instruct', 'vllm', 'qwen'],
  ])('%s on %s → %s', (model, provider, family) => {
    expect(tokenizerFor(model, provider)).toBe(family);
  });

  it('falls back to the provider type, then to the conservative generic estimate', () => {
    expect(tokenizerFor('my-custom-model', 'openai')).toBe('o200k');
    expect(tokenizerFor('my-custom-model', 'anthropic')).toBe('anthropic');
    expect(tokenizerFor('my-custom-model', 'vllm')).toBe('generic');
    // Not confused by names that merely contain o-digits.
    expect(tokenizerFor('phi-3-mini', 'vllm')).toBe('generic');
  });
});
