import { describe, expect, it } from 'vitest';
import type { ChatCall } from '../../../spec/chat-call.js';
import type { RoutingContext } from '../router.js';
import { learnedRouterConfigSchema } from './learned-config.js';
import { createLearnedRouter } from './learned-router.js';
import type { LearnedRouterModel } from './learned-router-model.js';
import type { RouterArtifact } from './router-artifact-schema.js';
import { routerInputFromCall, type RouterInput } from './router-input.js';

/** A model whose score is read from the prompt ("score=0.7"), recording what it was asked. */
function fakeModel(threshold: number): LearnedRouterModel & { seen: RouterInput[] } {
  const seen: RouterInput[] = [];
  return {
    seen,
    artifact: { threshold } as RouterArtifact,
    score(input) {
      seen.push(input);
      return Number(/score=([\d.]+)/.exec(input.prompt)?.[1] ?? 0);
    },
  };
}

function contextFor(call: ChatCall): RoutingContext {
  return { call, workload: 'default', metadata: {}, inputTokens: () => 0 };
}

function userCall(...texts: string[]): ChatCall {
  return { messages: texts.map((text) => ({ role: 'user' as const, content: [{ type: 'text' as const, text }] })) };
}

describe('createLearnedRouter', () => {
  it('sends scores above the artifact threshold to the strong model and the rest to the weak one', () => {
    const router = createLearnedRouter(fakeModel(0.42), { weak: 'llama-8b', strong: 'gpt-4o' });
    expect(router.decide(contextFor(userCall('score=0.71')))).toEqual({
      kind: 'models',
      models: ['gpt-4o'],
      router: 'learned',
      reason: 'learned score 0.71 > 0.42 → gpt-4o',
      score: 0.71,
    });
    expect(router.decide(contextFor(userCall('score=0.42')))).toMatchObject({ models: ['llama-8b'], reason: 'learned score 0.42 <= 0.42 → llama-8b' });
  });

  it('lets the configured threshold override the artifact and cascades inside the band', () => {
    const router = createLearnedRouter(fakeModel(0.42), { weak: 'small', strong: 'big', threshold: 0.8, cascadeBetween: [0.3, 0.6] });
    expect(router.decide(contextFor(userCall('score=0.7')))).toMatchObject({ kind: 'models', models: ['small'] });
    expect(router.decide(contextFor(userCall('score=0.9')))).toMatchObject({ kind: 'models', models: ['big'] });
    expect(router.decide(contextFor(userCall('score=0.45')))).toMatchObject({ kind: 'cascade', tiers: ['small', 'big'], router: 'learned', score: 0.45 });
    expect(router.decide(contextFor(userCall('score=0.2')))).toMatchObject({ kind: 'models', models: ['small'] });
  });

  it('scores the last user text, with earlier user turns as context and non-text parts ignored', () => {
    const model = fakeModel(0.5);
    const router = createLearnedRouter(model, { weak: 'small', strong: 'big' });
    router.decide(
      contextFor({
        messages: [
          { role: 'system', content: [{ type: 'text', text: 'be brief' }] },
          { role: 'user', content: [{ type: 'text', text: 'first question' }] },
          { role: 'assistant', content: [{ type: 'text', text: 'an answer' }] },
          { role: 'user', content: [{ type: 'image', url: 'https://example.com/a.png' }, { type: 'text', text: 'score=0.9 follow-up' }] },
        ],
      }),
    );
    expect(model.seen).toEqual([{ prompt: 'score=0.9 follow-up', previousTurns: ['first question'] }]);
    expect(routerInputFromCall(userCall('only'))).toEqual({ prompt: 'only' });
  });

  it('rejects an empty cascade band', () => {
    expect(() => createLearnedRouter(fakeModel(0.5), { weak: 'a', strong: 'b', cascadeBetween: [0.6, 0.6] })).toThrow(/lo < hi/);
  });
});

describe('learnedRouterConfigSchema', () => {
  it('accepts the documented block and rejects unknown keys and inverted bands', () => {
    const valid = { artifact: 'routers/gsm8k.json', weak: 'llama', strong: 'gpt-4o', threshold: 0.4, cascade_between: [0.3, 0.5] };
    expect(learnedRouterConfigSchema.parse(valid)).toEqual(valid);
    expect(learnedRouterConfigSchema.safeParse({ ...valid, treshold: 0.4 }).error?.issues[0]).toMatchObject({ code: 'unrecognized_keys' });
    expect(learnedRouterConfigSchema.safeParse({ ...valid, cascade_between: [0.5, 0.3] }).error?.issues[0]?.message).toBe('expected [lo, hi] with lo < hi');
    expect(learnedRouterConfigSchema.safeParse({ ...valid, threshold: 2 }).success).toBe(false);
  });
});
