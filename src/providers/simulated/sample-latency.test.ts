import { describe, expect, it } from 'vitest';
import { sampleLatency } from './sample-latency.js';
import { createSeededRandom, hashString } from '../../provider-utils/seeded-random.js';

const SAMPLES = 20_000;

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

function draw(latency: Parameters<typeof sampleLatency>[0], seed = 7): number[] {
  const random = createSeededRandom(seed);
  return Array.from({ length: SAMPLES }, () => sampleLatency(latency, random)).sort((a, b) => a - b);
}

describe('sampleLatency', () => {
  it('fixed returns the median without drawing', () => {
    let draws = 0;
    const random = (): number => {
      draws += 1;
      return 0.5;
    };
    expect(sampleLatency({ distribution: 'fixed', median_ms: 120 }, random)).toBe(120);
    expect(draws).toBe(0);
  });

  it('uniform spans [0, 2×median] with the configured median', () => {
    const samples = draw({ distribution: 'uniform', median_ms: 100 });
    expect(samples[0]).toBeGreaterThanOrEqual(0);
    expect(samples.at(-1)).toBeLessThan(200);
    expect(samples.at(-1)).toBeGreaterThan(195);
    expect(percentile(samples, 0.5)).toBeGreaterThan(95);
    expect(percentile(samples, 0.5)).toBeLessThan(105);
  });

  it('lognormal hits the configured median and p99', () => {
    const samples = draw({ distribution: 'lognormal', median_ms: 400, p99_ms: 3000 });
    expect(percentile(samples, 0.5) / 400).toBeGreaterThan(0.96);
    expect(percentile(samples, 0.5) / 400).toBeLessThan(1.04);
    expect(percentile(samples, 0.99) / 3000).toBeGreaterThan(0.9);
    expect(percentile(samples, 0.99) / 3000).toBeLessThan(1.1);
    expect(samples[0]).toBeGreaterThan(0);
  });

  it('lognormal defaults p99 to 3× the median', () => {
    const samples = draw({ distribution: 'lognormal', median_ms: 100 }, 11);
    expect(percentile(samples, 0.99) / 300).toBeGreaterThan(0.9);
    expect(percentile(samples, 0.99) / 300).toBeLessThan(1.1);
  });

  it('lognormal with p99 equal to the median is fixed, and a zero median is instant', () => {
    const random = createSeededRandom(1);
    expect(sampleLatency({ distribution: 'lognormal', median_ms: 50, p99_ms: 50 }, random)).toBeCloseTo(50, 9);
    expect(sampleLatency({ distribution: 'lognormal', median_ms: 0 }, random)).toBe(0);
  });

  it('survives a random source that returns exactly 0', () => {
    const value = sampleLatency({ distribution: 'lognormal', median_ms: 10, p99_ms: 100 }, () => 0);
    expect(Number.isFinite(value)).toBe(true);
  });
});

describe('createSeededRandom and hashString', () => {
  it('repeats a sequence for the same seed and differs for another', () => {
    const first = createSeededRandom(42);
    const second = createSeededRandom(42);
    const other = createSeededRandom(43);
    const a = Array.from({ length: 5 }, first);
    expect(Array.from({ length: 5 }, second)).toEqual(a);
    expect(Array.from({ length: 5 }, other)).not.toEqual(a);
    for (const value of a) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });

  it('is roughly uniform', () => {
    const random = createSeededRandom(3);
    const buckets = [0, 0, 0, 0];
    for (let index = 0; index < 20_000; index++) buckets[Math.floor(random() * 4)]! += 1;
    for (const count of buckets) expect(Math.abs(count - 5000)).toBeLessThan(300);
  });

  it('hashes stably (FNV-1a test vectors)', () => {
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c);
    expect(hashString('foobar')).toBe(0xbf9cf968);
  });
});
