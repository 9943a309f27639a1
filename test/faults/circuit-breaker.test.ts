import { afterEach, describe, expect, it } from 'vitest';
import { chat, expectSingleCleanAnswer, FALLBACK_DEPLOYMENT, PRIMARY_DEPLOYMENT, runConcurrently, startFaultRig, summariesFor, type FaultRig } from './fault-harness.js';

/**
 * (d) Breakers open and close as configured: after `consecutive_failures` failures in a row the
 * faulty deployment gets no more traffic (its request count stops growing) while the fallback
 * answers; after `open_ms` exactly one probe goes through, and once the upstream is healthy the
 * traffic comes back. A failed probe reopens the breaker for twice as long.
 */

const OPEN_MS = 600;
const resilience = (openMs: number) => `
retry: { max_attempts: 1 }
circuit_breaker: { consecutive_failures: 3, open_ms: ${openMs}, max_open_ms: 20000, half_open_probes: 1, minimum_requests: 1000 }
`;
const RESILIENCE = resilience(OPEN_MS);
// Where a test only needs the breaker to stay open, a long open_ms keeps a loaded machine from
// reaching the half-open probe mid-test.
const LONG_OPEN = resilience(10_000);

let rig: FaultRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const primaryRequests = (current: FaultRig) => current.primary.received.length;

async function sequential(current: FaultRig, count: number, label: string) {
  const outcomes = [];
  for (let index = 0; index < count; index++) outcomes.push(await chat(current.client, `${label} ${index}`, { stream: index % 2 === 1 }));
  const summaries = await summariesFor(current.gateway, outcomes.map((outcome) => outcome.requestId));
  outcomes.forEach((outcome, index) => expectSingleCleanAnswer(outcome, summaries[index]!, current));
  return { outcomes, summaries };
}

/** Trips the breaker: the primary answers 500 until told otherwise. */
async function tripBreaker(current: FaultRig): Promise<void> {
  current.primary.setMix({ 'server-error': 1 });
  const { outcomes } = await sequential(current, 3, 'trip');
  expect(outcomes.map((outcome) => outcome.deployment)).toEqual([FALLBACK_DEPLOYMENT, FALLBACK_DEPLOYMENT, FALLBACK_DEPLOYMENT]);
  expect(primaryRequests(current)).toBe(3);
}

describe('circuit breaker under injected faults', () => {
  it('stops sending to a failing deployment after N consecutive failures, and every request still succeeds', async () => {
    rig = await startFaultRig(LONG_OPEN);
    await tripBreaker(rig);
    const { outcomes, summaries } = await sequential(rig, 10, 'while open');
    // The count stopped growing: not one of the ten reached the primary.
    expect(primaryRequests(rig)).toBe(3);
    expect(outcomes.every((outcome) => outcome.deployment === FALLBACK_DEPLOYMENT)).toBe(true);
    for (const summary of summaries) {
      expect(summary.attempts.map((attempt) => [attempt.deployment, attempt.code])).toEqual([
        [PRIMARY_DEPLOYMENT, 'circuit_open'],
        [FALLBACK_DEPLOYMENT, 'ok'],
      ]);
    }
    // Skipping an open breaker is not an upstream attempt.
    expect(outcomes.map((outcome) => outcome.attemptsHeader)).toEqual(Array(10).fill(1));
  });

  it('after open_ms lets exactly one probe through and, the upstream healthy again, takes traffic back', async () => {
    rig = await startFaultRig(RESILIENCE, { primary: { heavyTail: { kind: 'spikes', baseMs: 0, share: 1, spikeMs: 250 } } });
    await tripBreaker(rig);
    rig.primary.setMix({ 'heavy-tail': 1 }); // healthy again, but slow enough for the probe to be in flight
    await sleep(OPEN_MS + 100);
    const current = rig;
    const outcomes = await runConcurrently(6, 6, (index) => chat(current.client, `half-open ${index}`, { stream: false }));
    const summaries = await summariesFor(rig.gateway, outcomes.map((outcome) => outcome.requestId));
    outcomes.forEach((outcome, index) => expectSingleCleanAnswer(outcome, summaries[index]!, current));
    // One probe (half_open_probes: 1); the other five were served by the fallback meanwhile.
    expect(primaryRequests(rig)).toBe(4);
    expect(outcomes.filter((outcome) => outcome.deployment === PRIMARY_DEPLOYMENT)).toHaveLength(1);
    // The probe succeeded and closed the breaker: the primary gets all the traffic again.
    rig.primary.setMix({});
    const after = await sequential(rig, 6, 'closed again');
    expect(after.outcomes.map((outcome) => outcome.deployment)).toEqual(Array(6).fill(PRIMARY_DEPLOYMENT));
    expect(primaryRequests(rig)).toBe(10);
  });

  it('a failed probe reopens the breaker for twice open_ms', async () => {
    rig = await startFaultRig(RESILIENCE);
    await tripBreaker(rig);
    await sleep(OPEN_MS + 100);
    await sequential(rig, 1, 'failed probe');
    expect(primaryRequests(rig)).toBe(4);
    // Past open_ms but short of 2 × open_ms: still open.
    await sleep(OPEN_MS + 150);
    await sequential(rig, 2, 'still open');
    expect(primaryRequests(rig)).toBe(4);
    // Past 2 × open_ms: the next probe goes out, succeeds, and the breaker closes.
    rig.primary.setMix({});
    await sleep(OPEN_MS);
    const { outcomes } = await sequential(rig, 3, 'recovered');
    expect(outcomes.map((outcome) => outcome.deployment)).toEqual(Array(3).fill(PRIMARY_DEPLOYMENT));
    expect(primaryRequests(rig)).toBe(7);
  });

  it('rate limits (429) do not trip the breaker: they cool the deployment down instead', async () => {
    rig = await startFaultRig(LONG_OPEN, { primary: { retryAfterMs: 60_000 } });
    rig.primary.setMix({ 'rate-limit': 1 });
    const { outcomes } = await sequential(rig, 6, 'throttled');
    expect(outcomes.every((outcome) => outcome.deployment === FALLBACK_DEPLOYMENT)).toBe(true);
    // Every request still asked the primary once (one deployment: a cooldown reorders, never drops).
    expect(primaryRequests(rig)).toBe(6);
  });
});
