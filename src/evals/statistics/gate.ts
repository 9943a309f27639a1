import { InvalidRequestError } from '../../spec/errors.js';
import { quantileOfSorted } from './bootstrap.js';
import { comparePaired, type PairedComparison, type PairedComparisonOptions, type ScoreSample } from './paired-comparison.js';

export interface GateInput extends Omit<PairedComparisonOptions, 'confidence'> {
  candidate: readonly ScoreSample[];
  baseline: readonly ScoreSample[];
  /** Allowed drop of the mean score (candidate − baseline), in score units, e.g. 0.01. */
  maxDrop: number;
  /** One-sided confidence of the decision (default 0.95). */
  confidence?: number;
  /**
   * `regression` (default): fail only when the candidate is shown to be worse than the allowed drop.
   * `non-inferiority`: pass only when the candidate is shown to be no worse than the allowed drop
   * (stricter; small sets fail until they have enough cases).
   */
  mode?: 'regression' | 'non-inferiority';
}

export interface GateDecision {
  passed: boolean;
  mode: 'regression' | 'non-inferiority';
  /** The bound that was compared with −maxDrop. */
  bound: number;
  threshold: number;
  confidence: number;
  /** One sentence saying why, with the numbers. */
  reason: string;
  comparison: PairedComparison;
}

/**
 * The gate rule. Let D be the paired-bootstrap distribution of mean(candidate − baseline) over the cases
 * scored for both, and c the confidence.
 *
 * - `regression`: U = the c-quantile of D (a one-sided upper confidence bound, i.e. the upper end of a
 *   two-sided (2c − 1) interval). FAIL iff U < −maxDrop: with confidence c the candidate is worse than the
 *   baseline by more than maxDrop. Otherwise pass.
 * - `non-inferiority`: L = the (1 − c)-quantile of D. PASS iff L ≥ −maxDrop.
 *
 * Bounds are percentile-bootstrap, seeded (same data → same decision).
 */
export function gate(input: GateInput): GateDecision {
  if (!(input.maxDrop >= 0)) throw new InvalidRequestError(`maxDrop must be ≥ 0, got ${input.maxDrop}`);
  const confidence = input.confidence ?? 0.95;
  if (!(confidence > 0.5 && confidence < 1)) throw new InvalidRequestError(`gate confidence must be in (0.5, 1), got ${confidence}`);
  const mode = input.mode ?? 'regression';
  // The comparison's own two-sided interval uses the level whose ends are the one-sided bounds used here.
  const comparison = comparePaired(input.candidate, input.baseline, { ...input, confidence: 2 * confidence - 1 });
  const threshold = -input.maxDrop;
  const difference = comparison.meanDifference.toFixed(4);
  if (mode === 'regression') {
    const bound = quantileOfSorted(comparison.bootstrapDifferences, confidence);
    const passed = !(bound < threshold);
    const reason = passed
      ? `pass: mean difference ${difference}, upper ${confidence} bound ${bound.toFixed(4)} ≥ −${input.maxDrop} (not shown to drop more than allowed)`
      : `fail: mean difference ${difference}, upper ${confidence} bound ${bound.toFixed(4)} < −${input.maxDrop} (worse beyond the allowed drop with confidence ${confidence})`;
    return { passed, mode, bound, threshold, confidence, reason, comparison };
  }
  const bound = quantileOfSorted(comparison.bootstrapDifferences, 1 - confidence);
  const passed = bound >= threshold;
  const reason = passed
    ? `pass: mean difference ${difference}, lower ${confidence} bound ${bound.toFixed(4)} ≥ −${input.maxDrop} (shown no worse than allowed)`
    : `fail: mean difference ${difference}, lower ${confidence} bound ${bound.toFixed(4)} < −${input.maxDrop} (not shown to be within the allowed drop)`;
  return { passed, mode, bound, threshold, confidence, reason, comparison };
}
