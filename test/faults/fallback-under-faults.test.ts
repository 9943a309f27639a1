import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAULT_MODES, type FaultMode } from '../fakes/fault-injecting-upstream.js';
import { chat, expectSingleCleanAnswer, FALLBACK_DEPLOYMENT, PRIMARY_DEPLOYMENT, runConcurrently, startFaultRig, summariesFor, type FaultRig } from './fault-harness.js';

/**
 * (a) With a healthy fallback every request succeeds, under each fault mode alone and under a
 * seeded mix of all of them; (b) no request is charged twice and the usage recorded is the
 * answering upstream's; (c) every answer is one upstream's whole text. The breaker is set out of
 * reach here so the primary keeps being asked and every fault really reaches the gateway.
 */

// Faults before the first content byte, which the gateway must hide by failing over. The limits
// leave room for a loaded 2-core CI machine: a healthy answer takes a few ms, a slow one 1.5 s.
const RESILIENCE = `
retry: { max_attempts: 2, base_ms: 1, max_ms: 5, max_retry_after_ms: 60, budget: { min_per_second: 200 } }
circuit_breaker: { consecutive_failures: 100000, minimum_requests: 100000 }
timeouts: { first_token_ms: 250, idle_ms: 250, total_ms: 800 }
`;

let rig: FaultRig;

beforeAll(async () => {
  rig = await startFaultRig(RESILIENCE, {
    primary: { retryAfterMs: 20, slowFirstTokenMs: 1500, dripDelayMs: 8, faultAfterContentChunks: 0, heavyTail: { kind: 'spikes', baseMs: 0, share: 1, spikeMs: 1500 } },
  });
});
afterAll(async () => {
  await rig.close();
});
beforeEach(() => {
  rig.primary.reset();
  rig.fallback.reset();
});

/** Which deployment must answer when the primary is in this mode (retries included). */
const ANSWERED_BY: Record<FaultMode, string> = {
  healthy: PRIMARY_DEPLOYMENT,
  'slow-drip': PRIMARY_DEPLOYMENT, // slower than usual, but inside every limit
  'rate-limit': FALLBACK_DEPLOYMENT,
  'server-error': FALLBACK_DEPLOYMENT,
  unavailable: FALLBACK_DEPLOYMENT,
  reset: FALLBACK_DEPLOYMENT,
  hang: FALLBACK_DEPLOYMENT,
  'slow-first-token': FALLBACK_DEPLOYMENT,
  'stream-cut': FALLBACK_DEPLOYMENT,
  'malformed-json': FALLBACK_DEPLOYMENT,
  'malformed-chunk': FALLBACK_DEPLOYMENT,
  'heavy-tail': FALLBACK_DEPLOYMENT,
};

/** Upstream attempts at the primary per request: retryable faults are retried once, bad answers are not. */
const PRIMARY_TRIES: Record<FaultMode, number> = {
  healthy: 1,
  'slow-drip': 1,
  'rate-limit': 2,
  'server-error': 2,
  unavailable: 2,
  reset: 2,
  hang: 2,
  'slow-first-token': 2,
  'heavy-tail': 2,
  // A JSON body cut half-way, or a stream cut before any content, is a dropped connection: retried.
  'stream-cut': 2,
  'malformed-json': 1,
  'malformed-chunk': 1,
};

/** A stream cut before any content reached the client is a dropped connection, retried like one. */
function triesAtPrimary(mode: FaultMode, _stream: boolean): number {
  return PRIMARY_TRIES[mode];
}

describe('every request succeeds with a healthy fallback', () => {
  it.each(FAULT_MODES.map((mode) => [mode]))('under %s, streaming and not', async (mode) => {
    rig.primary.setMix({ [mode]: 1 });
    const outcomes = await runConcurrently(8, 8, (index) => chat(rig.client, `${mode} request ${index}`, { stream: index % 2 === 0 }));
    const summaries = await summariesFor(rig.gateway, outcomes.map((outcome) => outcome.requestId));
    for (const [index, outcome] of outcomes.entries()) {
      expect(outcome.ok, `${outcome.prompt}: ${String(outcome.error)}`).toBe(true);
      expectSingleCleanAnswer(outcome, summaries[index]!, rig);
      expect(outcome.deployment).toBe(ANSWERED_BY[mode]);
      const tries = triesAtPrimary(mode, outcome.stream);
      const primaryTries = summaries[index]!.attempts.filter((attempt) => attempt.deployment === PRIMARY_DEPLOYMENT);
      expect(primaryTries.map((attempt) => (attempt.code === 'ok' ? 'ok' : 'failed')), JSON.stringify(primaryTries)).toEqual(
        Array.from({ length: tries }, (_, tryIndex) => (tryIndex === tries - 1 && ANSWERED_BY[mode] === PRIMARY_DEPLOYMENT ? 'ok' : 'failed')),
      );
    }
    // What the gateway sent: exactly the tries above, and one request to the fallback per failed-over request.
    expect(rig.primary.counts.received[mode]).toBe(4 * triesAtPrimary(mode, true) + 4 * triesAtPrimary(mode, false));
    expect(rig.fallback.counts.received.healthy).toBe(ANSWERED_BY[mode] === FALLBACK_DEPLOYMENT ? 8 : 0);
  });

  it('under a seeded mix of every fault at once, with concurrency', async () => {
    const weights = Object.fromEntries(FAULT_MODES.map((mode) => [mode, 1]));
    rig.primary.setMix(weights);
    const outcomes = await runConcurrently(72, 16, (index) => chat(rig.client, `mixed request ${index}`, { stream: index % 3 !== 0 }));
    const summaries = await summariesFor(rig.gateway, outcomes.map((outcome) => outcome.requestId));
    const failures = outcomes.filter((outcome) => !outcome.ok).map((outcome) => `${outcome.prompt}: ${String(outcome.error)}`);
    expect(failures).toEqual([]);
    for (const [index, outcome] of outcomes.entries()) expectSingleCleanAnswer(outcome, summaries[index]!, rig);
    // Every mode was drawn, so the mix really covered them all.
    for (const mode of FAULT_MODES) expect(rig.primary.counts.received[mode], mode).toBeGreaterThan(0);
    const viaFallback = outcomes.filter((outcome) => outcome.deployment === FALLBACK_DEPLOYMENT).length;
    expect(viaFallback).toBe(rig.fallback.counts.completed.healthy);
    // Retries cost nothing extra: only the answering attempt carries usage.
    for (const summary of summaries) {
      expect(summary.attempts.filter((attempt) => attempt.code !== 'ok' && attempt.usage !== undefined)).toEqual([]);
    }
  });
});
