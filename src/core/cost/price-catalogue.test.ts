import { describe, expect, it } from 'vitest';
import { defaultPriceCatalogue, normaliseModelId, PriceCatalogue } from './price-catalogue.js';
import { costConfigWarnings, resolveDeploymentPricing, type DeploymentCostInput } from './resolve-pricing.js';

const catalogue = defaultPriceCatalogue();

describe('price catalogue matching', () => {
  it.each([
    ['gpt-4o-2024-08-06', 'gpt-4o', 'version-suffix', 2.5],
    ['gpt-4o-2024-11-20', 'gpt-4o', 'version-suffix', 2.5],
    ['gpt-4o-2024-05-13', 'gpt-4o-2024-05-13', 'exact', 5],
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini', 'version-suffix', 0.15],
    ['gpt-4.1-nano-2025-04-14', 'gpt-4.1-nano', 'version-suffix', 0.1],
    ['o4-mini-2025-04-16', 'o4-mini', 'version-suffix', 1.1],
    ['text-embedding-3-small', 'text-embedding-3-small', 'exact', 0.02],
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5', 'version-suffix', 3],
    ['claude-opus-4-5-20251101', 'claude-opus-4-5', 'version-suffix', 5],
    ['claude-opus-4-1-20250805', 'claude-opus-4-1', 'version-suffix', 15],
    ['claude-3-5-haiku-20241022', 'claude-3-5-haiku', 'version-suffix', 0.8],
    ['claude-3-7-sonnet-latest', 'claude-3-7-sonnet', 'version-suffix', 3],
    ['claude-3-5-sonnet@20240620', 'claude-3-5-sonnet', 'version-suffix', 3],
    ['models/gemini-2.0-flash-001', 'gemini-2.0-flash', 'version-suffix', 0.1],
    ['gemini-2.5-pro', 'gemini-2.5-pro', 'exact', 1.25],
    ['meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo', 'llama-3.1-70b-instruct', 'exact', 0.88],
    ['accounts/fireworks/models/llama-v3p1-405b-instruct', 'llama-3.1-405b-instruct', 'exact', 3.5],
    ['mistralai/Mixtral-8x7B-Instruct-v0.1', 'mixtral-8x7b-instruct', 'exact', 0.6],
    ['Qwen/Qwen2.5-72B-Instruct-Turbo', 'qwen2.5-72b-instruct', 'exact', 1.2],
    ['deepseek-ai/DeepSeek-V3', 'deepseek-v3', 'exact', 1.25],
  ])('%s → %s', (modelId, id, matchedBy, input) => {
    const match = catalogue.find(modelId);
    expect(match?.entry.id).toBe(id);
    expect(match?.matchedBy).toBe(matchedBy);
    expect(match?.entry.input_per_mtok).toBe(input);
  });

  it.each(['my-finetune-7b', 'gpt-5', 'gpt-4o-mini-tts', 'claude-sonnet-4-6', 'gemini-2.5-flash-preview-05-20', ''])(
    'does not guess for %j',
    (modelId) => {
      expect(catalogue.find(modelId)).toBeUndefined();
    },
  );

  it('never matches a longer id to a shorter family by prefix', () => {
    expect(catalogue.find('gpt-4o-mini')?.entry.id).toBe('gpt-4o-mini');
    expect(catalogue.find('claude-sonnet-4-20250514')?.entry.id).toBe('claude-sonnet-4');
    expect(catalogue.find('o3-mini-2025-01-31')?.entry.id).toBe('o3-mini');
  });

  it('covers the families the gateway promises, each with a source and a date', () => {
    for (const id of ['gpt-4o', 'gpt-4.1', 'gpt-4.1-mini', 'o3', 'text-embedding-3-large', 'claude-3-5-sonnet', 'claude-haiku-4-5', 'claude-opus-4', 'gemini-2.5-flash', 'llama-3.1-8b-instruct', 'deepseek-chat']) {
      const entry = catalogue.find(id)?.entry;
      expect(entry, id).toBeDefined();
      expect(entry!.as_of).toMatch(/^20\d\d-\d\d-\d\d$/);
      expect(entry!.source).toMatch(/^https:\/\//);
    }
    // Anthropic's documented multipliers: reads 0.1×, 5-minute writes 1.25×, 1-hour writes 2×
    // (Claude 3 Haiku, priced before them, is the exception: $0.03 reads, $0.30 writes).
    for (const entry of catalogue.entries.filter((candidate) => candidate.provider === 'anthropic' && candidate.id !== 'claude-3-haiku')) {
      expect(entry.cached_input_per_mtok, entry.id).toBeCloseTo(entry.input_per_mtok * 0.1, 10);
      expect(entry.cache_write_per_mtok, entry.id).toBeCloseTo(entry.input_per_mtok * 1.25, 10);
      expect(entry.cache_write_1h_per_mtok, entry.id).toBeCloseTo(entry.input_per_mtok * 2, 10);
    }
  });

  it('refuses a malformed catalogue: an entry without a date, a duplicate id', () => {
    const entry = { id: 'x', provider: 'p', kind: 'chat', input_per_mtok: 1, output_per_mtok: 1, as_of: '2025-01-01', source: 'https://example.com' };
    expect(() => PriceCatalogue.parse({ entries: [{ ...entry, as_of: undefined }] })).toThrow(/as_of/);
    expect(() => PriceCatalogue.parse({ entries: [entry, { ...entry, id: 'y', aliases: ['x'] }] })).toThrow("'x' is listed twice");
    expect(() => PriceCatalogue.parse({ entries: [{ ...entry, price: 3 }] })).toThrow(/price/);
  });

  it('normalises ids: lower case, last path segment', () => {
    expect(normaliseModelId(' Models/Gemini-2.5-Pro ')).toBe('gemini-2.5-pro');
  });
});

describe('resolveDeploymentPricing', () => {
  const deployment = (type: DeploymentCostInput['providerConfig']['type'], model: string, extra: Partial<DeploymentCostInput> = {}): DeploymentCostInput => ({
    model,
    providerConfig: { type },
    ...extra,
  });

  it('uses the catalogue entry for a known upstream id, saying where the price is from', () => {
    expect(resolveDeploymentPricing(deployment('openai', 'gpt-4o-2024-08-06'))).toEqual({
      inputPerMtok: 2.5,
      outputPerMtok: 10,
      cachedInputPerMtok: 1.25,
      cacheWritePerMtok: 2.5,
      cacheWrite1hPerMtok: 2.5,
      source: 'catalogue',
      catalogueId: 'gpt-4o',
      pricedAt: 'openai',
      asOf: '2025-10-01',
    });
  });

  it('lets config pricing override the catalogue as a whole', () => {
    const pricing = resolveDeploymentPricing(deployment('openai', 'gpt-4o-2024-08-06', { pricing: { input_per_mtok: 2, output_per_mtok: 8 } }));
    // No cached price given: no discount is assumed rather than mixing in the list cache price.
    expect(pricing).toEqual({ inputPerMtok: 2, outputPerMtok: 8, cachedInputPerMtok: 2, cacheWritePerMtok: 2, cacheWrite1hPerMtok: 2, source: 'config' });
  });

  it('derives unset Anthropic cache prices from the documented multipliers', () => {
    const pricing = resolveDeploymentPricing(deployment('anthropic', 'claude-custom', { pricing: { input_per_mtok: 1, output_per_mtok: 5 } }));
    expect(pricing).toMatchObject({ cachedInputPerMtok: 0.1, cacheWritePerMtok: 1.25, cacheWrite1hPerMtok: 2 });
  });

  it('has no price for an unknown model without pricing, nor for a self-run server without self_hosted', () => {
    expect(resolveDeploymentPricing(deployment('openai', 'ft:gpt-4o-mini:acme::abc'))).toBeUndefined();
    expect(resolveDeploymentPricing(deployment('vllm', 'meta-llama/Llama-3.1-8B-Instruct'))).toBeUndefined();
    expect(resolveDeploymentPricing(deployment('together', 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo'))?.inputPerMtok).toBe(0.18);
  });

  it('prices a self-hosted deployment from its GPUs', () => {
    const pricing = resolveDeploymentPricing(
      deployment('vllm', 'llama', { self_hosted: { gpu_hour_usd: 2, gpus: 4, throughput_tokens_per_second: 2000, utilisation: 0.5 } }),
    );
    expect(pricing?.source).toBe('self-hosted');
    expect(pricing?.outputPerMtok).toBeCloseTo(2.2222222222, 8);
  });

  it('warns about deployments whose requests would go uncosted', () => {
    const deployments = {
      known: deployment('openai', 'gpt-4o'),
      unknown: deployment('openai', 'my-finetune'),
      local: deployment('ollama', 'llama3.1:8b'),
      partial: deployment('openai', 'gpt-4o', { pricing: { input_per_mtok: 1 } }),
      both: deployment('vllm', 'llama', { pricing: { input_per_mtok: 0, output_per_mtok: 0 }, self_hosted: { gpu_hour_usd: 1, gpus: 1, throughput_tokens_per_second: 100, utilisation: 0.6 } }),
    };
    const warnings = costConfigWarnings({
      deployments,
      models: { frontier: { deployments: [deployments.unknown] }, cheap: { deployments: [deployments.known] } },
      workloads: { chat: { reference_model: 'frontier' }, other: { reference_model: 'cheap' }, plain: {} },
    });
    expect(warnings).toEqual([
      "deployment 'unknown': model 'my-finetune' is not in the price catalogue and has no pricing; its requests will have no cost",
      "deployment 'local': self-run provider without self_hosted or pricing; its requests will have no cost",
      "deployment 'partial': pricing has no output_per_mtok; those tokens are costed at $0",
      "deployment 'both': both pricing and self_hosted are set; pricing is used",
      "workload 'chat': reference model 'frontier' has no priced deployment; no savings will be reported",
    ]);
  });
});
