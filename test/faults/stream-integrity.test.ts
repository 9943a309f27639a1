import { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FaultMode } from '../fakes/fault-injecting-upstream.js';
import { chat, expectSingleCleanAnswer, PRIMARY_DEPLOYMENT, runConcurrently, startFaultRig, summariesFor, type ChatOutcome, type FaultRig } from './fault-harness.js';

/**
 * (c) No client ever sees a spliced stream. Once the primary's content has reached the client, a
 * failure cannot be hidden by failing over (the client would get the start of one model's answer
 * and the rest of another's): the stream must end with an SSE error frame, which the SDK raises,
 * and the text before it must be a prefix of the primary's answer with nothing of the fallback's.
 */

const RESILIENCE = `
retry: { max_attempts: 2, base_ms: 1, max_ms: 5, budget: { min_per_second: 200 } }
circuit_breaker: { consecutive_failures: 100000, minimum_requests: 100000 }
timeouts: { first_token_ms: 300, idle_ms: 80, total_ms: 2000 }
`;

let rig: FaultRig;

beforeAll(async () => {
  // Faults strike after two content chunks; a slow drip pauses longer than idle_ms.
  rig = await startFaultRig(RESILIENCE, { primary: { faultAfterContentChunks: 2, dripDelayMs: 150, answerWords: 8 } });
});
afterAll(async () => {
  await rig.close();
});
beforeEach(() => {
  rig.primary.reset();
  rig.fallback.reset();
});

function expectBrokenPrimaryStream(outcome: ChatOutcome): void {
  expect(outcome.ok).toBe(false);
  // The error frame (`data: {"error": …}`) is what the SDK raises mid-stream: an APIError without a status.
  expect(outcome.error).toBeInstanceOf(APIError);
  expect((outcome.error as APIError).status).toBeUndefined();
  const full = rig.primary.answerText(outcome.prompt);
  expect(outcome.text.length).toBeGreaterThan(0);
  expect(outcome.text.length).toBeLessThan(full.length);
  expect(full.startsWith(outcome.text)).toBe(true);
  expect(outcome.text).not.toContain('fallback');
  expect(outcome.deployment).toBe(PRIMARY_DEPLOYMENT);
}

describe('a stream that breaks after content', () => {
  it.each<[FaultMode, string]>([
    ['stream-cut', 'the connection is cut'],
    ['malformed-chunk', 'a chunk is not JSON'],
    ['slow-drip', 'the upstream falls silent longer than idle_ms'],
  ])('%s: ends with an SSE error when %s, never with text from the fallback', async (mode) => {
    rig.primary.setMix({ [mode]: 1 });
    const outcome = await chat(rig.client, `break ${mode}`, { stream: true });
    expectBrokenPrimaryStream(outcome);
    // Nobody was asked to finish the answer, and the attempt is not counted as answered.
    expect(rig.fallback.counts.received.healthy).toBe(0);
    const [summary] = await summariesFor(rig.gateway, [outcome.requestId]);
    expect(summary!.errorCode).toBeDefined();
    expect(summary!.attempts.map((attempt) => [attempt.deployment, attempt.code === 'ok'])).toEqual([[PRIMARY_DEPLOYMENT, false]]);
  });

  it('the same faults on a non-streaming request are failed over invisibly', async () => {
    rig.primary.setMix({ 'stream-cut': 1, 'malformed-chunk': 1 });
    const outcomes = await runConcurrently(6, 6, (index) => chat(rig.client, `whole ${index}`, { stream: false }));
    const summaries = await summariesFor(rig.gateway, outcomes.map((outcome) => outcome.requestId));
    for (const [index, outcome] of outcomes.entries()) expectSingleCleanAnswer(outcome, summaries[index]!, rig);
  });

  it('under concurrent load with mid-stream faults, every client gets one whole answer or one clean prefix', async () => {
    rig.primary.setMix({ healthy: 2, 'stream-cut': 1, 'malformed-chunk': 1, 'server-error': 1, reset: 1 });
    const outcomes = await runConcurrently(48, 12, (index) => chat(rig.client, `load ${index}`, { stream: true }));
    const summaries = await summariesFor(rig.gateway, outcomes.map((outcome) => outcome.requestId));
    let broken = 0;
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome.ok) expectSingleCleanAnswer(outcome, summaries[index]!, rig);
      else {
        broken += 1;
        expectBrokenPrimaryStream(outcome);
        expect(summaries[index]!.attempts.filter((attempt) => attempt.code === 'ok')).toEqual([]);
      }
    }
    // Mid-stream faults were drawn and surfaced; faults before content were all hidden.
    expect(broken).toBe(rig.primary.counts.received['stream-cut'] + rig.primary.counts.received['malformed-chunk']);
    expect(broken).toBeGreaterThan(0);
  });
});
