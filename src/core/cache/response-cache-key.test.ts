import { describe, expect, it } from 'vitest';
import type { ChatCall } from '../../spec/chat-call.js';
import { canonicalJson } from './canonical-json.js';
import { pinnedVersionOf, responseCacheKey, type ResponseCacheKeyInput } from './response-cache-key.js';

function baseCall(): ChatCall {
  return {
    messages: [
      { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
      { role: 'user', content: [{ type: 'text', text: 'What is the capital of France?' }] },
    ],
    tools: [{ type: 'function', name: 'lookup', description: 'Look a fact up', parameters: { type: 'object', properties: { q: { type: 'string' } } } }],
    toolChoice: { type: 'auto' },
    temperature: 0,
    maxOutputTokens: 100,
  };
}

function input(overrides: Partial<ResponseCacheKeyInput> = {}): ResponseCacheKeyInput {
  return {
    workload: 'faq',
    model: 'chat',
    deployments: [{ id: 'openai/gpt-4o', model: 'gpt-4o-2024-08-06', version: undefined }],
    call: baseCall(),
    ...overrides,
  };
}

const key = (overrides: Partial<ResponseCacheKeyInput> = {}) => responseCacheKey(input(overrides));
const withCall = (change: Partial<ChatCall>) => key({ call: { ...baseCall(), ...change } });

describe('canonicalJson', () => {
  it('sorts keys at every depth, drops undefined members and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: undefined }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"z":1}]},"b":1}');
    expect(canonicalJson([undefined, 'x'])).toBe('[null,"x"]');
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
  });
});

describe('responseCacheKey', () => {
  it('is a SHA-256 hex digest, the same for the same request however it was built', () => {
    const first = key();
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(key()).toBe(first);
    // Same data, other property order, explicit undefined members.
    const reordered: ChatCall = {
      maxOutputTokens: 100,
      temperature: 0,
      toolChoice: { type: 'auto' },
      tools: [{ parameters: { properties: { q: { type: 'string' } }, type: 'object' }, description: 'Look a fact up', name: 'lookup', type: 'function' }],
      messages: baseCall().messages,
      topP: undefined,
    };
    expect(key({ call: reordered })).toBe(first);
  });

  it('ignores what does not shape the answer: abort signal, end-user id, usage reporting', () => {
    const first = key();
    expect(withCall({ abortSignal: new AbortController().signal, user: 'user-42', includeUsage: true })).toBe(first);
  });

  it('changes with every generation parameter', () => {
    const variants: Array<Partial<ChatCall>> = [
      { messages: [{ role: 'user', content: [{ type: 'text', text: 'What is the capital of Spain?' }] }] },
      { messages: [...baseCall().messages].reverse() },
      { tools: [] },
      { tools: undefined },
      { toolChoice: { type: 'required' } },
      { toolChoice: { type: 'tool', toolName: 'lookup' } },
      { parallelToolCalls: false },
      { responseFormat: { type: 'json' } },
      { responseFormat: { type: 'json-schema', name: 'answer', schema: { type: 'object' } } },
      { temperature: 0.0001 },
      { topP: 0.9 },
      { topK: 40 },
      { maxOutputTokens: 101 },
      { stopSequences: ['\n'] },
      { seed: 7 },
      { frequencyPenalty: 0.5 },
      { presencePenalty: 0.5 },
      { logprobs: true },
      { topLogprobs: 2 },
      { reasoningEffort: 'high' },
      { providerOptions: { anthropic: { thinking: { type: 'enabled', budgetTokens: 1024 } } } },
      { headers: { 'anthropic-beta': 'some-feature' } },
      { unsupportedSettings: 'error' },
    ];
    const keys = new Set([key(), ...variants.map((variant) => withCall(variant))]);
    expect(keys.size).toBe(variants.length + 1);
  });

  it('changes with the route and with the pinned deployment versions', () => {
    const first = key();
    const deployment = { id: 'openai/gpt-4o', model: 'gpt-4o-2024-08-06', version: undefined };
    const others = [
      key({ workload: 'other' }),
      key({ workload: undefined }),
      key({ model: 'chat-large' }),
      key({ deployments: [{ ...deployment, model: 'gpt-4o-2024-11-20' }] }),
      key({ deployments: [{ ...deployment, version: '2024-11-20' }] }),
      key({ deployments: [{ ...deployment, id: 'azure/gpt-4o' }] }),
      key({ deployments: [deployment, { id: 'azure/gpt-4o', model: 'gpt-4o', version: undefined }] }),
    ];
    expect(new Set([first, ...others]).size).toBe(others.length + 1);
  });

  it('names the pinned version by model id and version', () => {
    expect(pinnedVersionOf({ model: 'gpt-4o-2024-08-06' })).toBe('gpt-4o-2024-08-06');
    expect(pinnedVersionOf({ model: 'llama', version: 'rev-3' })).toBe('llama@rev-3');
  });
});
