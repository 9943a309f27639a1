import type { CascadeCheck, CheckVerdict } from '../cascade-check.js';

/**
 * `min_mean_logprob`: the mean log-probability of the answer's tokens must reach the threshold
 * (−0.35 ≈ a geometric-mean token probability of 0.70). The cascade asks the tier for logprobs.
 * When the provider returns none, the check cannot judge: `onUnavailable` says whether that
 * passes or escalates.
 */
export function meanLogprobCheck(threshold: number, onUnavailable: 'pass' | 'escalate'): CascadeCheck {
  return {
    kind: 'min_mean_logprob',
    needsLogprobs: true,
    run({ result }): CheckVerdict {
      const tokens = result.logprobs ?? [];
      // Non-finite values (a provider's -Infinity or NaN) would make the mean meaningless.
      const values = tokens.map((token) => token.logprob).filter((value) => Number.isFinite(value));
      if (values.length === 0) {
        if (onUnavailable === 'pass') return { pass: true };
        return { pass: false, reason: 'no logprobs returned by the provider', unavailable: true };
      }
      const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
      if (mean >= threshold) return { pass: true };
      return { pass: false, reason: `mean logprob ${mean.toFixed(3)} < ${threshold} over ${values.length} tokens` };
    },
  };
}
