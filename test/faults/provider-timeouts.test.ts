import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chat, expectSingleCleanAnswer, FALLBACK_DEPLOYMENT, PRIMARY_DEPLOYMENT, startFaultRig, summariesFor, type FaultRig } from './fault-harness.js';

/**
 * A provider's own time limits (`providers.<name>.timeouts.first_token_ms` — until response headers —
 * and `idle_ms` — the longest wait for the next body chunk), with no per-attempt limits set: they cut
 * a stuck upstream on time, as typed timeouts the request falls back from. Until they ran on exact
 * timers, a 150 ms limit fired after about a second.
 */

const LIMIT_MS = 150;

let rig: FaultRig;

beforeAll(async () => {
  rig = await startFaultRig(
    `retry: { max_attempts: 1 }
circuit_breaker: { consecutive_failures: 100000, minimum_requests: 100000 }`,
    { primary: { dripDelayMs: 400 }, providerTimeouts: `{ first_token_ms: ${LIMIT_MS}, idle_ms: ${LIMIT_MS} }` },
  );
});
afterAll(async () => {
  await rig.close();
});
beforeEach(() => {
  rig.primary.reset();
  rig.fallback.reset();
});

describe("a provider's own time limits", () => {
  it.each([[false], [true]])('first_token_ms cuts an upstream that sends no headers, on time, and the request falls back (stream: %s)', async (stream) => {
    rig.primary.force('hang');
    const outcome = await chat(rig.client, `hang ${stream}`, { stream });
    const [summary] = await summariesFor(rig.gateway, [outcome.requestId]);
    expectSingleCleanAnswer(outcome, summary!, rig);
    expect(outcome.deployment).toBe(FALLBACK_DEPLOYMENT);
    expect(summary!.attempts[0]).toMatchObject({ deployment: PRIMARY_DEPLOYMENT, code: 'provider_timeout' });
    expect(summary!.attempts[0]!.message).toContain(`sent no response headers within ${LIMIT_MS} ms`);
    expect(summary!.attempts[0]!.latencyMs).toBeGreaterThanOrEqual(LIMIT_MS - 5);
    expect(summary!.attempts[0]!.latencyMs).toBeLessThan(700);
    await expect.poll(() => rig.primary.counts.abandoned.hang).toBe(1);
  });

  it('idle_ms cuts a stream whose chunks stop coming, before any reached the client, and the request falls back', async () => {
    rig.primary.force('slow-drip');
    const outcome = await chat(rig.client, 'drip', { stream: true });
    const [summary] = await summariesFor(rig.gateway, [outcome.requestId]);
    expectSingleCleanAnswer(outcome, summary!, rig);
    expect(outcome.deployment).toBe(FALLBACK_DEPLOYMENT);
    expect(summary!.attempts[0]).toMatchObject({ deployment: PRIMARY_DEPLOYMENT, code: 'provider_timeout' });
    expect(summary!.attempts[0]!.message).toContain(`went silent mid-response for ${LIMIT_MS} ms`);
    expect(summary!.attempts[0]!.latencyMs).toBeLessThan(700);
  });
});
