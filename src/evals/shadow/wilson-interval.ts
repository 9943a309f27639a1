/** Two-sided 95% normal quantile. */
const Z_95 = 1.959963984540054;

export interface ProportionInterval {
  rate: number;
  lower: number;
  upper: number;
}

/**
 * The Wilson score interval of `count` successes in `of` trials, or undefined with no trials.
 * Chosen over the normal (Wald) interval because shadow counts are small and rates often near 0
 * or 1, where Wald collapses to a zero-width interval.
 */
export function wilsonInterval(count: number, of: number, z: number = Z_95): ProportionInterval | undefined {
  if (!(of > 0)) return undefined;
  if (count < 0 || count > of) throw new RangeError(`wilsonInterval: ${count} successes out of ${of}`);
  const rate = count / of;
  const z2 = z * z;
  const denominator = 1 + z2 / of;
  const centre = (rate + z2 / (2 * of)) / denominator;
  const halfWidth = (z * Math.sqrt((rate * (1 - rate)) / of + z2 / (4 * of * of))) / denominator;
  return { rate, lower: Math.max(0, centre - halfWidth), upper: Math.min(1, centre + halfWidth) };
}
