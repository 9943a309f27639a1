import { z } from 'zod';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './backoff.js';
import { DEFAULT_CIRCUIT_BREAKER_OPTIONS, type CircuitBreakerOptions } from './circuit-breaker.js';
import { DEFAULT_HEDGE_POLICY, type HedgePolicy } from './hedge-policy.js';
import { DEFAULT_LOAD_BALANCING_STRATEGY, LOAD_BALANCING_STRATEGIES, type LoadBalancingStrategy } from './load-balancer.js';
import { DEFAULT_RETRY_BUDGET_OPTIONS, type RetryBudgetOptions } from './retry-budget.js';

/**
 * Config-file schemas for resilience. Every key is optional and the schemas apply no defaults
 * themselves: settings are layered (top-level `resilience:`, then `workloads.<name>.resilience`,
 * with `models.<name>.load_balancing` for the strategy), and a default filled in by a lower
 * layer would hide the layer above it. `resolveResilienceSettings` merges the layers key by key
 * and fills what is still unset from the modules' defaults.
 */

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();

export const retryBudgetConfigSchema = z
  .object({
    /** Retries per original request over the window (0.2 = at most 20 % extra upstream load). */
    ratio: z.number().nonnegative().optional(),
    /** Retries always allowed per second, however little traffic there is. */
    min_per_second: z.number().nonnegative().optional(),
    window_ms: z.number().int().min(1000, 'expected at least 1000 (the window slides in 1 s steps)').optional(),
  })
  .strict();

export const retryConfigSchema = z
  .object({
    /** Attempts at the same deployment, the first included; 1 disables retries. */
    max_attempts: positiveInt.max(10).optional(),
    base_ms: nonNegativeInt.optional(),
    max_ms: nonNegativeInt.optional(),
    /** A longer Retry-After makes us fall back instead of waiting. */
    max_retry_after_ms: nonNegativeInt.optional(),
    budget: retryBudgetConfigSchema.optional(),
  })
  .strict()
  .refine((retry) => retry.base_ms === undefined || retry.max_ms === undefined || retry.max_ms >= retry.base_ms, {
    message: 'max_ms must be at least base_ms',
    path: ['max_ms'],
  });

export const circuitBreakerConfigSchema = z
  .object({
    consecutive_failures: positiveInt.optional(),
    /** Error rate (0..1] over `window_ms` that opens the breaker. */
    error_rate: z.number().gt(0).max(1).optional(),
    window_ms: positiveInt.optional(),
    minimum_requests: positiveInt.optional(),
    open_ms: positiveInt.optional(),
    max_open_ms: positiveInt.optional(),
    half_open_probes: positiveInt.optional(),
  })
  .strict()
  .refine((breaker) => breaker.open_ms === undefined || breaker.max_open_ms === undefined || breaker.max_open_ms >= breaker.open_ms, {
    message: 'max_open_ms must be at least open_ms',
    path: ['max_open_ms'],
  });

export const loadBalancingConfigSchema = z.enum(LOAD_BALANCING_STRATEGIES);

const HEDGE_QUANTILES = { p50: 0.5, p75: 0.75, p90: 0.9, p95: 0.95, p99: 0.99 } as const;
type HedgeQuantileName = keyof typeof HEDGE_QUANTILES;

export const hedgeConfigSchema = z
  .object({
    enabled: z.boolean().optional(),
    /** A latency quantile of the deployment (`p95`), or a fixed number of milliseconds. */
    after: z.union([z.enum(Object.keys(HEDGE_QUANTILES) as [HedgeQuantileName, ...HedgeQuantileName[]]), positiveInt]).optional(),
    /** Latency samples needed before a quantile trigger is trusted. */
    min_samples: positiveInt.optional(),
    max_extra: positiveInt.max(3).optional(),
  })
  .strict();

export const resilienceTimeoutsConfigSchema = z
  .object({
    // Connections belong to providers: a workload-wide connect timeout would have nothing to apply to.
    connect_ms: z.undefined({ message: 'connect_ms is set per provider: providers.<name>.timeouts.connect_ms' }).optional(),
    /** Streaming: until the first event. A non-streaming attempt is bounded by total_ms. */
    first_token_ms: positiveInt.optional(),
    /** Longest silence between stream chunks. */
    idle_ms: positiveInt.optional(),
    /** Whole attempt, first byte to last. */
    total_ms: positiveInt.optional(),
  })
  .strict();

/** Top-level `resilience:`. Breakers are per deployment, shared by every workload, so they are configured only here. */
export const resilienceConfigSchema = z
  .object({
    retry: retryConfigSchema.optional(),
    circuit_breaker: circuitBreakerConfigSchema.optional(),
    load_balancing: loadBalancingConfigSchema.optional(),
    hedge: hedgeConfigSchema.optional(),
    timeouts: resilienceTimeoutsConfigSchema.optional(),
  })
  .strict();

/** `workloads.<name>.resilience`: everything but the breaker. */
export const workloadResilienceConfigSchema = resilienceConfigSchema.omit({ circuit_breaker: true }).strict();

export type RetryBudgetConfig = z.output<typeof retryBudgetConfigSchema>;
export type RetryConfig = z.output<typeof retryConfigSchema>;
export type CircuitBreakerConfig = z.output<typeof circuitBreakerConfigSchema>;
export type LoadBalancingConfig = z.output<typeof loadBalancingConfigSchema>;
export type HedgeConfig = z.output<typeof hedgeConfigSchema>;
export type ResilienceTimeoutsConfig = z.output<typeof resilienceTimeoutsConfigSchema>;
export type ResilienceConfig = z.output<typeof resilienceConfigSchema>;
export type WorkloadResilienceConfig = z.output<typeof workloadResilienceConfigSchema>;

/** Timeouts for one attempt; undefined means "not set here": the provider's own setting, or none, applies. */
export interface ResilienceTimeouts {
  firstTokenMs: number | undefined;
  idleMs: number | undefined;
  totalMs: number | undefined;
}

/** Everything resolved for one workload, in the modules' own option types. */
export interface ResilienceSettings {
  retry: RetryPolicy;
  retryBudget: RetryBudgetOptions;
  circuitBreaker: CircuitBreakerOptions;
  loadBalancing: LoadBalancingStrategy;
  hedge: HedgePolicy;
  timeouts: ResilienceTimeouts;
}

/** Merges layers, lowest precedence first (top-level, then workload); unset keys take the defaults. */
export function resolveResilienceSettings(...layers: Array<ResilienceConfig | WorkloadResilienceConfig | undefined>): ResilienceSettings {
  const present = layers.filter((layer): layer is ResilienceConfig => layer !== undefined);
  const section = <Key extends keyof ResilienceConfig>(key: Key): Array<NonNullable<ResilienceConfig[Key]>> =>
    present.map((layer) => layer[key]).filter((value): value is NonNullable<ResilienceConfig[Key]> => value !== undefined);
  const retry = mergeDefined(...section('retry'));
  return {
    retry: toRetryPolicy(retry),
    retryBudget: toRetryBudgetOptions(mergeDefined(...section('retry').map((layer) => layer.budget ?? {}))),
    circuitBreaker: toCircuitBreakerOptions(mergeDefined(...section('circuit_breaker'))),
    loadBalancing: section('load_balancing').at(-1) ?? DEFAULT_LOAD_BALANCING_STRATEGY,
    hedge: toHedgePolicy(mergeDefined(...section('hedge'))),
    timeouts: toResilienceTimeouts(mergeDefined(...section('timeouts'))),
  };
}

/** The strategy for one model: the model's own setting, else the workload's resolved one. */
export function resolveLoadBalancingStrategy(model: LoadBalancingConfig | undefined, settings: Pick<ResilienceSettings, 'loadBalancing'>): LoadBalancingStrategy {
  return model ?? settings.loadBalancing;
}

export function toRetryPolicy(config: RetryConfig = {}): RetryPolicy {
  const baseMs = config.base_ms ?? DEFAULT_RETRY_POLICY.baseMs;
  return {
    maxAttempts: config.max_attempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
    baseMs,
    // Layers can set base_ms above another layer's max_ms; the ceiling then follows the base.
    maxMs: Math.max(baseMs, config.max_ms ?? DEFAULT_RETRY_POLICY.maxMs),
    maxRetryAfterMs: config.max_retry_after_ms ?? DEFAULT_RETRY_POLICY.maxRetryAfterMs,
  };
}

export function toRetryBudgetOptions(config: RetryBudgetConfig = {}): RetryBudgetOptions {
  return {
    ratio: config.ratio ?? DEFAULT_RETRY_BUDGET_OPTIONS.ratio,
    minRetriesPerSecond: config.min_per_second ?? DEFAULT_RETRY_BUDGET_OPTIONS.minRetriesPerSecond,
    windowMs: config.window_ms ?? DEFAULT_RETRY_BUDGET_OPTIONS.windowMs,
    bucketMs: DEFAULT_RETRY_BUDGET_OPTIONS.bucketMs,
  };
}

export function toCircuitBreakerOptions(config: CircuitBreakerConfig = {}): CircuitBreakerOptions {
  const openMs = config.open_ms ?? DEFAULT_CIRCUIT_BREAKER_OPTIONS.openMs;
  return {
    consecutiveFailures: config.consecutive_failures ?? DEFAULT_CIRCUIT_BREAKER_OPTIONS.consecutiveFailures,
    errorRateThreshold: config.error_rate ?? DEFAULT_CIRCUIT_BREAKER_OPTIONS.errorRateThreshold,
    windowMs: config.window_ms ?? DEFAULT_CIRCUIT_BREAKER_OPTIONS.windowMs,
    minimumRequests: config.minimum_requests ?? DEFAULT_CIRCUIT_BREAKER_OPTIONS.minimumRequests,
    openMs,
    maxOpenMs: Math.max(openMs, config.max_open_ms ?? DEFAULT_CIRCUIT_BREAKER_OPTIONS.maxOpenMs),
    halfOpenProbes: config.half_open_probes ?? DEFAULT_CIRCUIT_BREAKER_OPTIONS.halfOpenProbes,
  };
}

export function toHedgePolicy(config: HedgeConfig = {}): HedgePolicy {
  const after = config.after;
  return {
    enabled: config.enabled ?? DEFAULT_HEDGE_POLICY.enabled,
    after: after === undefined ? { ...DEFAULT_HEDGE_POLICY.after } : typeof after === 'number' ? { fixedMs: after } : { quantile: HEDGE_QUANTILES[after] },
    minSamples: config.min_samples ?? DEFAULT_HEDGE_POLICY.minSamples,
    maxExtra: config.max_extra ?? DEFAULT_HEDGE_POLICY.maxExtra,
  };
}

export function toResilienceTimeouts(config: ResilienceTimeoutsConfig = {}): ResilienceTimeouts {
  return { firstTokenMs: config.first_token_ms, idleMs: config.idle_ms, totalMs: config.total_ms };
}

/** Shallow merge where a later object's defined keys win and its undefined keys do not erase. */
function mergeDefined<Value extends object>(...objects: Value[]): Partial<Value> {
  const result: Partial<Value> = {};
  for (const object of objects) {
    for (const [key, value] of Object.entries(object)) {
      if (value !== undefined) (result as Record<string, unknown>)[key] = value;
    }
  }
  return result;
}
