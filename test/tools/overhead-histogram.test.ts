import { describe, expect, it } from 'vitest';
import { addBuckets, bucketsBetween, observationCount, parseOverheadBuckets, quantileMs } from '../../bench/overhead-histogram.js';

const scrape = (counts: Record<string, [number, number]>) =>
  [
    '# HELP switchyard_gateway_overhead_seconds The gateway own time.',
    '# TYPE switchyard_gateway_overhead_seconds histogram',
    ...Object.entries(counts).flatMap(([le, [plain, streamed]]) => [
      `switchyard_gateway_overhead_seconds_bucket{le="${le}",endpoint="chat",workload="",stream="false"} ${plain}`,
      `switchyard_gateway_overhead_seconds_bucket{le="${le}",endpoint="chat",workload="",stream="true"} ${streamed}`,
    ]),
    'switchyard_gateway_overhead_seconds_sum{endpoint="chat",workload="",stream="false"} 0.02',
    'switchyard_request_duration_seconds_bucket{le="0.0002",endpoint="chat"} 999',
  ].join('\n');

describe('overhead histogram (bench)', () => {
  const before = parseOverheadBuckets(scrape({ '0.0001': [0, 0], '0.0002': [5, 0], '0.0005': [5, 0], '+Inf': [5, 0] }));
  const after = parseOverheadBuckets(scrape({ '0.0001': [0, 0], '0.0002': [85, 0], '0.0005': [95, 5], '+Inf': [100, 5] }));

  it('sums label sets, ignores other metrics, and takes the difference between scrapes', () => {
    expect(observationCount(before)).toBe(5);
    const run = bucketsBetween(before, after);
    expect([...run.entries()]).toEqual([
      [0.0001, 0],
      [0.0002, 80],
      [0.0005, 95],
      [Number.POSITIVE_INFINITY, 100],
    ]);
  });

  it('interpolates quantiles inside their bucket, in milliseconds', () => {
    const run = bucketsBetween(before, after);
    // 40 of the 80 in (0.1, 0.2] ms: halfway.
    expect(quantileMs(run, 0.4)).toBeCloseTo(0.15, 10);
    // Rank 90: 10 of the 15 in (0.2, 0.5] ms.
    expect(quantileMs(run, 0.9)).toBeCloseTo(0.2 + (10 / 15) * 0.3, 10);
    // In +Inf: the last finite bound.
    expect(quantileMs(run, 0.99)).toBeCloseTo(0.5, 10);
    expect(quantileMs(new Map(), 0.5)).toBeNaN();
  });

  it('adds runs into one distribution', () => {
    const run = bucketsBetween(before, after);
    const both = addBuckets([run, run]);
    expect(observationCount(both)).toBe(200);
    expect(quantileMs(both, 0.4)).toBeCloseTo(0.15, 10);
  });
});
