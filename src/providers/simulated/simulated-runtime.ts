import { ProviderApiError, ProviderRateLimitError, ProviderTimeoutError } from '../../spec/errors.js';
import { sampleLatency } from './sample-latency.js';
import type { RandomSource } from '../../provider-utils/seeded-random.js';
import type { SimulatedProviderOptions } from './simulated-options.js';
import { abortableSleep } from '../../provider-utils/abortable-sleep.js';
import { countWait, type WaitClock } from '../../spec/wait-clock.js';

/** Waits `ms`, rejecting with the signal's reason if it aborts first. Injected by tests. */
export type SimulatedSleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** What every simulated model of one provider shares: its config, random source and clock. */
export interface SimulatedRuntime {
  providerName: string;
  options: SimulatedProviderOptions;
  random: RandomSource;
  sleep: SimulatedSleep;
}

/** Marks every simulated response, so nobody mistakes demo output for a real model's. */
export const SIMULATED_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'x-switchyard-simulated': 'true' });

/** Real timers; a zero wait resolves without a timer so instant configs stay synchronous-fast. */
export const defaultSleep: SimulatedSleep = abortableSleep;

/**
 * Plays the part of the upstream up to the first token: draws this call's fault and latency (always
 * in that order, so seeded runs are reproducible), fails fast for rate limits and server errors as
 * a real gateway's front door would, then waits the latency and, for a timeout fault, gives up.
 */
export async function waitForFirstToken(runtime: SimulatedRuntime, abortSignal: AbortSignal | undefined, waitClock?: WaitClock): Promise<void> {
  if (abortSignal?.aborted) throw abortSignal.reason;
  const { faults, latency } = runtime.options;
  const faultDraw = runtime.random();
  const latencyMs = sampleLatency(latency, runtime.random);
  const provider = runtime.providerName;

  if (faultDraw < faults.rate_limit) {
    throw new ProviderRateLimitError(`Simulated rate limit from ${provider} (faults.rate_limit)`, {
      provider,
      upstreamStatus: 429,
      retryAfterMs: faults.retry_after_ms ?? 1000,
      upstreamCode: 'simulated_rate_limit',
    });
  }
  if (faultDraw < faults.rate_limit + faults.server_error) {
    throw new ProviderApiError(`Simulated server error from ${provider} (faults.server_error)`, {
      provider,
      upstreamStatus: 503,
      upstreamCode: 'simulated_server_error',
    });
  }
  // The simulated upstream's latency is time the gateway waits, as it would on a real provider.
  await countWait(waitClock, runtime.sleep(latencyMs, abortSignal));
  if (faultDraw < faults.rate_limit + faults.server_error + faults.timeout) {
    throw new ProviderTimeoutError(`Simulated timeout waiting for the first token from ${provider} (faults.timeout)`, {
      provider,
      phase: 'first-token',
    });
  }
}

/** Time to produce `tokens` output tokens at the configured rate; 0 when pacing is off. */
export function outputDurationMs(runtime: SimulatedRuntime, tokens: number): number {
  const rate = runtime.options.tokens_per_second;
  return rate > 0 ? (tokens / rate) * 1000 : 0;
}
