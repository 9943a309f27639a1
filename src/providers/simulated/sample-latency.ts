import type { RandomSource } from '../../provider-utils/seeded-random.js';
import type { SimulatedProviderOptions } from './simulated-options.js';

/** z-score of the 99th percentile of the standard normal distribution. */
const Z_99 = 2.326;

/** When `p99_ms` is not configured, the lognormal tail defaults to this multiple of the median. */
const DEFAULT_P99_FACTOR = 3;

/**
 * Draws one time-to-first-token in milliseconds.
 *
 * - `fixed`: always the median (draws nothing from `random`).
 * - `uniform`: between 0 and 2×median, so the mean and median equal `median_ms` (one draw).
 * - `lognormal`: real LLM latencies are right-skewed; a lognormal with mu = ln(median) and
 *   sigma = ln(p99/median)/2.326 has exactly the configured median and 99th percentile (two draws,
 *   Box–Muller).
 */
export function sampleLatency(latency: SimulatedProviderOptions['latency'], random: RandomSource): number {
  const median = latency.median_ms;
  switch (latency.distribution) {
    case 'fixed':
      return median;
    case 'uniform':
      return random() * 2 * median;
    case 'lognormal': {
      if (median <= 0) {
        // Consume the same draws as a non-zero median so a seeded run does not shift when only the median changes.
        random();
        random();
        return 0;
      }
      const p99 = latency.p99_ms ?? median * DEFAULT_P99_FACTOR;
      const sigma = Math.log(p99 / median) / Z_99;
      return Math.exp(Math.log(median) + sigma * standardNormal(random));
    }
    default: {
      const exhaustive: never = latency.distribution;
      throw new Error(`Unknown latency distribution: ${String(exhaustive)}`);
    }
  }
}

/** One standard-normal draw by the Box–Muller transform. */
function standardNormal(random: RandomSource): number {
  // 1 - random() lies in (0, 1], so the logarithm stays finite.
  const radius = Math.sqrt(-2 * Math.log(1 - random()));
  return radius * Math.cos(2 * Math.PI * random());
}
