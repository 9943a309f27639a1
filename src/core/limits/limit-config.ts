import { z } from 'zod';

/** Defaults of the `limits_store` section. */
export const DEFAULT_LIMITS_KEY_PREFIX = 'switchyard:rl:';

const positiveInt = z.number().int().positive();

/**
 * Limits of one scope (a virtual key, a workload, ...). An absent field means no limit of that kind.
 * Token limits count prompt plus completion tokens, charged on an estimate and reconciled with
 * the usage the provider reports.
 */
export const limitsSchema = z
  .object({
    requests_per_minute: positiveInt.optional(),
    tokens_per_minute: positiveInt.optional(),
    max_concurrent: positiveInt.optional(),
  })
  .strict();

/**
 * Where limit state lives: `memory` counts per replica (limits multiply with replicas);
 * `redis` shares them across replicas.
 */
export const limitsStoreSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('memory') }).strict(),
  z
    .object({
      type: z.literal('redis'),
      url: z.string().regex(/^rediss?:\/\/\S+$/, 'expected a redis:// or rediss:// URL'),
      key_prefix: z.string().min(1).default(DEFAULT_LIMITS_KEY_PREFIX),
    })
    .strict(),
]);

export type LimitsConfig = z.output<typeof limitsSchema>;
export type LimitsStoreConfig = z.output<typeof limitsStoreSchema>;
export type RawLimitsStoreConfig = z.input<typeof limitsStoreSchema>;
