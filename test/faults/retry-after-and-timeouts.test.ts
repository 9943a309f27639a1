import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chat, expectSingleCleanAnswer, FALLBACK_DEPLOYMENT, PRIMARY_DEPLOYMENT, startFaultRig, summariesFor, type FaultRig } from './fault-harness.js';

/**
 * (f) An upstream 429's Retry-After is honoured: the retry comes no sooner than advertised, or,
 * when the wait exceeds max_retry_after_ms, the gateway falls back at once instead of stalling.
 * (g) A hanging upstream is cut by total_ms (non-streaming) or first_token_ms (streaming) and the
 * request falls back; the gateway hangs up on the stuck upstream rather than leaving it open.
 * Hedging: a slow first attempt is raced by a hedge, and only the winner is charged.
 */

const MAX_RETRY_AFTER_MS = 1000;
const FIRST_TOKEN_MS = 200;
const TOTAL_MS = 500;

const RESILIENCE = `
retry: { max_attempts: 2, base_ms: 1, max_ms: 2, max_retry_after_ms: ${MAX_RETRY_AFTER_MS}, budget: { min_per_second: 100 } }
circuit_breaker: { consecutive_failures: 100000, minimum_requests: 100000 }
timeouts: { first_token_ms: ${FIRST_TOKEN_MS}, total_ms: ${TOTAL_MS} }
`;

const EXTRA = `workloads:
  no-retry:
    route: { model: primary-model }
    resilience: { retry: { max_attempts: 1 } }
  hedged:
    route: { model: pair }
    resilience: { retry: { max_attempts: 1 }, hedge: { enabled: true, after: 60 } }
`;

let rig: FaultRig;

beforeAll(async () => {
  rig = await startFaultRig(RESILIENCE, { extra: EXTRA, primary: { slowFirstTokenMs: 3000, heavyTail: { kind: 'spikes', baseMs: 0, share: 1, spikeMs: 400 } } });
});
afterAll(async () => {
  await rig.close();
});
beforeEach(() => {
  rig.primary.reset();
  rig.primary.setMix({});
  rig.fallback.reset();
});

describe('Retry-After from an upstream 429', () => {
  it.each([[false], [true]])('is waited out before the retry (stream: %s)', async (stream) => {
    rig.primary.configure({ retryAfterMs: 300 });
    rig.primary.force('rate-limit');
    const outcome = await chat(rig.client, `retry-after ${stream}`, { stream });
    const [summary] = await summariesFor(rig.gateway, [outcome.requestId]);
    expectSingleCleanAnswer(outcome, summary!, rig);
    expect(outcome.deployment).toBe(PRIMARY_DEPLOYMENT);
    expect(summary!.attempts.map((attempt) => attempt.code)).toEqual(['provider_rate_limited', 'ok']);
    const [first, second] = rig.primary.received;
    // 1 ms of slack for timer granularity; the backoff jitter (≤ 2 ms) only adds to the wait.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(299);
    expect(rig.fallback.received).toHaveLength(0);
  });

  it.each([[false], [true]])('longer than max_retry_after_ms sends the request to the fallback at once (stream: %s)', async (stream) => {
    rig.primary.configure({ retryAfterMs: 30_000 });
    rig.primary.force('rate-limit');
    const outcome = await chat(rig.client, `too long ${stream}`, { stream });
    const [summary] = await summariesFor(rig.gateway, [outcome.requestId]);
    expectSingleCleanAnswer(outcome, summary!, rig);
    expect(outcome.deployment).toBe(FALLBACK_DEPLOYMENT);
    expect(summary!.attempts.map((attempt) => [attempt.deployment, attempt.code])).toEqual([
      [PRIMARY_DEPLOYMENT, 'provider_rate_limited'],
      [FALLBACK_DEPLOYMENT, 'ok'],
    ]);
    expect(rig.primary.received).toHaveLength(1);
    expect(outcome.latencyMs).toBeLessThan(MAX_RETRY_AFTER_MS);
  });
});

describe('a hanging upstream', () => {
  it('is cut by total_ms on a non-streaming call, and the request falls back', async () => {
    rig.primary.force('hang');
    const outcome = await chat(rig.client, 'hang whole', { stream: false, model: 'workload/no-retry' });
    const [summary] = await summariesFor(rig.gateway, [outcome.requestId]);
    expectSingleCleanAnswer(outcome, summary!, rig);
    expect(outcome.deployment).toBe(FALLBACK_DEPLOYMENT);
    expect(summary!.attempts[0]).toMatchObject({ deployment: PRIMARY_DEPLOYMENT, code: 'provider_timeout' });
    expect(summary!.attempts[0]!.message).toContain('total timeout');
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(TOTAL_MS - 5);
    expect(outcome.latencyMs).toBeLessThan(TOTAL_MS + 1000);
    // The gateway hung up on the stuck upstream.
    await expect.poll(() => rig.primary.counts.abandoned.hang).toBe(1);
  });

  it.each([['hang' as const], ['slow-first-token' as const]])('(%s) is cut by first_token_ms on a stream, before total_ms, and falls back', async (mode) => {
    rig.primary.force(mode);
    const outcome = await chat(rig.client, `${mode} stream`, { stream: true, model: 'workload/no-retry' });
    const [summary] = await summariesFor(rig.gateway, [outcome.requestId]);
    expectSingleCleanAnswer(outcome, summary!, rig);
    expect(outcome.deployment).toBe(FALLBACK_DEPLOYMENT);
    expect(summary!.attempts[0]!.message).toContain('first-token timeout');
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(FIRST_TOKEN_MS - 5);
    expect(outcome.latencyMs).toBeLessThan(TOTAL_MS);
    await expect.poll(() => rig.primary.counts.abandoned[mode]).toBe(1);
  });

  it('retried once (timeouts are retryable), then falls back: two cuts, one answer', async () => {
    rig.primary.setMix({ hang: 1 });
    const outcome = await chat(rig.client, 'hang twice', { stream: true });
    const [summary] = await summariesFor(rig.gateway, [outcome.requestId]);
    expectSingleCleanAnswer(outcome, summary!, rig);
    expect(summary!.attempts.map((attempt) => attempt.code)).toEqual(['provider_timeout', 'provider_timeout', 'ok']);
    expect(rig.primary.received).toHaveLength(2);
  });
});

describe('hedging a slow attempt', () => {
  it.each([[false], [true]])('races a hedge after the fixed delay; only the winner is charged (stream: %s)', async (stream) => {
    rig.primary.force('heavy-tail'); // 400 ms before its first byte
    const outcome = await chat(rig.client, `hedge ${stream}`, { stream, model: 'workload/hedged' });
    const [summary] = await summariesFor(rig.gateway, [outcome.requestId]);
    expect(outcome.error).toBeUndefined();
    expect(outcome.deployment).toBe('pair-steady');
    expect(outcome.text).toBe(rig.fallback.answerText(outcome.prompt));
    expect(outcome.latencyMs).toBeLessThan(350);
    expect(summary!.attempts.map((attempt) => [attempt.deployment, attempt.code, attempt.hedge ?? false])).toEqual([
      ['pair-flaky', 'cancelled', false],
      ['pair-steady', 'ok', true],
    ]);
    expect(summary!.usage).toMatchObject({ inputTokens: rig.fallback.usage.promptTokens, outputTokens: rig.fallback.usage.completionTokens });
    // The loser was cancelled upstream, not left running.
    await expect.poll(() => rig.primary.counts.abandoned['heavy-tail']).toBe(1);
  });
});
