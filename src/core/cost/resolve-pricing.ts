import { OPENAI_COMPATIBLE_PROFILES } from '../../providers/openai-compatible/openai-compatible-profile.js';
import type { OpenAICompatibleProviderType } from '../../providers/openai-compatible/openai-compatible-profile.js';
import { defaultPriceCatalogue, type CatalogueEntry, type PriceCatalogue } from './price-catalogue.js';
import type { PriceRates, ResolvedPricing } from './resolved-pricing.js';
import { selfHostedPricing, type SelfHostedConfig } from './self-hosted.js';

/** Every provider type the config accepts (kept here, not imported from the config, to avoid a cycle). */
export type ProviderType = OpenAICompatibleProviderType | 'anthropic' | 'gemini' | 'simulated';

/** A deployment's `pricing` block as written in the config. */
export interface PricingConfig {
  input_per_mtok?: number;
  output_per_mtok?: number;
  cached_input_per_mtok?: number;
  cache_write_per_mtok?: number;
}

/** What pricing needs from a deployment; a `ResolvedDeployment` fits. */
export interface DeploymentCostInput {
  id?: string;
  /** The upstream model id. */
  model: string;
  providerConfig: { type: ProviderType };
  pricing?: PricingConfig;
  self_hosted?: SelfHostedConfig;
}

export interface PricingOptions {
  catalogue?: PriceCatalogue;
  /** Measured tokens/s for a self-hosted deployment, replacing its configured throughput. */
  measuredThroughput?: number;
}

/**
 * A server we run ourselves (vLLM, Ollama, llama.cpp, TGI, LM Studio: keyless, with a loopback
 * default address): it costs GPU hours, not a host's per-token list price, so the catalogue is not
 * consulted. A generic `openai-compatible` provider may be a hosted API (DeepSeek), so it is.
 */
export function isSelfRunProviderType(type: ProviderType): boolean {
  if (type === 'anthropic' || type === 'gemini' || type === 'simulated') return false;
  const profile = OPENAI_COMPATIBLE_PROFILES[type];
  return !profile.requiresApiKey && profile.defaultBaseUrl !== undefined;
}

/**
 * The prices a deployment is charged at: its config `pricing` (which wins), else its `self_hosted`
 * GPUs, else the catalogue entry for its upstream model id. Undefined when none applies: its
 * requests then have no cost (see `costConfigWarnings`).
 */
export function resolveDeploymentPricing(deployment: DeploymentCostInput, options: PricingOptions = {}): ResolvedPricing | undefined {
  const type = deployment.providerConfig.type;
  if (deployment.pricing) return pricingFromConfig(deployment.pricing, type);
  if (deployment.self_hosted) return selfHostedPricing(deployment.self_hosted, options.measuredThroughput);
  if (isSelfRunProviderType(type)) return undefined;
  const match = (options.catalogue ?? defaultPriceCatalogue()).find(deployment.model);
  return match ? pricingFromCatalogue(match.entry, type) : undefined;
}

/**
 * Config pricing replaces the catalogue as a whole (a negotiated input price must not be mixed
 * with a list cache price). Rates it leaves out follow the provider's documented multipliers.
 */
export function pricingFromConfig(pricing: PricingConfig, type: ProviderType): ResolvedPricing {
  return {
    ...completeRates(
      {
        input: pricing.input_per_mtok ?? 0,
        output: pricing.output_per_mtok ?? 0,
        cachedInput: pricing.cached_input_per_mtok,
        cacheWrite: pricing.cache_write_per_mtok,
      },
      type,
    ),
    source: 'config',
  };
}

export function pricingFromCatalogue(entry: CatalogueEntry, type: ProviderType): ResolvedPricing {
  const long = entry.long_context;
  return {
    ...completeRates(
      {
        input: entry.input_per_mtok,
        output: entry.output_per_mtok,
        cachedInput: entry.cached_input_per_mtok,
        cacheWrite: entry.cache_write_per_mtok,
        cacheWrite1h: entry.cache_write_1h_per_mtok,
      },
      type,
    ),
    ...(long
      ? {
          longContext: {
            aboveInputTokens: long.above_input_tokens,
            ...completeRates(
              {
                input: long.input_per_mtok,
                output: long.output_per_mtok,
                cachedInput: long.cached_input_per_mtok,
                cacheWrite: long.cache_write_per_mtok,
                cacheWrite1h: long.cache_write_1h_per_mtok,
              },
              type,
            ),
          },
        }
      : {}),
    source: 'catalogue',
    catalogueId: entry.id,
    pricedAt: entry.provider,
    asOf: entry.as_of,
  };
}

interface PartialRates {
  input: number;
  output: number;
  cachedInput?: number | undefined;
  cacheWrite?: number | undefined;
  cacheWrite1h?: number | undefined;
}

/**
 * Fills in cache rates left unset. Anthropic documents fixed multipliers of the base input price:
 * reads 0.1×, 5-minute writes 1.25×, 1-hour writes 2×. OpenAI's and Google's cache discounts vary
 * by model, so an unset cached price is the input price (no discount assumed; never under-counts),
 * and they charge nothing extra for writing a cache.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#pricing
 * @see https://platform.openai.com/docs/guides/prompt-caching
 */
function completeRates(rates: PartialRates, type: ProviderType): PriceRates {
  const anthropic = type === 'anthropic';
  const cacheWrite = rates.cacheWrite ?? (anthropic ? rates.input * 1.25 : rates.input);
  return {
    inputPerMtok: rates.input,
    outputPerMtok: rates.output,
    cachedInputPerMtok: rates.cachedInput ?? (anthropic ? rates.input * 0.1 : rates.input),
    cacheWritePerMtok: cacheWrite,
    cacheWrite1hPerMtok: rates.cacheWrite1h ?? (anthropic ? rates.input * 2 : cacheWrite),
  };
}

/** What the cost warnings need from the resolved config. */
export interface CostConfigInput {
  deployments: Readonly<Record<string, DeploymentCostInput & { modelName?: string }>>;
  models: Readonly<Record<string, { deployments: readonly DeploymentCostInput[] }>>;
  workloads: Readonly<Record<string, { reference_model?: string; referenceModel?: string }>>;
}

/**
 * Problems that leave requests uncosted or oddly costed; the config loader adds them to
 * `ResolvedConfig.warnings`. An unknown `reference_model` is not here: that is a config error.
 */
export function costConfigWarnings(config: CostConfigInput, options: PricingOptions = {}): string[] {
  const warnings: string[] = [];
  for (const [id, deployment] of Object.entries(config.deployments)) {
    const where = `deployment '${id}'`;
    if (deployment.pricing && deployment.self_hosted) {
      warnings.push(`${where}: both pricing and self_hosted are set; pricing is used`);
    }
    if (deployment.pricing) {
      for (const field of ['input_per_mtok', 'output_per_mtok'] as const) {
        if (deployment.pricing[field] === undefined) warnings.push(`${where}: pricing has no ${field}; those tokens are costed at $0`);
      }
      continue;
    }
    if (resolveDeploymentPricing(deployment, options)) continue;
    warnings.push(
      isSelfRunProviderType(deployment.providerConfig.type)
        ? `${where}: self-run provider without self_hosted or pricing; its requests will have no cost`
        : `${where}: model '${deployment.model}' is not in the price catalogue and has no pricing; its requests will have no cost`,
    );
  }
  for (const [name, workload] of Object.entries(config.workloads)) {
    const reference = workload.reference_model ?? workload.referenceModel;
    const model = reference === undefined ? undefined : config.models[reference];
    if (model && !model.deployments.some((deployment) => resolveDeploymentPricing(deployment, options))) {
      warnings.push(`workload '${name}': reference model '${reference}' has no priced deployment; no savings will be reported`);
    }
  }
  return warnings;
}
