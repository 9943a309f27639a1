import { describe, expect, it } from 'vitest';
import { anthropicUsageSchema } from '../../providers/anthropic/anthropic-api.js';
import { convertAnthropicUsage } from '../../providers/anthropic/convert-anthropic-usage.js';
import { convertGeminiUsage } from '../../providers/gemini/convert-gemini-usage.js';
import { geminiUsageMetadataSchema } from '../../providers/gemini/gemini-api.js';
import { openAIUsageSchema } from '../../providers/openai-compatible/openai-compatible-api.js';
import { convertOpenAIUsage } from '../../providers/openai-compatible/openai-compatible-chat-model.js';
import { computeCost } from './compute-cost.js';
import { resolveDeploymentPricing, type ProviderType } from './resolve-pricing.js';
import type { ResolvedPricing } from './resolved-pricing.js';
import { selfHostedCostPerMtok, selfHostedPricing, selfHostedSchema } from './self-hosted.js';

/** Catalogue pricing for an upstream model, as a deployment on that provider type would get it. */
function pricingFor(type: ProviderType, model: string): ResolvedPricing {
  const pricing = resolveDeploymentPricing({ model, providerConfig: { type } });
  if (!pricing) throw new Error(`no price for ${model}`);
  return pricing;
}

/** Usage as each adapter normalises it, from the provider's own wire usage object. */
const openAIUsage = (wire: unknown) => convertOpenAIUsage(openAIUsageSchema.parse(wire));
const anthropicUsage = (wire: unknown) => convertAnthropicUsage(anthropicUsageSchema.parse(wire));
const geminiUsage = (wire: unknown) => convertGeminiUsage(geminiUsageMetadataSchema.parse(wire));

function expectDollars(actual: ReturnType<typeof computeCost>, expected: ReturnType<typeof computeCost>): void {
  for (const key of Object.keys(expected) as Array<keyof typeof expected>) expect(actual[key], key).toBeCloseTo(expected[key], 12);
}

describe('computeCost: cached input per provider', () => {
  it('OpenAI: cached_tokens are a subset of prompt_tokens, billed at the cached price', () => {
    const usage = openAIUsage({ prompt_tokens: 10_000, completion_tokens: 500, prompt_tokens_details: { cached_tokens: 4_000 } });
    // gpt-4o: $2.50 in, $1.25 cached, $10 out. 6,000 × 2.50 + 4,000 × 1.25 + 500 × 10 per 1M.
    expectDollars(computeCost(usage, pricingFor('openai', 'gpt-4o-2024-08-06'), 'openai'), {
      inputUsd: 0.015,
      cachedInputUsd: 0.005,
      cacheWriteUsd: 0,
      outputUsd: 0.005,
      totalUsd: 0.025,
    });
  });

  it('OpenAI without a cache hit bills the whole prompt at the input price', () => {
    const usage = openAIUsage({ prompt_tokens: 1_000_000, completion_tokens: 1_000_000 });
    expect(computeCost(usage, pricingFor('openai', 'gpt-4o-mini-2024-07-18'), 'openai').totalUsd).toBeCloseTo(0.75, 12);
  });

  it('OpenAI-compatible (DeepSeek): prompt_cache_hit_tokens are the cached subset', () => {
    const usage = openAIUsage({ prompt_tokens: 100_000, completion_tokens: 1_000, prompt_cache_hit_tokens: 80_000 });
    // deepseek-chat: $0.28 miss, $0.028 hit, $0.42 out.
    expectDollars(computeCost(usage, pricingFor('openai-compatible', 'deepseek-chat'), 'openai-compatible'), {
      inputUsd: 0.0056,
      cachedInputUsd: 0.00224,
      cacheWriteUsd: 0,
      outputUsd: 0.00042,
      totalUsd: 0.00826,
    });
  });

  it('Anthropic: reads at 0.1×, 5-minute writes at 1.25×, the rest of the prompt at base price', () => {
    const usage = anthropicUsage({ input_tokens: 2_000, cache_read_input_tokens: 30_000, cache_creation_input_tokens: 10_000, output_tokens: 800 });
    expect(usage.inputTokens).toBe(42_000);
    // claude-sonnet-4-5: $3 in, $0.30 read, $3.75 write, $15 out.
    expectDollars(computeCost(usage, pricingFor('anthropic', 'claude-sonnet-4-5-20250929'), 'anthropic'), {
      inputUsd: 0.006,
      cachedInputUsd: 0.009,
      cacheWriteUsd: 0.0375,
      outputUsd: 0.012,
      totalUsd: 0.0645,
    });
  });

  it('Anthropic: 1-hour cache writes (split in usage.cache_creation) at 2×', () => {
    const usage = anthropicUsage({
      input_tokens: 2_000,
      cache_read_input_tokens: 30_000,
      cache_creation_input_tokens: 10_000,
      cache_creation: { ephemeral_5m_input_tokens: 4_000, ephemeral_1h_input_tokens: 6_000 },
      output_tokens: 800,
    });
    // 4,000 × $3.75 + 6,000 × $6 per 1M = 0.015 + 0.036.
    const cost = computeCost(usage, pricingFor('anthropic', 'claude-sonnet-4-5-20250929'), 'anthropic');
    expect(cost.cacheWriteUsd).toBeCloseTo(0.051, 12);
    expect(cost.totalUsd).toBeCloseTo(0.078, 12);
  });

  it('Anthropic with config pricing that omits cache prices uses the documented multipliers', () => {
    const pricing = resolveDeploymentPricing({ model: 'claude-3-5-haiku-20241022', providerConfig: { type: 'anthropic' }, pricing: { input_per_mtok: 0.8, output_per_mtok: 4 } })!;
    const usage = anthropicUsage({ input_tokens: 1_000_000, cache_read_input_tokens: 1_000_000, cache_creation_input_tokens: 1_000_000, output_tokens: 0 });
    expectDollars(computeCost(usage, pricing, 'anthropic'), { inputUsd: 0.8, cachedInputUsd: 0.08, cacheWriteUsd: 1, outputUsd: 0, totalUsd: 1.88 });
  });

  it('Gemini: cachedContentTokenCount is a subset of promptTokenCount, at the cached price; thoughts are output', () => {
    const usage = geminiUsage({ promptTokenCount: 20_000, cachedContentTokenCount: 15_000, candidatesTokenCount: 1_000, thoughtsTokenCount: 500 });
    // gemini-2.5-flash: $0.30 in, $0.03 cached, $2.50 out (thinking included).
    expectDollars(computeCost(usage, pricingFor('gemini', 'gemini-2.5-flash'), 'gemini'), {
      inputUsd: 0.0015,
      cachedInputUsd: 0.00045,
      cacheWriteUsd: 0,
      outputUsd: 0.00375,
      totalUsd: 0.0057,
    });
  });

  it('Gemini 2.5 Pro: a prompt over 200K tokens bills the whole request at the long-context prices', () => {
    const pricing = pricingFor('gemini', 'models/gemini-2.5-pro');
    const long = geminiUsage({ promptTokenCount: 300_000, cachedContentTokenCount: 100_000, candidatesTokenCount: 2_000 });
    // 200,000 × $2.50 + 100,000 × $0.25 + 2,000 × $15 per 1M.
    expect(computeCost(long, pricing, 'gemini').totalUsd).toBeCloseTo(0.555, 12);
    const short = geminiUsage({ promptTokenCount: 200_000, candidatesTokenCount: 2_000 });
    expect(computeCost(short, pricing, 'gemini').totalUsd).toBeCloseTo(0.27, 12);
  });

  it('treats missing counts as zero and never bills a negative uncached count', () => {
    const pricing = pricingFor('openai', 'gpt-4o');
    expect(computeCost({ inputTokens: undefined, outputTokens: undefined }, pricing, 'openai').totalUsd).toBe(0);
    const odd = computeCost({ inputTokens: 100, outputTokens: 0, cacheReadInputTokens: 400 }, pricing, 'openai');
    expect(odd.inputUsd).toBe(0);
    expect(odd.cachedInputUsd).toBeCloseTo(0.0005, 12);
  });
});

describe('self-hosted cost', () => {
  it('spreads the GPU bill over the tokens actually served', () => {
    // $2 × 4 GPUs / (2,000 tok/s × 3,600 s × 0.5) × 1e6 = $2.2222 per 1M tokens.
    expect(selfHostedCostPerMtok({ gpuHourUsd: 2, gpus: 4, throughputTokensPerSecond: 2000, utilisation: 0.5 })).toBeCloseTo(20 / 9, 10);
    const config = selfHostedSchema.parse({ gpu_hour_usd: 2, gpus: 4, throughput_tokens_per_second: 2000, utilisation: 0.5 });
    const cost = computeCost({ inputTokens: 900_000, outputTokens: 100_000 }, selfHostedPricing(config), 'vllm');
    expect(cost.totalUsd).toBeCloseTo(20 / 9, 10);
  });

  it('defaults to one GPU at 60% utilisation and rejects unknown keys and impossible values', () => {
    expect(selfHostedSchema.parse({ gpu_hour_usd: 1, throughput_tokens_per_second: 100 })).toEqual({ gpu_hour_usd: 1, gpus: 1, throughput_tokens_per_second: 100, utilisation: 0.6 });
    expect(selfHostedSchema.safeParse({ gpu_hour_usd: 1, throughput_tokens_per_second: 100, utilization: 0.5 }).success).toBe(false);
    expect(selfHostedSchema.safeParse({ gpu_hour_usd: 1, throughput_tokens_per_second: 100, utilisation: 1.5 }).success).toBe(false);
    expect(selfHostedSchema.safeParse({ gpu_hour_usd: 1, throughput_tokens_per_second: 0 }).success).toBe(false);
  });

  it('prices input at the prefill factor and takes a measured throughput over the configured one', () => {
    const config = selfHostedSchema.parse({ gpu_hour_usd: 2, gpus: 4, throughput_tokens_per_second: 2000, utilisation: 0.5, prefill_factor: 0.2 });
    // 900k input × $0.4444 + 100k output × $2.2222 per 1M.
    expect(computeCost({ inputTokens: 900_000, outputTokens: 100_000 }, selfHostedPricing(config), 'vllm').totalUsd).toBeCloseTo(0.4 + 2 / 9, 10);
    expect(selfHostedPricing(config, 4000).outputPerMtok).toBeCloseTo(10 / 9, 10);
    expect(selfHostedPricing(config, Number.NaN).outputPerMtok).toBeCloseTo(20 / 9, 10);
  });
});
