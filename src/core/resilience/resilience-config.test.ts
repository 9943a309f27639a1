import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY } from './backoff.js';
import { DEFAULT_CIRCUIT_BREAKER_OPTIONS } from './circuit-breaker.js';
import { DEFAULT_RETRY_BUDGET_OPTIONS } from './retry-budget.js';
import {
  resilienceConfigSchema,
  resolveLoadBalancingStrategy,
  resolveResilienceSettings,
  workloadResilienceConfigSchema,
} from './resilience-config.js';

describe('resilience config schemas', () => {
  it('accepts a full snake_case config', () => {
    const parsed = resilienceConfigSchema.parse({
      retry: { max_attempts: 3, base_ms: 100, max_ms: 2_000, max_retry_after_ms: 10_000, budget: { ratio: 0.1, min_per_second: 2, window_ms: 5_000 } },
      circuit_breaker: {
        consecutive_failures: 4,
        error_rate: 0.3,
        window_ms: 20_000,
        minimum_requests: 10,
        open_ms: 2_000,
        max_open_ms: 30_000,
        half_open_probes: 2,
      },
      load_balancing: 'least-outstanding',
      hedge: { enabled: true, after: 'p90', min_samples: 50, max_extra: 1 },
      timeouts: { first_token_ms: 30_000, idle_ms: 20_000, total_ms: 300_000 },
    });
    expect(parsed.retry?.budget?.ratio).toBe(0.1);
  });

  it('accepts an empty config and applies no defaults itself', () => {
    expect(resilienceConfigSchema.parse({})).toEqual({});
  });

  it('rejects unknown keys, bad enums and inconsistent bounds', () => {
    const issues = (value: unknown) => resilienceConfigSchema.safeParse(value).error?.issues.map((issue) => issue.path.join('.'));
    expect(issues({ retry: { max_attempt: 2 } })).toEqual(['retry']);
    expect(issues({ load_balancing: 'round-robin' })).toEqual(['load_balancing']);
    expect(issues({ hedge: { after: 'p42' } })).toEqual(['hedge.after']);
    expect(issues({ retry: { base_ms: 500, max_ms: 100 } })).toEqual(['retry.max_ms']);
    expect(issues({ circuit_breaker: { open_ms: 10_000, max_open_ms: 1_000 } })).toEqual(['circuit_breaker.max_open_ms']);
    expect(issues({ circuit_breaker: { error_rate: 0 } })).toEqual(['circuit_breaker.error_rate']);
    expect(issues({ retry: { budget: { window_ms: 500 } } })).toEqual(['retry.budget.window_ms']);
    // Connect timeouts are per provider; here the key is refused with a pointer to where it goes.
    const connect = resilienceConfigSchema.safeParse({ timeouts: { connect_ms: 500 } }).error?.issues[0];
    expect(connect).toMatchObject({ path: ['timeouts', 'connect_ms'], message: 'connect_ms is set per provider: providers.<name>.timeouts.connect_ms' });
  });

  it('keeps the breaker out of workload configs (breakers are per deployment)', () => {
    expect(workloadResilienceConfigSchema.safeParse({ circuit_breaker: {} }).success).toBe(false);
    expect(workloadResilienceConfigSchema.safeParse({ retry: { max_attempts: 1 } }).success).toBe(true);
  });
});

describe('resolveResilienceSettings', () => {
  it('fills every setting from the defaults when nothing is configured', () => {
    const settings = resolveResilienceSettings(undefined, {});
    expect(settings).toEqual({
      retry: DEFAULT_RETRY_POLICY,
      retryBudget: DEFAULT_RETRY_BUDGET_OPTIONS,
      circuitBreaker: DEFAULT_CIRCUIT_BREAKER_OPTIONS,
      loadBalancing: 'power-of-two-choices',
      hedge: { enabled: false, after: { quantile: 0.95 }, minSamples: 20, maxExtra: 1 },
      timeouts: { firstTokenMs: undefined, idleMs: undefined, totalMs: undefined },
    });
  });

  it('lets the workload layer override the top level key by key, nested budget included', () => {
    const topLevel = resilienceConfigSchema.parse({
      retry: { max_attempts: 3, base_ms: 100, budget: { ratio: 0.1, min_per_second: 1 } },
      load_balancing: 'latency',
      hedge: { enabled: true },
      timeouts: { total_ms: 60_000 },
      circuit_breaker: { open_ms: 2_000 },
    });
    const workload = workloadResilienceConfigSchema.parse({
      retry: { max_attempts: 1, budget: { ratio: 0.5 } },
      hedge: { after: 250 },
      timeouts: { first_token_ms: 5_000 },
    });
    const settings = resolveResilienceSettings(topLevel, workload);
    expect(settings.retry).toEqual({ ...DEFAULT_RETRY_POLICY, maxAttempts: 1, baseMs: 100 });
    expect(settings.retryBudget).toEqual({ ...DEFAULT_RETRY_BUDGET_OPTIONS, ratio: 0.5, minRetriesPerSecond: 1 });
    expect(settings.loadBalancing).toBe('latency');
    expect(settings.hedge).toMatchObject({ enabled: true, after: { fixedMs: 250 } });
    expect(settings.timeouts).toEqual({ firstTokenMs: 5_000, idleMs: undefined, totalMs: 60_000 });
    expect(settings.circuitBreaker.openMs).toBe(2_000);
  });

  it('keeps ceilings at least as large as bases set by another layer', () => {
    const settings = resolveResilienceSettings({ retry: { max_ms: 300 }, circuit_breaker: { max_open_ms: 1_000 } }, { retry: { base_ms: 1_000 } });
    expect(settings.retry).toMatchObject({ baseMs: 1_000, maxMs: 1_000 });
    expect(resolveResilienceSettings({ circuit_breaker: { open_ms: 90_000 } }).circuitBreaker.maxOpenMs).toBe(90_000);
  });

  it('maps hedge quantile names', () => {
    expect(resolveResilienceSettings({ hedge: { after: 'p99' } }).hedge.after).toEqual({ quantile: 0.99 });
  });

  it('prefers the model’s own load-balancing strategy', () => {
    const settings = resolveResilienceSettings({ load_balancing: 'ordered' });
    expect(resolveLoadBalancingStrategy(undefined, settings)).toBe('ordered');
    expect(resolveLoadBalancingStrategy('weighted', settings)).toBe('weighted');
  });
});
