import { z } from 'zod';
import { OPENAI_COMPATIBLE_PROVIDER_TYPES } from '../../providers/openai-compatible/openai-compatible-profile.js';
import { simulatedProviderOptionsSchema } from '../../providers/simulated/simulated-options.js';
import { deploymentCostFields } from '../cost/self-hosted.js';
import { workloadCostFields } from '../cost/reference-cost.js';
import { cacheStoreConfigField, workloadCacheFields } from '../cache/cache-config.js';
import { workloadRoutingSchema } from '../routing/routing-config.js';
import { evaluationConfigSchema, workloadEvaluationSchema } from '../evaluation/evaluation-config.js';
import { policyConfigField, workloadPolicyFields } from '../governance/policy/policy-config.js';
import { dataHandlingSchema, modelRegistrySchema, registryConfigSchema } from '../governance/registry/registry-config.js';
import { virtualKeysSchema } from '../keys/virtual-key-config.js';
import { storageConfigSchema } from '../../store/storage-config.js';
import { limitsSchema, limitsStoreSchema } from '../limits/limit-config.js';
import { fallbackRuleSchema } from '../routing/fallback-condition.js';
import { loadBalancingConfigSchema, resilienceConfigSchema, workloadResilienceConfigSchema } from '../resilience/resilience-config.js';
import { telemetryConfigSchema } from '../telemetry/tracing/tracing-config.js';

/**
 * The schema of `switchyard.yaml`. Every object is strict: an unknown key is an error naming it,
 * so a typo never silently disables a setting.
 */

const positiveInt = z.number().int().positive();
const nonNegative = z.number().nonnegative();

export const timeoutsSchema = z
  .object({
    connect_ms: positiveInt.optional(),
    /** Until response headers: for non-streaming calls, the whole generation. */
    first_token_ms: positiveInt.optional(),
    /** Longest wait for the next body chunk while the gateway reads (a client holding the stream paused does not count). */
    idle_ms: positiveInt.optional(),
  })
  .strict();

const providerCommon = {
  base_url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
  api_key: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  timeouts: timeoutsSchema.optional(),
  description: z.string().optional(),
  /** Retention, training use, regions and certifications of this provider (over its type's defaults). */
  data_handling: dataHandlingSchema.optional(),
};

/** Capabilities of an OpenAI-compatible server that the config may override. */
const capabilityOverridesSchema = z
  .object({
    json_schema: z.boolean().optional(),
    logprobs: z.boolean().optional(),
    stream_usage: z.boolean().optional(),
    seed: z.boolean().optional(),
    penalties: z.boolean().optional(),
    top_k: z.boolean().optional(),
    parallel_tool_calls: z.boolean().optional(),
    embeddings: z.boolean().optional(),
    max_tokens_field: z.enum(['max_tokens', 'max_completion_tokens']).optional(),
    auth_header: z.enum(['bearer', 'api-key']).optional(),
  })
  .strict();

const [firstCompatibleType, ...otherCompatibleTypes] = OPENAI_COMPATIBLE_PROVIDER_TYPES;

const openAICompatibleProviderSchema = z
  .object({
    type: z.enum([firstCompatibleType!, ...otherCompatibleTypes]),
    ...providerCommon,
    capabilities: capabilityOverridesSchema.optional(),
  })
  .strict();

const anthropicProviderSchema = z
  .object({
    type: z.literal('anthropic'),
    ...providerCommon,
    /** Value of the `anthropic-version` header. */
    version: z.string().optional(),
  })
  .strict();

const geminiProviderSchema = z.object({ type: z.literal('gemini'), ...providerCommon }).strict();

/** A built-in simulated provider: latency, pacing and faults (see providers/simulated). */
const simulatedProviderSchema = simulatedProviderOptionsSchema.extend({
  type: z.literal('simulated'),
  description: z.string().optional(),
  data_handling: dataHandlingSchema.optional(),
});

export const providerSchema = z.discriminatedUnion('type', [
  openAICompatibleProviderSchema,
  anthropicProviderSchema,
  geminiProviderSchema,
  simulatedProviderSchema,
]);

export const pricingSchema = z
  .object({
    input_per_mtok: nonNegative.optional(),
    output_per_mtok: nonNegative.optional(),
    cached_input_per_mtok: nonNegative.optional(),
    cache_write_per_mtok: nonNegative.optional(),
  })
  .strict();

export const deploymentSchema = z
  .object({
    /** Unique id of this deployment; defaults to `<provider>/<model>`. */
    id: z.string().min(1).optional(),
    provider: z.string().min(1),
    /** Upstream model id, pinned to a version where the provider offers one (`gpt-4o-2024-08-06`). */
    model: z.string().min(1),
    /** The version this deployment is pinned to, when the model id does not say it. */
    version: z.string().optional(),
    context_window: positiveInt.optional(),
    max_output_tokens: positiveInt.optional(),
    pricing: pricingSchema.optional(),
    weight: nonNegative.optional(),
    /** Data-handling terms of this deployment, over its provider's (a region, a zero-retention agreement). */
    data_handling: dataHandlingSchema.optional(),
    ...deploymentCostFields,
  })
  .strict();

export const modelSchema = z
  .object({
    description: z.string().optional(),
    kind: z.enum(['chat', 'embedding']).default('chat'),
    deployments: z.array(deploymentSchema).min(1, 'expected at least one deployment'),
    /** Models tried, in order, when every deployment of this one fails (unless a workload sets its own). */
    fallbacks: z.array(fallbackRuleSchema).default([]),
    /** How requests spread over the deployments (default: the top-level `resilience.load_balancing`). */
    load_balancing: loadBalancingConfigSchema.optional(),
    /** Owner, openness, licence, lifecycle, deprecation dates, pinned version and lineage (see governance/registry). */
    registry: modelRegistrySchema.optional(),
  })
  .strict();

export const workloadSchema = z
  .object({
    description: z.string().optional(),
    route: z
      .object({
        /** The logical model this workload uses first. */
        model: z.string().min(1),
        /**
         * Models tried in order when the primary fails: a name, or `{ model, on: [conditions] }`
         * (rate_limit, server_error, timeout, connection, bad_response, quota, context_length,
         * content_filter, circuit_open). Without its own list, the workload uses the model's.
         */
        fallbacks: z.array(fallbackRuleSchema).optional(),
      })
      .strict(),
    /** Requests/min, tokens/min and concurrent requests for all of this workload's traffic. */
    limits: limitsSchema.optional(),
    /** Retries, hedging and timeouts for this workload, over the top-level `resilience` defaults. */
    resilience: workloadResilienceConfigSchema.optional(),
    ...workloadCostFields,
    /** `cache`: exact-match response cache; `prompt_cache`: provider (Anthropic) prompt-cache breakpoints. */
    ...workloadCacheFields,
    /** Static rules, a learned router and a cascade that choose the model per request (see routing-config.ts). */
    routing: workloadRoutingSchema.optional(),
    /** Data class, requirements, declared use and sensitive-data detection (governance/policy/policy-config.ts). */
    ...workloadPolicyFields,
    /** Eval set and gate, online judging and shadow runs (see evaluation/evaluation-config.ts). */
    evaluation: workloadEvaluationSchema.optional(),
  })
  .strict();

export const serverSchema = z
  .object({
    host: z.string().optional(),
    port: z.number().int().min(0).max(65535).optional(),
    /** Largest accepted request body. */
    max_body_bytes: positiveInt.default(10 * 1024 * 1024),
    /** What to do with a parameter the chosen provider cannot honour: refuse with a 400, or drop it with a warning header. */
    unsupported_params: z.enum(['reject', 'drop']).default('reject'),
    /** Key for /admin endpoints. Without one, admin endpoints answer only to loopback clients. */
    admin_key: z.string().optional(),
    /** Longest any request may take, retries and fallbacks included; a client deadline header can only lower it. */
    request_timeout_ms: positiveInt.optional(),
    /** How long a graceful shutdown waits for in-flight requests. */
    shutdown_grace_ms: nonNegative.default(10_000),
  })
  .strict();

export const configSchema = z
  .object({
    server: serverSchema.default(() => serverSchema.parse({})),
    providers: z.record(z.string().min(1), providerSchema).default({}),
    models: z.record(z.string().min(1), modelSchema).default({}),
    workloads: z.record(z.string().min(1), workloadSchema).default({}),
    /**
     * Virtual API keys for clients, stored hashed (`key_sha256`) or given as `${ENV}` and hashed at
     * load. Without any, /v1 is open (fine on loopback, not in production).
     */
    keys: virtualKeysSchema.default([]),
    /** Where the request log lives: SQLite under `.switchyard/` (default) or PostgreSQL. */
    storage: storageConfigSchema.optional(),
    /** Recording of every request: costed, written in batches off the request path. */
    request_log: z
      .object({
        enabled: z.boolean().default(true),
        /** How often queued records are written; a crash loses at most this much. */
        flush_interval_ms: positiveInt.default(1000),
        batch_size: positiveInt.default(500),
        max_queue: positiveInt.default(10_000),
        spill_directory: z.string().min(1).default('.switchyard/spill'),
        /**
         * How the log's worker thread is scheduled against request handling on a shared core:
         * `low` (nice 10: keeps up on a saturated core) or `idle` (Linux SCHED_IDLE: writes only
         * with CPU that requests leave free, so a request never waits for an insert; once the
         * worker falls behind — more than two batches waiting, or a call stuck for a second — the
         * request thread yields it 0.5–2 ms every 4 ms until it has caught up).
         */
        writer_priority: z.enum(['idle', 'low']).default('low'),
        /**
         * Store request and response bodies with each record: off by default. When on, bodies are
         * redacted (emails, phone numbers, cards, IBANs, SSNs, API keys and tokens become typed
         * placeholders) and each side is cut to `max_bytes` of JSON. `redact: false` stores raw
         * prompts and answers, secrets included: unsafe outside a trusted, local log.
         */
        capture_payloads: z
          .object({
            enabled: z.boolean().default(false),
            max_bytes: positiveInt.default(65_536),
            redact: z.boolean().default(true),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /** Defaults for retries, circuit breakers, load balancing, hedging and timeouts. */
    resilience: resilienceConfigSchema.optional(),
    /** Where rate-limit counters live: this process (default) or Redis, shared by every replica. */
    limits_store: limitsStoreSchema.default({ type: 'memory' }),
    /** OpenTelemetry traces (GenAI conventions) over OTLP/HTTP: `telemetry.tracing`, off by default. */
    telemetry: telemetryConfigSchema.prefault({}),
    /** Where the response cache keeps answers of workloads with `cache` on: this process (default) or Redis. */
    cache_store: cacheStoreConfigField,
    /** Data class minimums and which class each kind of sensitive data raises a request to. */
    policy: policyConfigField,
    /** Licence terms added to or overriding the shipped catalogue (`registry.licenses.<key>`). */
    registry: registryConfigSchema.optional(),
    /** Background judging: concurrency, queue bound, rolling-quality alerts and their webhook. */
    evaluation: evaluationConfigSchema.prefault({}),
  })
  .strict();

export type RawConfig = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type ProviderConfig = z.output<typeof providerSchema>;
export type DeploymentConfig = z.output<typeof deploymentSchema>;
export type ModelConfig = z.output<typeof modelSchema>;
export type WorkloadConfig = z.output<typeof workloadSchema>;
export type ServerConfig = z.output<typeof serverSchema>;
