import { z } from 'zod';

/** Defaults of the `cache_store` section. */
export const DEFAULT_CACHE_KEY_PREFIX = 'switchyard:cache:';
export const DEFAULT_CACHE_MAX_ENTRIES = 10_000;
export const DEFAULT_CACHE_MAX_BYTES = 64 * 1024 * 1024;
/** A user text part at least this long counts as a document worth a prompt-cache breakpoint. */
export const DEFAULT_PROMPT_CACHE_DOCUMENT_CHARS = 4096;

const positiveInt = z.number().int().positive();

/**
 * `workloads.<name>.cache`: the exact-match response cache. An identical request (same route,
 * same pinned deployment versions, same generation parameters) is answered from the cache
 * without calling any upstream. Errors are never cached. A request that asks for sampling
 * (`temperature > 0`) is not cached either, unless `include_sampled` says its answers may be
 * reused; a request without a temperature is cached, since the workload opted in.
 */
export const workloadCacheSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** How long an answer may be reused. */
    ttl_ms: positiveInt.default(300_000),
    /** Answers larger than this (encoded, in bytes) are not stored. */
    max_entry_bytes: positiveInt.optional(),
    /** Also cache requests with `temperature > 0`, whose answers are meant to vary. */
    include_sampled: z.boolean().default(false),
  })
  .strict();

/**
 * `workloads.<name>.prompt_cache`: provider prompt caching. For Anthropic deployments the gateway
 * places `cache_control` breakpoints on the stable prefix (last tool, last system part, long
 * documents in the first user message), at most four per request.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching
 */
export const promptCacheSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Anthropic's cache lifetime: `5m` (default price) or `1h` (dearer writes). */
    ttl: z.enum(['5m', '1h']).default('5m'),
    /** A user text part at least this long in the first user message gets its own breakpoint. */
    min_document_chars: positiveInt.default(DEFAULT_PROMPT_CACHE_DOCUMENT_CHARS),
  })
  .strict();

/** Mount in the workload schema: `...workloadCacheFields`. */
export const workloadCacheFields = {
  cache: workloadCacheSchema.optional(),
  prompt_cache: promptCacheSchema.optional(),
};

/**
 * `cache_store`: where cached answers live. `memory` is per replica, bounded by entries and
 * bytes (least recently used go first); `redis` is shared by every replica.
 */
export const cacheStoreSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('memory'),
      max_entries: positiveInt.default(DEFAULT_CACHE_MAX_ENTRIES),
      max_bytes: positiveInt.default(DEFAULT_CACHE_MAX_BYTES),
    })
    .strict(),
  z
    .object({
      type: z.literal('redis'),
      url: z.string().regex(/^rediss?:\/\/\S+$/, 'expected a redis:// or rediss:// URL'),
      key_prefix: z.string().min(1).default(DEFAULT_CACHE_KEY_PREFIX),
    })
    .strict(),
]);

/** Mount at the top level of the config: `cache_store: cacheStoreConfigField`. */
export const cacheStoreConfigField = cacheStoreSchema.prefault({ type: 'memory' });

export type WorkloadCacheConfig = z.output<typeof workloadCacheSchema>;
export type PromptCacheConfig = z.output<typeof promptCacheSchema>;
export type CacheStoreConfig = z.output<typeof cacheStoreSchema>;
export type RawCacheStoreConfig = z.input<typeof cacheStoreSchema>;
