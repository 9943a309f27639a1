import { describe, expect, it } from 'vitest';
import { formatMs, formatPercent, formatRateInterval, formatScoreInterval, formatUsd, percentile } from './format-number.js';

describe('dashboard number formats', () => {
  it('writes dollars with cents, four decimals below a dollar, three significant digits below a cent', () => {
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(1234.5)).toBe('$1,234.50');
    expect(formatUsd(0.0412)).toBe('$0.0412');
    expect(formatUsd(0.000207)).toBe('$0.000207');
    expect(formatUsd(0.0000027123)).toBe('$0.00000271');
    expect(formatUsd(-0.0000092)).toBe('-$0.0000092');
  });

  it('writes rates, durations and intervals', () => {
    expect(formatPercent(2 / 6)).toBe('33.3%');
    expect(formatMs(143.4)).toBe('143 ms');
    expect(formatMs(2_500)).toBe('2.50 s');
    expect(formatScoreInterval(0.812, 0.774, 0.846)).toBe('0.812 [0.774, 0.846]');
    expect(formatScoreInterval(undefined, undefined, undefined)).toBe('—');
    expect(formatRateInterval(0.04, 0.011, 0.135)).toBe('4.0% [1.1%, 13.5%]');
  });

  it('interpolates percentiles as the request log does', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(percentile([10], 99)).toBe(10);
    expect(percentile([40, 10, 30, 20], 50)).toBe(25);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBeCloseTo(9.55, 10);
  });
});
