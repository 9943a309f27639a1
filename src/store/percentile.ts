/**
 * Percentile of ascending-sorted values with linear interpolation between closest ranks, the
 * definition of PostgreSQL's `percentile_cont`, so both dialects report the same numbers.
 */
export function percentile(sortedValues: readonly number[], fraction: number): number {
  if (sortedValues.length === 0) return 0;
  const position = (sortedValues.length - 1) * fraction;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const lowerValue = sortedValues[lower] ?? 0;
  const upperValue = sortedValues[upper] ?? lowerValue;
  return lowerValue + (upperValue - lowerValue) * (position - lower);
}
