import { describe, expect, it } from 'vitest';
import { chatCall, createFakeAdapter, readAllEvents, runtimeWithFakes, textEvents, type FakeAdapter, type FakeStep } from '../../../test/support/fake-adapter.js';
import type { ChatCall } from '../../spec/chat-call.js';
import type { ChatResult } from '../../spec/chat-result.js';
import { ProviderApiError } from '../../spec/errors.js';
import type { StreamEvent } from '../../spec/stream-event.js';
import { buildCascadeChecks } from '../routing/cascade/build-cascade-checks.js';
import { cascadeConfigSchema } from '../routing/cascade/cascade-config.js';
import { CascadeFailedError } from '../routing/cascade/cascade-record.js';
import { resolveRoute } from '../routing/resolve-route.js';
import type { StreamOutcome } from './observe-stream.js';
import { runCascade } from './run-cascade.js';

const YAML = `providers:
  a: { type: simulated }
  b: { type: simulated }
  c: { type: simulated }
  j: { type: simulated }
resilience:
  retry: { max_attempts: 1 }
models:
  small: { deployments: [{ provider: a, model: small }] }
  big: { deployments: [{ provider: b, model: big }] }
  peer: { deployments: [{ provider: c, model: peer }] }
  judge: { deployments: [{ provider: j, model: judge }] }
`;

const outage = (provider: string) => new ProviderApiError('upstream down', { provider, upstreamStatus: 503 });

/** A fake whose generated answers carry log-probabilities. */
function withLogprobs(fake: FakeAdapter, logprob: number): FakeAdapter {
  return {
    ...fake,
    async generate(call: ChatCall): Promise<ChatResult> {
      const result = await fake.generate(call);
      return { ...result, logprobs: [{ token: 'x', logprob }], warnings: [{ type: 'other', message: 'kept' }] };
    },
  };
}

function setup(steps: { small?: FakeStep[]; big?: FakeStep[]; peer?: FakeStep[]; judge?: FakeStep[] }, checks: unknown[], wrap: (fakes: Record<string, FakeAdapter>) => void = () => undefined) {
  const fakes: Record<string, FakeAdapter> = {
    'a/small': createFakeAdapter('a/small', steps.small ?? [{ kind: 'answer', text: 'small answer' }]),
    'b/big': createFakeAdapter('b/big', steps.big ?? [{ kind: 'answer', text: 'big answer' }]),
    'c/peer': createFakeAdapter('c/peer', steps.peer ?? [{ kind: 'answer', text: 'peer answer' }]),
    'j/judge': createFakeAdapter('j/judge', steps.judge ?? [{ kind: 'answer', text: '9' }]),
  };
  wrap(fakes);
  const runtime = runtimeWithFakes(YAML, fakes);
  const config = cascadeConfigSchema.parse({ tiers: ['small', 'big'], checks });
  const tiers = config.tiers.map((model) => resolveRoute(runtime, { model, kind: 'chat' }));
  return { fakes, runtime, tiers, checks: buildCascadeChecks(config.checks) };
}

const textOf = (events: StreamEvent[]) => events.flatMap((event) => (event.type === 'text-delta' ? [event.delta] : [])).join('');

describe('runCascade (generate)', () => {
  it('accepts the first tier when every check passes, without calling the next', async () => {
    const { fakes, runtime, tiers, checks } = setup({ small: [{ kind: 'answer', text: 'ANSWER: 42' }] }, ['refusal', { regex: '^ANSWER:' }]);
    const cascade = await runCascade(runtime, tiers, chatCall(), checks);
    expect(cascade.tier).toBe(0);
    expect(cascade.model).toBe('small');
    expect(cascade.execution.result.content).toEqual([{ type: 'text', text: 'ANSWER: 42' }]);
    expect(cascade.execution.target.deployment.id).toBe('a/small');
    expect(fakes['b/big']!.calls).toHaveLength(0);
    expect(cascade.steps).toMatchObject([{ tier: 0, model: 'small', outcome: 'accepted', usage: { inputTokens: 10, outputTokens: 5 } }]);
    expect(cascade.attempts).toMatchObject([{ deployment: 'a/small', code: 'ok', tier: 0, model: 'small' }]);
  });

  it('escalates when a check fails, recording which check and why, and costs both tiers', async () => {
    const { fakes, runtime, tiers, checks } = setup({ small: [{ kind: 'answer', text: "I can't help with that." }] }, ['refusal', { regex: '^ANSWER:' }]);
    const cascade = await runCascade(runtime, tiers, chatCall(), checks);
    expect(cascade.tier).toBe(1);
    expect(cascade.execution.result.content).toEqual([{ type: 'text', text: 'big answer' }]);
    expect(fakes['b/big']!.calls).toHaveLength(1);
    expect(cascade.steps).toMatchObject([
      { tier: 0, model: 'small', outcome: 'escalated', check: 'refusal', reason: expect.stringContaining('refusal (cannot-help)') },
      { tier: 1, model: 'big', outcome: 'accepted' },
    ]);
    expect(cascade.attempts.map((attempt) => [attempt.deployment, attempt.tier, attempt.code])).toEqual([
      ['a/small', 0, 'ok'],
      ['b/big', 1, 'ok'],
    ]);
    expect(cascade.usageByTier()).toEqual([
      { tier: 0, model: 'small', answer: { inputTokens: 10, outputTokens: 5 }, checks: { inputTokens: undefined, outputTokens: undefined } },
      { tier: 1, model: 'big', answer: { inputTokens: 10, outputTokens: 5 }, checks: { inputTokens: undefined, outputTokens: undefined } },
    ]);
  });

  it('escalates past a tier that fails outright, keeping its failed attempt', async () => {
    const { runtime, tiers, checks } = setup({ small: [{ kind: 'fail', error: outage('a') }] }, ['refusal']);
    const cascade = await runCascade(runtime, tiers, chatCall(), checks);
    expect(cascade.tier).toBe(1);
    expect(cascade.steps).toMatchObject([
      { tier: 0, model: 'small', outcome: 'failed', reason: 'upstream down' },
      { tier: 1, model: 'big', outcome: 'accepted' },
    ]);
    expect(cascade.attempts).toMatchObject([
      { deployment: 'a/small', provider: 'a', code: 'provider_http_error', upstreamStatus: 503, tier: 0 },
      { deployment: 'b/big', code: 'ok', tier: 1 },
    ]);
  });

  it('throws when the last tier fails too, with every attempt of every tier and check', async () => {
    const { runtime, tiers, checks } = setup(
      { small: [{ kind: 'answer', text: '18' }], peer: [{ kind: 'answer', text: '20' }], big: [{ kind: 'fail', error: outage('b') }] },
      [{ agreement: { model: 'peer' } }],
    );
    const failure = await runCascade(runtime, tiers, chatCall(), checks).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(CascadeFailedError);
    const error = failure as CascadeFailedError;
    expect(error.code).toBe('all_targets_failed');
    expect(error.httpStatus).toBe(502);
    expect(error.lastError).toMatchObject({ code: 'provider_http_error', provider: 'b' });
    expect(error.attempts.map((attempt) => [attempt.deployment, attempt.tier, attempt.purpose, attempt.check, attempt.code])).toEqual([
      ['a/small', 0, undefined, undefined, 'ok'],
      ['c/peer', 0, 'check', 'agreement', 'ok'],
      ['b/big', 1, undefined, undefined, 'provider_http_error'],
    ]);
    expect(error.steps).toMatchObject([
      { tier: 0, outcome: 'escalated', check: 'agreement', reason: 'peer sample disagrees (final_answer): "20" vs "18"' },
      { tier: 1, outcome: 'failed' },
    ]);
  });

  it('records agreement samples as check attempts and counts their tokens apart from the answer', async () => {
    const { fakes, runtime, tiers, checks } = setup({ small: [{ kind: 'answer', text: 'It is 18.' }], peer: [{ kind: 'answer', text: '18' }] }, ['refusal', { agreement: { model: 'peer' } }]);
    const cascade = await runCascade(runtime, tiers, chatCall(), checks);
    expect(cascade.tier).toBe(0);
    expect(fakes['c/peer']!.calls[0]).toMatchObject({ temperature: 0.7 });
    expect(cascade.attempts).toMatchObject([
      { deployment: 'a/small', tier: 0, model: 'small' },
      { deployment: 'c/peer', tier: 0, model: 'peer', purpose: 'check', check: 'agreement', usage: { inputTokens: 10, outputTokens: 5 } },
    ]);
    expect(cascade.usageByTier()[0]).toEqual({ tier: 0, model: 'small', answer: { inputTokens: 10, outputTokens: 5 }, checks: { inputTokens: 10, outputTokens: 5 } });
  });

  it('escalates, as unavailable, when a check cannot call its model', async () => {
    const { runtime, tiers, checks } = setup({ judge: [{ kind: 'fail', error: outage('j') }] }, [{ judge: { model: 'judge' } }]);
    const cascade = await runCascade(runtime, tiers, chatCall(), checks);
    expect(cascade.tier).toBe(1);
    expect(cascade.steps[0]).toMatchObject({ outcome: 'escalated', check: 'judge', unavailable: true, reason: 'check could not run: upstream down' });
    expect(cascade.attempts).toMatchObject([
      { deployment: 'a/small', tier: 0 },
      { deployment: 'j/judge', tier: 0, purpose: 'check', check: 'judge', code: 'provider_http_error' },
      { deployment: 'b/big', tier: 1 },
    ]);
  });

  it('asks checked tiers for logprobs when a check needs them, and hands the client none it did not ask for', async () => {
    const { fakes, runtime, tiers, checks } = setup({}, [{ min_mean_logprob: -0.5 }], (all) => {
      all['a/small'] = withLogprobs(all['a/small']!, -0.1);
    });
    const cascade = await runCascade(runtime, tiers, chatCall(), checks);
    expect(cascade.tier).toBe(0);
    expect(fakes['a/small']!.calls[0]).toMatchObject({ logprobs: true });
    expect(cascade.execution.result.logprobs).toBeUndefined();
    expect(cascade.execution.result.warnings).toEqual([{ type: 'other', message: 'kept' }]);

    const asked = await runCascade(runtime, tiers, { ...chatCall(), logprobs: true }, checks);
    expect(asked.execution.result.logprobs).toEqual([{ token: 'x', logprob: -0.1 }]);
  });

  it('escalates on low confidence, and asks the last tier exactly as the client asked', async () => {
    const { fakes, runtime, tiers, checks } = setup({}, [{ min_mean_logprob: -0.5 }], (all) => {
      all['a/small'] = withLogprobs(all['a/small']!, -2);
    });
    const cascade = await runCascade(runtime, tiers, chatCall(), checks);
    expect(cascade.tier).toBe(1);
    expect(cascade.steps[0]).toMatchObject({ check: 'min_mean_logprob', reason: 'mean logprob -2.000 < -0.5 over 1 tokens' });
    expect(fakes['b/big']!.calls[0]!.logprobs).toBeUndefined();
  });
});

describe('runCascade (stream)', () => {
  it('buffers a checked tier and replays the accepted answer as a stream', async () => {
    const { fakes, runtime, tiers, checks } = setup({ small: [{ kind: 'answer', text: 'ANSWER: the small model is right' }] }, [{ regex: '^ANSWER:' }]);
    const ended: StreamOutcome[] = [];
    const cascade = await runCascade(runtime, tiers, chatCall(), checks, { stream: { observer: { startedAt: performance.now(), onEnd: (outcome) => ended.push(outcome) } } });
    expect(cascade.tier).toBe(0);
    const events = await readAllEvents(cascade.execution.result.events);
    expect(textOf(events)).toBe('ANSWER: the small model is right');
    expect(events.filter((event) => event.type === 'text-delta').length).toBeGreaterThan(1);
    expect(events.at(-1)).toMatchObject({ type: 'finish', usage: { inputTokens: 10, outputTokens: 5 } });
    // Generated, never streamed: the check needed the whole answer first.
    expect(fakes['a/small']!.calls).toHaveLength(1);
    expect(ended).toMatchObject([{ cancelled: false, finishReason: 'stop', usage: { inputTokens: 10, outputTokens: 5 } }]);
    expect(ended[0]!.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it('streams the last tier live after an escalation, filling in its usage when the stream ends', async () => {
    const { fakes, runtime, tiers, checks } = setup(
      { small: [{ kind: 'answer', text: 'no marker' }], big: [{ kind: 'stream', events: textEvents('live ', 'from ', 'big') }] },
      [{ regex: '^ANSWER:' }],
    );
    const ended: StreamOutcome[] = [];
    const cascade = await runCascade(runtime, tiers, chatCall(), checks, { stream: { observer: { startedAt: performance.now(), onEnd: (outcome) => ended.push(outcome) } } });
    expect(cascade.tier).toBe(1);
    expect(cascade.steps[1]).toMatchObject({ outcome: 'accepted' });
    expect(cascade.steps[1]!.usage).toBeUndefined();
    const events = await readAllEvents(cascade.execution.result.events);
    expect(textOf(events)).toBe('live from big');
    expect(fakes['b/big']!.calls).toHaveLength(1);
    expect(cascade.steps[1]!.usage).toEqual({ inputTokens: 10, outputTokens: 3 });
    expect(ended).toMatchObject([{ usage: { inputTokens: 10, outputTokens: 3 } }]);
    expect(cascade.usageByTier()[1]!.answer).toEqual({ inputTokens: 10, outputTokens: 3 });
  });

  it('throws with every attempt when the live last tier cannot open', async () => {
    const { runtime, tiers, checks } = setup({ small: [{ kind: 'fail', error: outage('a') }], big: [{ kind: 'fail', error: outage('b') }] }, ['refusal']);
    await expect(runCascade(runtime, tiers, chatCall(), checks, { stream: {} })).rejects.toMatchObject({
      code: 'all_targets_failed',
      attempts: [
        { deployment: 'a/small', tier: 0, code: 'provider_http_error' },
        { deployment: 'b/big', tier: 1, code: 'provider_http_error' },
      ],
    });
  });
});

describe('runCascade (abort)', () => {
  it('stops while a tier is answering when the client goes away, without escalating', async () => {
    const { fakes, runtime, tiers, checks } = setup({ small: [{ kind: 'answer', text: 'slow', delayMs: 60_000 }] }, ['refusal']);
    const controller = new AbortController();
    const pending = runCascade(runtime, tiers, chatCall('hi', controller.signal), checks);
    setTimeout(() => controller.abort(new Error('client gone')), 5);
    await expect(pending).rejects.toThrow('client gone');
    expect(fakes['b/big']!.calls).toHaveLength(0);
  });

  it('stops while a check is calling its model', async () => {
    const { fakes, runtime, tiers, checks } = setup({ judge: [{ kind: 'answer', text: '9', delayMs: 60_000 }] }, [{ judge: { model: 'judge' } }]);
    const controller = new AbortController();
    const pending = runCascade(runtime, tiers, chatCall('hi', controller.signal), checks);
    setTimeout(() => controller.abort(new Error('client gone')), 5);
    await expect(pending).rejects.toThrow('client gone');
    expect(fakes['j/judge']!.calls).toHaveLength(1);
    expect(fakes['b/big']!.calls).toHaveLength(0);
  });

  it('does not start when the request is already aborted', async () => {
    const { fakes, runtime, tiers, checks } = setup({}, ['refusal']);
    const controller = new AbortController();
    controller.abort(new Error('gone before'));
    await expect(runCascade(runtime, tiers, chatCall('hi', controller.signal), checks)).rejects.toThrow('gone before');
    expect(fakes['a/small']!.calls).toHaveLength(0);
  });
});
