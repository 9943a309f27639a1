import { describe, expect, it } from 'vitest';
import { simulatedProviderOptionsSchema } from './simulated-options.js';

describe('simulatedProviderOptionsSchema', () => {
  it('fills every default from an empty block: instant, no faults', () => {
    expect(simulatedProviderOptionsSchema.parse({})).toEqual({
      latency: { distribution: 'fixed', median_ms: 0 },
      tokens_per_second: 0,
      output_tokens: { min: 16, max: 64 },
      faults: { rate_limit: 0, server_error: 0, timeout: 0, stream_cut: 0 },
      embedding_dimensions: 256,
    });
  });

  it('fills defaults inside partly written nested blocks', () => {
    const parsed = simulatedProviderOptionsSchema.parse({ latency: { median_ms: 200 }, faults: { rate_limit: 0.1 } });
    expect(parsed.latency).toEqual({ distribution: 'fixed', median_ms: 200 });
    expect(parsed.faults).toEqual({ rate_limit: 0.1, server_error: 0, timeout: 0, stream_cut: 0 });
  });

  it('accepts a full block and re-parses its own output unchanged', () => {
    const parsed = simulatedProviderOptionsSchema.parse({
      latency: { distribution: 'lognormal', median_ms: 300, p99_ms: 2000 },
      tokens_per_second: 80,
      output_tokens: { min: 5, max: 10 },
      faults: { rate_limit: 0.1, server_error: 0.1, timeout: 0.1, stream_cut: 0.5, retry_after_ms: 250 },
      seed: 42,
      embedding_dimensions: 8,
    });
    expect(simulatedProviderOptionsSchema.parse(parsed)).toEqual(parsed);
  });

  it.each([
    ['an unknown top-level key', { latancy: {} }],
    ['an unknown nested key (camelCase)', { latency: { medianMs: 5 } }],
    ['an unknown distribution', { latency: { distribution: 'normal' } }],
    ['p99 below the median', { latency: { median_ms: 100, p99_ms: 50 } }],
    ['a fault rate above 1', { faults: { stream_cut: 1.5 } }],
    ['call-level fault rates summing above 1', { faults: { rate_limit: 0.6, server_error: 0.3, timeout: 0.2 } }],
    ['output min above max', { output_tokens: { min: 10, max: 5 } }],
    ['negative tokens_per_second', { tokens_per_second: -1 }],
    ['a fractional seed', { seed: 1.5 }],
    ['zero embedding dimensions', { embedding_dimensions: 0 }],
  ])('rejects %s', (_label, block) => {
    expect(simulatedProviderOptionsSchema.safeParse(block).success).toBe(false);
  });
});
