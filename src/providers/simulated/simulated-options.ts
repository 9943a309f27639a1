import { z } from 'zod';

/**
 * The `simulated` provider's config block. Every key is optional and the defaults answer instantly
 * with no faults, so tests need no config; demos and load tests opt into latency, pacing and faults.
 */
const latencySchema = z
  .object({
    /** `fixed` always waits the median; `uniform` draws from [0, 2×median]; `lognormal` has a long tail. */
    distribution: z.enum(['fixed', 'uniform', 'lognormal']).default('fixed'),
    /** Median time to first token (time to response headers), in milliseconds. */
    median_ms: z.number().nonnegative().default(0),
    /** 99th percentile, used by `lognormal` only. Defaults to 3× the median. */
    p99_ms: z.number().nonnegative().optional(),
  })
  .strict()
  .refine((latency) => latency.p99_ms === undefined || latency.p99_ms >= latency.median_ms, {
    message: 'p99_ms must be at least median_ms',
    path: ['p99_ms'],
  });

const outputTokensSchema = z
  .object({
    min: z.number().int().nonnegative().default(16),
    max: z.number().int().nonnegative().default(64),
  })
  .strict()
  .refine((range) => range.min <= range.max, { message: 'min must not exceed max', path: ['min'] });

const probability = z.number().min(0).max(1).default(0);

const faultsSchema = z
  .object({
    /** Share of calls rejected with a 429 (ProviderRateLimitError). */
    rate_limit: probability,
    /** Share of calls rejected with a 503 (ProviderApiError). */
    server_error: probability,
    /** Share of calls that time out waiting for the first token (ProviderTimeoutError). */
    timeout: probability,
    /** Share of streams cut after roughly half their deltas (StreamInterruptedError). Streams only. */
    stream_cut: probability,
    /** Retry-After reported with simulated rate limits. Defaults to 1000. */
    retry_after_ms: z.number().int().nonnegative().optional(),
  })
  .strict()
  // One draw decides among these three, so their shares must fit in one call.
  .refine((faults) => faults.rate_limit + faults.server_error + faults.timeout <= 1, {
    message: 'rate_limit + server_error + timeout must not exceed 1',
  });

export const simulatedProviderOptionsSchema = z
  .object({
    latency: latencySchema.prefault({}),
    /** Output pacing once the first token is out; 0 means the whole answer arrives at once. */
    tokens_per_second: z.number().nonnegative().default(0),
    /** Length of generated answers, drawn per prompt. */
    output_tokens: outputTokensSchema.prefault({}),
    faults: faultsSchema.prefault({}),
    /** Seeds latency and fault sampling for reproducible runs; Math.random otherwise. */
    seed: z.number().int().optional(),
    /** Length of embedding vectors unless the call asks for `dimensions`. */
    embedding_dimensions: z.number().int().min(1).max(8192).default(256),
  })
  .strict();

/** The config block as written in the config file. */
export type SimulatedProviderOptionsInput = z.input<typeof simulatedProviderOptionsSchema>;
/** The config block after parsing, with every default filled in. */
export type SimulatedProviderOptions = z.output<typeof simulatedProviderOptionsSchema>;
