import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { overheadOf } from '../../src/core/telemetry/request-recorder.js';
import { chat, startFaultRig, summariesFor, type FaultRig } from './fault-harness.js';

/**
 * The gateway's own time per request (`switchyard_gateway_overhead_seconds`, the log's
 * `overheadMs`): wall time less what the request waited on its provider (headers, each chunk),
 * on retry backoff and on a hedge. A slow provider must not show up as gateway overhead — and the
 * gateway's own time must not vanish into it either.
 */

const SLOW_MS = 150;
const DRIP_MS = 40;
const RETRY_AFTER_MS = 250;
/** Far above what the gateway itself spends on a request, far below the waits the tests cause. */
const OWN_TIME_CEILING_MS = 60;

let rig: FaultRig;

beforeAll(async () => {
  rig = await startFaultRig(
    `retry: { max_attempts: 2, base_ms: 1, max_ms: 2, max_retry_after_ms: 5000, budget: { min_per_second: 100 } }
circuit_breaker: { consecutive_failures: 100000, minimum_requests: 100000 }`,
    {
      primary: { slowFirstTokenMs: SLOW_MS, dripDelayMs: DRIP_MS, retryAfterMs: RETRY_AFTER_MS },
      extra: `workloads:
  hedged:
    route: { model: pair }
    resilience: { retry: { max_attempts: 1 }, hedge: { enabled: true, after: 100 } }
`,
    },
  );
});
afterAll(async () => {
  await rig.close();
});
beforeEach(() => {
  rig.primary.reset();
  rig.fallback.reset();
});

async function answered(prompt: string, stream: boolean, model?: string) {
  const outcome = await chat(rig.client, prompt, { stream, ...(model === undefined ? {} : { model }) });
  expect(outcome.ok, String(outcome.error)).toBe(true);
  const [summary] = await summariesFor(rig.gateway, [outcome.requestId]);
  const overheadMs = overheadOf(summary!);
  expect(overheadMs).toBeDefined();
  return { outcome, summary: summary!, overheadMs: overheadMs! };
}

async function overheadCount(): Promise<number> {
  const text = await (await fetch(`${rig.gateway.url}/metrics`)).text();
  return [...text.matchAll(/^switchyard_gateway_overhead_seconds_count\{[^}]*\} (\d+)$/gm)].reduce((total, match) => total + Number(match[1]), 0);
}

describe('gateway overhead', () => {
  it.each([[false], [true]])('a provider slow to answer is waiting, not overhead (stream: %s)', async (stream) => {
    rig.primary.force('slow-first-token');
    const { summary, overheadMs } = await answered(`slow ${stream}`, stream);
    expect(summary.durationMs).toBeGreaterThanOrEqual(SLOW_MS - 5);
    expect(overheadMs).toBeGreaterThan(0);
    expect(overheadMs).toBeLessThan(OWN_TIME_CEILING_MS);
  });

  it('gaps between streamed chunks are waiting, not overhead', async () => {
    rig.primary.force('slow-drip');
    const { outcome, summary, overheadMs } = await answered('drip', true);
    expect(outcome.text.length).toBeGreaterThan(0);
    // At least three chunks, each after a pause.
    expect(summary.durationMs).toBeGreaterThanOrEqual(3 * DRIP_MS);
    expect(overheadMs).toBeLessThan(OWN_TIME_CEILING_MS);
  });

  it('a non-streaming body that trickles in is waiting, not overhead', async () => {
    rig.primary.force('slow-drip');
    const { summary, overheadMs } = await answered('drip plain', false);
    expect(summary.durationMs).toBeGreaterThanOrEqual(3 * DRIP_MS);
    expect(overheadMs).toBeLessThan(OWN_TIME_CEILING_MS);
  });

  it("a retry's backoff (the provider's Retry-After) is waiting, not overhead", async () => {
    rig.primary.force('rate-limit', 'healthy');
    const { summary, overheadMs } = await answered('retry', false);
    expect(summary.attempts.map((attempt) => attempt.code)).toEqual(['provider_rate_limited', 'ok']);
    expect(summary.durationMs).toBeGreaterThanOrEqual(RETRY_AFTER_MS - 5);
    expect(overheadMs).toBeLessThan(OWN_TIME_CEILING_MS);
  });

  it('two providers waited on at once (a hedge) count once', async () => {
    rig.primary.force('slow-first-token');
    const { summary, overheadMs } = await answered('hedge', false, 'workload/hedged');
    expect(summary.attempts.some((attempt) => attempt.hedge)).toBe(true);
    expect(overheadMs).toBeLessThan(OWN_TIME_CEILING_MS);
    expect(overheadMs).toBeGreaterThan(0);
  });

  it('is never more than the wall time, and answered requests are counted in the histogram; failures are not', async () => {
    const before = await overheadCount();
    const { summary, overheadMs } = await answered('plain', false);
    expect(overheadMs).toBeLessThanOrEqual(summary.durationMs + 1);
    await expect.poll(overheadCount).toBe(before + 1);

    rig.primary.force('server-error', 'server-error');
    rig.fallback.force('server-error', 'server-error');
    const failed = await chat(rig.client, 'fails', { stream: false });
    expect(failed.ok).toBe(false);
    const [failure] = await summariesFor(rig.gateway, [failed.requestId]);
    expect(overheadOf(failure!)).toBeUndefined();
    expect(await overheadCount()).toBe(before + 1);
  });
});
