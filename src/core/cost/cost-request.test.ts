import { describe, expect, it } from 'vitest';
import type { AttemptRecord } from '../../spec/errors.js';
import { costRequest, type DeploymentPricingLookup } from './cost-request.js';
import { referenceCost, resolveReferencePricing, savingsUsd, summariseCostsByWorkload, workloadCostFields } from './reference-cost.js';
import { resolveDeploymentPricing } from './resolve-pricing.js';
import { z } from 'zod';

const mini = resolveDeploymentPricing({ model: 'gpt-4o-mini', providerConfig: { type: 'openai' } })!;
// Claude 3.7 Sonnet: $3 / $15, no long-context tier (Sonnet 4.5 bills prompts over 200K at $6 / $22.50).
const sonnet = resolveDeploymentPricing({ model: 'claude-3-7-sonnet-20250219', providerConfig: { type: 'anthropic' } })!;
const sonnet45 = resolveDeploymentPricing({ model: 'claude-sonnet-4-5', providerConfig: { type: 'anthropic' } })!;
const llama = resolveDeploymentPricing({ model: 'llama', providerConfig: { type: 'together' }, pricing: { input_per_mtok: 0.2, output_per_mtok: 0.2 } })!;

const deployments: Record<string, DeploymentPricingLookup> = {
  'openai/gpt-4o-mini': { providerType: 'openai', pricing: mini },
  'together/llama': { providerType: 'together', pricing: llama },
  'local/unpriced': { providerType: 'vllm', pricing: undefined },
};
const pricingOf = (id: string) => deployments[id];

const million = { inputTokens: 1_000_000, outputTokens: 1_000_000 };

describe('reference cost and savings', () => {
  it('prices the same tokens at the reference model, keeping cache hits and treating writes as input', () => {
    // 600k uncached + 200k written → $3 × 0.8; 200k read × $0.30; 100k out × $15.
    const cost = referenceCost({ inputTokens: 1_000_000, outputTokens: 100_000, cacheReadInputTokens: 200_000, cacheWriteInputTokens: 200_000 }, sonnet);
    expect(cost).toMatchObject({ cacheWriteUsd: 0 });
    expect(cost.inputUsd).toBeCloseTo(2.4, 12);
    expect(cost.cachedInputUsd).toBeCloseTo(0.06, 12);
    expect(cost.totalUsd).toBeCloseTo(3.96, 12);
    expect(savingsUsd(3.96, 0.5)).toBeCloseTo(3.46, 12);
    // Over 200K prompt tokens Sonnet 4.5 bills the whole request at $6 / $0.60 / $22.50.
    expect(referenceCost({ inputTokens: 1_000_000, outputTokens: 100_000, cacheReadInputTokens: 200_000 }, sonnet45).totalUsd).toBeCloseTo(4.8 + 0.12 + 2.25, 12);
    expect(savingsUsd(undefined, 0.5)).toBeUndefined();
  });

  it('takes the reference prices from the first priced deployment of the reference model', () => {
    const model = { deployments: [{ model: 'x', providerConfig: { type: 'vllm' as const } }, { model: 'claude-sonnet-4-5-20250929', providerConfig: { type: 'anthropic' as const } }] };
    expect(resolveReferencePricing(model)?.catalogueId).toBe('claude-sonnet-4-5');
    expect(resolveReferencePricing(undefined)).toBeUndefined();
  });

  it('exports a workload schema fragment for reference_model', () => {
    const workload = z.object({ ...workloadCostFields }).strict();
    expect(workload.parse({ reference_model: 'frontier' })).toEqual({ reference_model: 'frontier' });
    expect(workload.safeParse({ reference_model: '' }).success).toBe(false);
  });

  it('sums cost, reference cost and savings per workload over comparable requests', () => {
    const summary = summariseCostsByWorkload([
      { workload: 'chat', costUsd: 0.1, referenceCostUsd: 1 },
      { workload: 'chat', costUsd: 0.2, referenceCostUsd: 0.5 },
      { workload: 'chat', costUsd: 0.3 },
      { workload: 'chat' },
      { costUsd: 0.05, referenceCostUsd: 0.01 },
    ]);
    expect(summary).toHaveLength(2);
    expect(summary[0]).toMatchObject({ workload: 'chat', requests: 4, uncostedRequests: 1, comparedRequests: 2 });
    expect(summary[0]!.costUsd).toBeCloseTo(0.6, 12);
    expect(summary[0]!.referenceCostUsd).toBeCloseTo(1.5, 12);
    expect(summary[0]!.savingsUsd).toBeCloseTo(1.2, 12);
    expect(summary[1]).toMatchObject({ workload: '(none)', requests: 1, comparedRequests: 1 });
    expect(summary[1]!.savingsUsd).toBeCloseTo(-0.04, 12);
  });
});

describe('costRequest', () => {
  it('charges a single answered attempt, and the reference for its tokens', () => {
    const result = costRequest({
      attempts: [{ deployment: 'openai/gpt-4o-mini', provider: 'openai', code: 'ok', latencyMs: 10, retry: 0, usage: million }],
      pricingOf,
      referencePricing: sonnet,
    });
    // gpt-4o-mini: $0.15 + $0.60; reference claude-3-7-sonnet: $3 + $15.
    expect(result.costUsd).toBeCloseTo(0.75, 12);
    expect(result.referenceCostUsd).toBeCloseTo(18, 12);
    expect(result.perAttempt).toHaveLength(1);
    expect(result.perAttempt[0]!.breakdown?.outputUsd).toBeCloseTo(0.6, 12);
  });

  it('charges every attempt that consumed tokens: a lost hedge, a stream cut mid-way, and the answer', () => {
    const attempts: AttemptRecord[] = [
      { deployment: 'together/llama', provider: 'together', code: 'rate_limited', latencyMs: 5, retry: 0 },
      { deployment: 'together/llama', provider: 'together', code: 'stream_interrupted', latencyMs: 50, retry: 1, usage: { inputTokens: 1_000_000, outputTokens: 500_000 } },
      { deployment: 'together/llama', provider: 'together', code: 'cancelled', latencyMs: 40, retry: 2, usage: { inputTokens: 1_000_000, outputTokens: 250_000 } },
      { deployment: 'openai/gpt-4o-mini', provider: 'openai', code: 'ok', latencyMs: 30, retry: 0, hedge: true, usage: million },
    ];
    const result = costRequest({ attempts, pricingOf, referencePricing: sonnet });
    // $0.30 + $0.25 on llama at $0.20/1M, $0.75 on gpt-4o-mini; the failed first try used nothing.
    expect(result.costUsd).toBeCloseTo(1.3, 12);
    expect(result.perAttempt.map((attempt) => attempt.costUsd)).toEqual([0, expect.closeTo(0.3, 12), expect.closeTo(0.25, 12), expect.closeTo(0.75, 12)]);
    expect(result.perAttempt[3]).toMatchObject({ hedge: true, code: 'ok' });
    // The reference would have answered once: only the answering attempt's tokens.
    expect(result.referenceCostUsd).toBeCloseTo(18, 12);
    expect(savingsUsd(result.referenceCostUsd, result.costUsd)).toBeCloseTo(16.7, 12);
  });

  it('never charges the same attempt twice, even when its record appears twice', () => {
    const answer: AttemptRecord = { deployment: 'openai/gpt-4o-mini', provider: 'openai', code: 'ok', latencyMs: 30, usage: million };
    const result = costRequest({ attempts: [answer, answer], pricingOf });
    expect(result.costUsd).toBeCloseTo(0.75, 12);
    expect(result.perAttempt).toHaveLength(1);
    expect(result.referenceCostUsd).toBeUndefined();
  });

  it('leaves the request cost unknown when an attempt that used tokens has no price', () => {
    const result = costRequest({
      attempts: [
        { deployment: 'local/unpriced', provider: 'local', code: 'stream_interrupted', latencyMs: 5, usage: million },
        { deployment: 'openai/gpt-4o-mini', provider: 'openai', code: 'ok', latencyMs: 30, usage: million },
        { deployment: 'gone', provider: 'x', code: 'cancelled', latencyMs: 1, usage: million },
      ],
      pricingOf,
    });
    expect(result.costUsd).toBeUndefined();
    expect(result.uncostedAttempts).toBe(2);
    expect(result.perAttempt.map((attempt) => attempt.costUsd)).toEqual([undefined, expect.closeTo(0.75, 12), undefined]);
  });

  it('costs nothing when no attempt used tokens', () => {
    const result = costRequest({
      attempts: [{ deployment: 'openai/gpt-4o-mini', provider: 'openai', code: 'provider_unreachable', latencyMs: 3, usage: { inputTokens: 0, outputTokens: 0 } }],
      pricingOf,
      referencePricing: sonnet,
    });
    expect(result).toMatchObject({ costUsd: 0, referenceCostUsd: undefined, uncostedAttempts: 0 });
  });
});
