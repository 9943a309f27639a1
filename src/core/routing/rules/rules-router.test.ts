import { describe, expect, it, vi } from 'vitest';
import type { ChatCall } from '../../../spec/chat-call.js';
import type { RoutingContext } from '../router.js';
import { checkRuleTargets } from './check-rule-targets.js';
import { routingRulesSchema, type RoutingRule } from './rules-config.js';
import { createRulesRouter } from './rules-router.js';
import { createRoutingContext, createTokenizerForModel, routingHintsFrom } from './routing-context.js';

const userCall = (text: string, extra: Partial<ChatCall> = {}): ChatCall => ({ messages: [{ role: 'user', content: [{ type: 'text', text }] }], ...extra });

/** A context with a fixed token count, counting how often tokens were asked for. */
function contextOf(call: ChatCall, overrides: { task?: string; metadata?: Record<string, string>; tokens?: number } = {}) {
  const inputTokens = vi.fn((_model: string) => overrides.tokens ?? 100);
  const context: RoutingContext = { call, workload: 'support', task: overrides.task, metadata: overrides.metadata ?? {}, inputTokens };
  return { context, inputTokens };
}

const parseRules = (raw: unknown): RoutingRule[] => routingRulesSchema.parse(raw);

describe('rule conditions', () => {
  const router = createRulesRouter(
    parseRules([
      { name: 'long-input', when: { input_tokens: { above: 8000 } }, model: 'claude-sonnet' },
      { when: { task: ['code', 'legal'] }, model: 'gpt-4o', fallbacks: ['claude-sonnet'] },
      { name: 'tools', when: { has: ['tools', 'images'] }, model: 'gpt-4o' },
      { name: 'json', when: { has: ['json_schema', 'json_object'] }, model: 'gpt-4o-mini' },
      { name: 'premium', when: { metadata: { tier: 'premium' } }, cascade: true },
      { name: 'chatty', when: { messages: { at_least: 3, at_most: 5 } }, model: 'llama' },
      { name: 'short', when: { input_tokens: { below: 10 } }, model: 'llama' },
    ]),
    { primaryModel: 'gpt-4o-mini', cascadeTiers: ['llama', 'gpt-4o'] },
  );

  it('input_tokens: counts with the primary model and names the count in the reason', () => {
    const { context, inputTokens } = contextOf(userCall('long'), { tokens: 9120 });
    expect(router.decide(context)).toEqual({ kind: 'models', models: ['claude-sonnet'], router: 'rules', reason: 'rule long-input: input_tokens 9120 > 8000' });
    expect(inputTokens).toHaveBeenCalledWith('gpt-4o-mini');
    expect(router.decide(contextOf(userCall('x'), { tokens: 8000 }).context)).toBeUndefined();
    expect(router.decide(contextOf(userCall('x'), { tokens: 9 }).context)?.reason).toBe('rule short: input_tokens 9 < 10');
  });

  it('task: any of the listed tags; default rule names; fallbacks follow the model', () => {
    expect(router.decide(contextOf(userCall('x'), { task: 'legal' }).context)).toEqual({
      kind: 'models',
      models: ['gpt-4o', 'claude-sonnet'],
      router: 'rules',
      reason: 'rule rule-1: task legal',
    });
    expect(router.decide(contextOf(userCall('x'), { task: 'chitchat' }).context)).toBeUndefined();
  });

  it('has: tools, images, json_schema, json_object', () => {
    const tool = { type: 'function' as const, name: 'f', parameters: {} };
    expect(router.decide(contextOf(userCall('x', { tools: [tool] })).context)?.reason).toBe('rule tools: has tools');
    const image: ChatCall = { messages: [{ role: 'user', content: [{ type: 'image', url: 'https://example.com/a.png' }] }] };
    expect(router.decide(contextOf(image).context)?.reason).toBe('rule tools: has images');
    const schema = userCall('x', { responseFormat: { type: 'json-schema', name: 'a', schema: {} } });
    expect(router.decide(contextOf(schema).context)?.reason).toBe('rule json: has json_schema');
    expect(router.decide(contextOf(userCall('x', { responseFormat: { type: 'json' } })).context)?.reason).toBe('rule json: has json_object');
    expect(router.decide(contextOf(userCall('x', { tools: [] })).context)).toBeUndefined();
  });

  it('metadata: exact match hands over to the cascade', () => {
    expect(router.decide(contextOf(userCall('x'), { metadata: { tier: 'premium' } }).context)).toEqual({
      kind: 'cascade',
      tiers: ['llama', 'gpt-4o'],
      router: 'rules',
      reason: 'rule premium: metadata tier=premium',
    });
    expect(router.decide(contextOf(userCall('x'), { metadata: { tier: 'free' } }).context)).toBeUndefined();
  });

  it('messages: every bound of the range must hold', () => {
    const messages = (count: number): ChatCall => ({ messages: Array.from({ length: count }, () => userCall('x').messages[0]!) });
    expect(router.decide(contextOf(messages(3)).context)?.reason).toBe('rule chatty: messages 3 >= 3 and <= 5');
    expect(router.decide(contextOf(messages(6)).context)).toBeUndefined();
    expect(router.decide(contextOf(messages(2)).context)).toBeUndefined();
  });
});

describe('rule semantics', () => {
  it('ANDs the conditions of one rule and tokenizes only once the cheap ones matched', () => {
    const router = createRulesRouter(parseRules([{ name: 'big-code', when: { task: 'code', input_tokens: { at_least: 500 } }, model: 'gpt-4o' }]), {
      primaryModel: 'gpt-4o-mini',
    });
    const wrongTask = contextOf(userCall('x'), { task: 'chat', tokens: 900 });
    expect(router.decide(wrongTask.context)).toBeUndefined();
    expect(wrongTask.inputTokens).not.toHaveBeenCalled();
    expect(router.decide(contextOf(userCall('x'), { task: 'code', tokens: 499 }).context)).toBeUndefined();
    expect(router.decide(contextOf(userCall('x'), { task: 'code', tokens: 500 }).context)?.reason).toBe('rule big-code: task code, input_tokens 500 >= 500');
  });

  it('requires every metadata key to match (a list means any of its values)', () => {
    const router = createRulesRouter(parseRules([{ when: { metadata: { tier: ['gold', 'platinum'], region: 'eu' } }, model: 'eu-model' }]), { primaryModel: 'm' });
    expect(router.decide(contextOf(userCall('x'), { metadata: { tier: 'gold', region: 'eu' } }).context)?.reason).toBe('rule rule-0: metadata tier=gold region=eu');
    expect(router.decide(contextOf(userCall('x'), { metadata: { tier: 'gold' } }).context)).toBeUndefined();
  });

  it('lets the first matching rule win', () => {
    const router = createRulesRouter(
      parseRules([
        { name: 'first', when: { task: 'code' }, model: 'a' },
        { name: 'second', when: { task: 'code' }, model: 'b' },
      ]),
      { primaryModel: 'm' },
    );
    expect(router.decide(contextOf(userCall('x'), { task: 'code' }).context)?.reason).toBe('rule first: task code');
  });

  it('refuses to build a cascade rule without cascade tiers', () => {
    expect(() => createRulesRouter(parseRules([{ name: 'c', when: { task: 'x' }, cascade: true }]), { primaryModel: 'm' })).toThrow(/no cascade tiers/);
  });
});

describe('rules schema', () => {
  const issuesOf = (raw: unknown) => routingRulesSchema.safeParse(raw).error?.issues.map((issue) => ({ path: issue.path, message: issue.message, code: issue.code }));

  it('rejects unknown keys with the path named', () => {
    expect(issuesOf([{ when: { input_token: { above: 1 } }, model: 'a' }])).toEqual([
      expect.objectContaining({ code: 'unrecognized_keys', path: [0, 'when'] }),
      expect.objectContaining({ path: [0, 'when'], message: 'expected at least one condition' }),
    ]);
    expect(issuesOf([{ when: { task: 'x' }, model: 'a', priority: 1 }])).toEqual([expect.objectContaining({ code: 'unrecognized_keys', path: [0] })]);
    expect(issuesOf([{ when: { input_tokens: { over: 5 } }, model: 'a' }])?.[0]).toMatchObject({ code: 'unrecognized_keys', path: [0, 'when', 'input_tokens'] });
  });

  it('requires exactly one of model and cascade, and fallbacks only with a model', () => {
    expect(issuesOf([{ when: { task: 'x' } }])).toEqual([expect.objectContaining({ path: [0, 'model'], message: 'expected exactly one of model or cascade: true' })]);
    expect(issuesOf([{ when: { task: 'x' }, model: 'a', cascade: true }])).toEqual([expect.objectContaining({ path: [0, 'cascade'] })]);
    expect(issuesOf([{ when: { task: 'x' }, cascade: true, fallbacks: ['b'] }])).toEqual([expect.objectContaining({ path: [0, 'fallbacks'] })]);
  });

  it('rejects empty conditions, empty ranges and unknown features', () => {
    expect(issuesOf([{ when: {}, model: 'a' }])).toEqual([expect.objectContaining({ path: [0, 'when'], message: 'expected at least one condition' })]);
    expect(issuesOf([{ when: { messages: {} }, model: 'a' }])?.[0]).toMatchObject({ path: [0, 'when', 'messages'] });
    expect(issuesOf([{ when: { has: ['audio'] }, model: 'a' }])?.[0]).toMatchObject({ path: [0, 'when', 'has', 0] });
    expect(issuesOf([{ when: { input_tokens: { above: -1 } }, model: 'a' }])?.[0]).toMatchObject({ path: [0, 'when', 'input_tokens', 'above'] });
  });
});

describe('checkRuleTargets', () => {
  const models = { 'gpt-4o': { kind: 'chat' as const }, 'claude-sonnet': { kind: 'chat' as const }, embed: { kind: 'embedding' as const } };
  const path = ['workloads', 'support', 'routing', 'rules'];

  it('reports unknown, embedding and self-referencing targets with their paths', () => {
    const rules = parseRules([
      { name: 'a', when: { task: 'x' }, model: 'gpt-5', fallbacks: ['claude-sonnet', 'embed'] },
      { name: 'a', when: { task: 'y' }, model: 'gpt-4o', fallbacks: ['gpt-4o'] },
      { when: { task: 'z' }, cascade: true },
    ]);
    expect(checkRuleTargets(rules, models, path, { hasCascade: false })).toEqual([
      { path: [...path, 0, 'model'], message: "unknown model 'gpt-5'; expected one of: gpt-4o, claude-sonnet, embed" },
      { path: [...path, 0, 'fallbacks', 1], message: "model 'embed' is an embedding model; expected a chat model" },
      { path: [...path, 1, 'name'], message: "duplicate rule name 'a' (also rule 0)" },
      { path: [...path, 1, 'fallbacks', 0], message: "rule falls back to its own model 'gpt-4o'" },
      { path: [...path, 2, 'cascade'], message: 'this workload has no cascade configured to hand requests to' },
    ]);
  });

  it('accepts valid rules', () => {
    const rules = parseRules([{ when: { task: 'x' }, model: 'gpt-4o', fallbacks: ['claude-sonnet'] }, { when: { task: 'z' }, cascade: true }]);
    expect(checkRuleTargets(rules, models, path, { hasCascade: true })).toEqual([]);
  });
});

describe('routing context', () => {
  it('counts input tokens lazily with the model’s tokenizer, cached per family', () => {
    const tokenizerForModel = createTokenizerForModel({
      small: { deployments: [{ model: 'meta-llama/Llama-3.1-8B-Instruct', providerConfig: { type: 'together' } }] },
      big: { deployments: [{ model: 'claude-sonnet-4-5', providerConfig: { type: 'anthropic' } }] },
    });
    expect(tokenizerForModel('small')).toBe('llama');
    expect(tokenizerForModel('big')).toBe('anthropic');
    expect(tokenizerForModel('missing')).toBe('generic');
    const family = vi.fn(tokenizerForModel);
    const context = createRoutingContext(userCall('a'.repeat(350)), { workload: 'w', tokenizerForModel: family });
    expect(family).not.toHaveBeenCalled();
    // 350 bytes × 1.15 / 3.5 = 115, + 5 framing.
    expect(context.inputTokens('small')).toBe(120);
    expect(context.inputTokens('big')).toBe(120);
    expect(context.metadata).toEqual({});
  });

  it('reads task and metadata from headers over the body', () => {
    const headers = new Headers({ 'x-switchyard-task': 'code', 'X-Switchyard-Meta-Tier': 'premium', 'content-type': 'application/json' });
    expect(routingHintsFrom(headers, { tier: 'free', team: 'search', count: 3 })).toEqual({ task: 'code', metadata: { tier: 'premium', team: 'search' } });
    expect(routingHintsFrom({ 'x-switchyard-meta-region': 'eu' }, { task: 'legal' })).toEqual({ task: 'legal', metadata: { task: 'legal', region: 'eu' } });
    expect(routingHintsFrom({}, undefined)).toEqual({ metadata: {} });
  });
});
