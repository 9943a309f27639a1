import { describe, expect, it } from 'vitest';
import { DeploymentHealth } from './deployment-health.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');

describe('DeploymentHealth: load and latency', () => {
  it('counts outstanding requests and never goes below zero', () => {
    const health = new DeploymentHealth();
    health.startRequest();
    health.startRequest();
    health.finishRequest();
    expect(health.outstanding).toBe(1);
    health.finishRequest();
    health.finishRequest();
    expect(health.outstanding).toBe(0);
  });

  it('keeps latency and time-to-first-token EWMAs with their own alphas', () => {
    const health = new DeploymentHealth({ latencyAlpha: 0.5, timeToFirstTokenAlpha: 0.1 });
    expect(health.latencyEwmaMs).toBeUndefined();
    health.recordLatency(100); // the first sample seeds the average
    health.recordLatency(200);
    health.recordLatency(400);
    expect(health.latencyEwmaMs).toBe(275);
    health.recordTimeToFirstToken(100);
    health.recordTimeToFirstToken(200);
    expect(health.timeToFirstTokenEwmaMs).toBeCloseTo(110);
  });

  it('ignores nonsense samples', () => {
    const health = new DeploymentHealth();
    health.recordLatency(-5);
    health.recordLatency(Number.NaN);
    health.recordTimeToFirstToken(Number.POSITIVE_INFINITY);
    expect([health.latencyEwmaMs, health.timeToFirstTokenEwmaMs, health.latencySamples]).toEqual([undefined, undefined, 0]);
  });

  it('estimates quantiles over the last N samples only', () => {
    const health = new DeploymentHealth({ latencySampleSize: 100 });
    expect(health.quantile(0.95)).toBeUndefined();
    for (let ms = 1; ms <= 100; ms += 1) health.recordLatency(ms);
    expect(health.quantile(0)).toBe(1);
    expect(health.quantile(0.5)).toBeCloseTo(50.5);
    expect(health.quantile(0.95)).toBeCloseTo(95.05);
    expect(health.quantile(1)).toBe(100);
    // A slow spell replaces the oldest half of the ring.
    for (let index = 0; index < 50; index += 1) health.recordLatency(1_000);
    expect(health.latencySamples).toBe(100);
    expect(health.quantile(0)).toBe(51);
    expect(health.quantile(0.95)).toBe(1_000);
  });

  it('keeps time-to-first-token quantiles and exposes both histories for hedging', () => {
    const health = new DeploymentHealth({ latencySampleSize: 10 });
    for (const ms of [50, 10, 40, 20, 30]) health.recordTimeToFirstToken(ms);
    expect(health.timeToFirstTokenQuantile(0.5)).toBe(30);
    const history = health.latencyHistory('time-to-first-token');
    expect([history.samples, history.quantile(1)]).toEqual([5, 50]);
    expect(health.latencyHistory('latency').samples).toBe(0);
  });
});

describe('DeploymentHealth: cooldown after a 429', () => {
  it('cools down for the Retry-After, keeping a longer one already set', () => {
    const health = new DeploymentHealth();
    health.recordRateLimit(5_000, NOW);
    health.recordRateLimit(1_000, NOW + 100);
    expect(health.isAvailable(NOW + 4_999)).toBe(false);
    expect(health.isAvailable(NOW + 5_000)).toBe(true);
  });

  it('uses the default without a hint and caps long ones', () => {
    const health = new DeploymentHealth({ defaultCooldownMs: 700, maxBackoffMs: 30_000 });
    health.recordRateLimit(undefined, NOW);
    expect(health.stats(NOW).cooldownUntil).toBe(NOW + 700);
    health.recordRateLimit(3_600_000, NOW);
    expect(health.stats(NOW).cooldownUntil).toBe(NOW + 30_000);
  });
});

describe('DeploymentHealth: learning rate limits from headers', () => {
  it('is saturated until the OpenAI reset when remaining requests hit 0', () => {
    const health = new DeploymentHealth();
    health.learnFromHeaders(
      {
        'x-ratelimit-limit-requests': '500',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '1.5s',
        'x-ratelimit-limit-tokens': '30000',
        'x-ratelimit-remaining-tokens': '29000',
        'x-ratelimit-reset-tokens': '2ms',
      },
      NOW,
    );
    expect(health.isSaturated(NOW + 1_499)).toBe(true);
    expect(health.isAvailable(NOW + 1_499)).toBe(false);
    expect(health.isAvailable(NOW + 1_500)).toBe(true);
  });

  it('saturates below the configured fraction of the limit, on tokens too', () => {
    const health = new DeploymentHealth({ saturationFraction: 0.05 });
    const headers = (remainingTokens: string) => ({
      'x-ratelimit-limit-tokens': '100000',
      'x-ratelimit-remaining-tokens': remainingTokens,
      'x-ratelimit-reset-tokens': '6m0s',
      'x-ratelimit-remaining-requests': '99',
    });
    health.learnFromHeaders(headers('5000'), NOW);
    expect(health.isSaturated(NOW)).toBe(false);
    health.learnFromHeaders(headers('4999'), NOW);
    // 6 minutes exceeds maxBackoffMs (60 s): steer away for at most a minute.
    expect(health.stats(NOW).saturatedUntil).toBe(NOW + 60_000);
  });

  it('is saturated until the Anthropic RFC 3339 reset, for requests, tokens, input or output tokens', () => {
    const health = new DeploymentHealth();
    health.learnFromHeaders(
      {
        'anthropic-ratelimit-requests-limit': '1000',
        'anthropic-ratelimit-requests-remaining': '999',
        'anthropic-ratelimit-requests-reset': '2025-06-01T12:00:01Z',
        'anthropic-ratelimit-input-tokens-limit': '80000',
        'anthropic-ratelimit-input-tokens-remaining': '0',
        'anthropic-ratelimit-input-tokens-reset': '2025-06-01T12:00:12Z',
        'anthropic-ratelimit-output-tokens-limit': '16000',
        'anthropic-ratelimit-output-tokens-remaining': '16000',
        'anthropic-ratelimit-output-tokens-reset': '2025-06-01T12:00:00Z',
      },
      NOW,
    );
    expect(health.stats(NOW).saturatedUntil).toBe(NOW + 12_000);
    expect(health.learntRateLimits['input-tokens']).toEqual({ limit: 80000, remaining: 0, resetAt: NOW + 12_000 });
  });

  it('lifts saturation as soon as a newer response shows capacity', () => {
    const health = new DeploymentHealth();
    health.learnFromHeaders({ 'anthropic-ratelimit-tokens-remaining': '0', 'anthropic-ratelimit-tokens-reset': '2025-06-01T12:00:30Z' }, NOW);
    expect(health.isSaturated(NOW + 1_000)).toBe(true);
    health.learnFromHeaders({ 'anthropic-ratelimit-tokens-remaining': '40000', 'anthropic-ratelimit-tokens-limit': '80000' }, NOW + 1_000);
    expect(health.isSaturated(NOW + 1_000)).toBe(false);
  });

  it('uses the default saturation time when no reset is given, and ignores headers without rate limits', () => {
    const health = new DeploymentHealth({ defaultSaturationMs: 2_000 });
    health.learnFromHeaders({ 'x-ratelimit-remaining-requests': '0' }, NOW);
    expect(health.stats(NOW).saturatedUntil).toBe(NOW + 2_000);
    health.learnFromHeaders({ 'content-type': 'application/json' }, NOW);
    expect(health.stats(NOW).saturatedUntil).toBe(NOW + 2_000);
  });

  it('combines cooldown and saturation in isAvailable and stats', () => {
    const health = new DeploymentHealth();
    health.recordRateLimit(1_000, NOW);
    health.learnFromHeaders({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '3s' }, NOW);
    expect(health.stats(NOW + 2_000)).toMatchObject({ cooldownUntil: undefined, saturatedUntil: NOW + 3_000, available: false });
    expect(health.isAvailable(NOW + 3_000)).toBe(true);
  });
});
