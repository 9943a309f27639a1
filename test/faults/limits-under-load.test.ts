import OpenAI, { RateLimitError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chat, runConcurrently, startFaultRig, type ChatOutcome, type FaultRig } from './fault-harness.js';

/**
 * (e) Gateway limits hold under concurrent load: for each key and workload limit, a burst of
 * simultaneous requests gets exactly the allowed number through, and every other request a 429
 * with a Retry-After header (as the SDK's RateLimitError exposes it) — never reaching an upstream.
 */

const KEYS = {
  perMinute: 'team-per-minute-key-0001',
  concurrent: 'team-concurrent-key-0001',
  free1: 'team-free-one-key-000001',
  free2: 'team-free-two-key-000001',
};

const EXTRA = `keys:
  - { name: per-minute, key: ${KEYS.perMinute}, limits: { requests_per_minute: 5 } }
  - { name: concurrent, key: ${KEYS.concurrent}, limits: { max_concurrent: 3 } }
  - { name: free-one, key: ${KEYS.free1} }
  - { name: free-two, key: ${KEYS.free2} }
workloads:
  metered:
    route: { model: primary-model }
    limits: { requests_per_minute: 4 }
  narrow:
    route: { model: primary-model }
    limits: { max_concurrent: 2 }
`;

let rig: FaultRig;
const clients = new Map<string, OpenAI>();

beforeAll(async () => {
  // The primary is healthy but takes 300 ms, so concurrent requests overlap and hold their slots.
  rig = await startFaultRig('retry: { max_attempts: 1 }', {
    extra: EXTRA,
    apiKey: KEYS.free1,
    primary: { mix: { 'heavy-tail': 1 }, heavyTail: { kind: 'spikes', baseMs: 0, share: 1, spikeMs: 300 } },
  });
  for (const key of Object.values(KEYS)) clients.set(key, new OpenAI({ baseURL: `${rig.gateway.url}/v1`, apiKey: key, maxRetries: 0 }));
});
afterAll(async () => {
  await rig.close();
});
beforeEach(() => {
  rig.primary.reset();
  rig.fallback.reset();
});

const client = (key: string) => clients.get(key)!;

/** Splits a burst into the admitted and the refused, checking every refusal is a proper 429. */
function tally(outcomes: ChatOutcome[], expectedCode: string): { admitted: number; refused: number } {
  let refused = 0;
  for (const outcome of outcomes) {
    if (outcome.ok) continue;
    refused += 1;
    expect(outcome.error).toBeInstanceOf(RateLimitError);
    const error = outcome.error as RateLimitError;
    expect(error.status).toBe(429);
    expect(error.code).toBe(expectedCode);
    const retryAfter = error.headers?.get('retry-after');
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  }
  return { admitted: outcomes.length - refused, refused };
}

describe('limits under concurrent load', () => {
  it('a key with requests_per_minute: 5 gets exactly 5 of 12 simultaneous requests through', async () => {
    const outcomes = await runConcurrently(12, 12, (index) => chat(client(KEYS.perMinute), `rpm ${index}`, { stream: index % 2 === 0 }));
    expect(tally(outcomes, 'rate_limit_exceeded')).toEqual({ admitted: 5, refused: 7 });
    // Refused requests never reached an upstream.
    expect(rig.primary.received).toHaveLength(5);
    expect(rig.fallback.received).toHaveLength(0);
  });

  it('a key with max_concurrent: 3 gets exactly 3 of 10 simultaneous requests through, and its slots come back', async () => {
    const burst = () => runConcurrently(10, 10, (index) => chat(client(KEYS.concurrent), `concurrent ${index}`, { stream: index % 2 === 1 }));
    expect(tally(await burst(), 'concurrency_limit_exceeded')).toEqual({ admitted: 3, refused: 7 });
    // Finished requests release their slots (streams included): the next burst gets 3 again.
    expect(tally(await burst(), 'concurrency_limit_exceeded')).toEqual({ admitted: 3, refused: 7 });
    expect(rig.primary.received).toHaveLength(6);
  });

  it('a workload with requests_per_minute: 4 is shared by every key calling it', async () => {
    const outcomes = await runConcurrently(10, 10, (index) =>
      chat(client(index % 2 === 0 ? KEYS.free1 : KEYS.free2), `metered ${index}`, { stream: false, model: 'workload/metered' }),
    );
    expect(tally(outcomes, 'rate_limit_exceeded')).toEqual({ admitted: 4, refused: 6 });
    expect(rig.primary.received).toHaveLength(4);
  });

  it('a workload with max_concurrent: 2 admits exactly 2 of 8 simultaneous requests', async () => {
    const outcomes = await runConcurrently(8, 8, (index) =>
      chat(client(index % 2 === 0 ? KEYS.free1 : KEYS.free2), `narrow ${index}`, { stream: index % 2 === 0, model: 'workload/narrow' }),
    );
    expect(tally(outcomes, 'concurrency_limit_exceeded')).toEqual({ admitted: 2, refused: 6 });
  });
});
