import type { EmbeddingModelAdapter, LanguageModelAdapter } from '../../spec/language-model-adapter.js';
import type { RegistryOverlay } from '../governance/registry-state/registry-overlay.js';
import type { ResolvedConfig, ResolvedDeployment } from '../config/resolve-config.js';
import { createProviderFactory } from './create-provider-factory.js';
import { VirtualKeyRegistry } from '../keys/virtual-key-registry.js';
import { MemoryRateLimitStore } from '../limits/memory-rate-limit-store.js';
import type { RateLimitStore } from '../limits/rate-limit-store.js';
import { RequestLimiter } from '../limits/request-limiter.js';
import { ResilienceState } from '../resilience/resilience-state.js';
import type { DeploymentPricingLookup } from '../cost/cost-request.js';
import { resolveReferencePricing } from '../cost/reference-cost.js';
import { resolveDeploymentPricing } from '../cost/resolve-pricing.js';
import type { ResolvedPricing } from '../cost/resolved-pricing.js';
import { resolveResilienceSettings, type ResilienceSettings } from '../resilience/resilience-config.js';
import type { CacheBackend } from '../cache/cache-backend.js';
import { MemoryCacheBackend } from '../cache/memory-cache-backend.js';

/** A deployment ready to call: its config and its adapter, built once per config load. */
export interface DeploymentTarget {
  deployment: ResolvedDeployment;
  chat?: LanguageModelAdapter;
  embedding?: EmbeddingModelAdapter;
}

/**
 * Everything a request needs from one config version. A reload builds a new runtime and swaps it
 * in; requests in flight keep the runtime they started with.
 */
export interface GatewayRuntime {
  readonly config: ResolvedConfig;
  readonly targets: ReadonlyMap<string, DeploymentTarget>;
  /** Monotonic version, bumped on every successful reload. */
  readonly generation: number;
  /** Client keys; empty when the gateway is open. */
  readonly keys: VirtualKeyRegistry;
  /** Rate and concurrency limits per key and per workload. */
  readonly limiter: RequestLimiter;
  /** Where the limiter counts; kept across reloads while `limits_store` is unchanged. */
  readonly limitStore: RateLimitStore;
  /** Breakers, deployment health and retry budgets; shared across reloads. */
  readonly resilience: ResilienceState;
  /** Resolved resilience settings of a workload (or of direct model traffic for undefined). */
  resilienceFor(workload: string | undefined): ResilienceSettings;
  /** Live registry state (admin lifecycle changes) over config's registry; carried across reloads. */
  registryOverlay?: RegistryOverlay;
  /** Prices of every deployment and of each workload's reference model, resolved once per config. */
  readonly pricing: RuntimePricing;
  /** Where workloads with `cache` on keep their answers; kept across reloads while `cache_store` is unchanged. */
  readonly responseCache: CacheBackend;
}

export interface RuntimePricing {
  of(deploymentId: string): DeploymentPricingLookup | undefined;
  referenceFor(workload: string | undefined): ResolvedPricing | undefined;
}

function buildRuntimePricing(config: ResolvedConfig): RuntimePricing {
  const deployments = new Map<string, DeploymentPricingLookup>();
  for (const deployment of Object.values(config.deployments)) {
    deployments.set(deployment.id, { providerType: deployment.providerConfig.type, pricing: resolveDeploymentPricing(deployment) });
  }
  const references = new Map<string, ResolvedPricing | undefined>();
  for (const workload of Object.values(config.workloads)) {
    if (workload.referenceModel) references.set(workload.name, resolveReferencePricing(config.models[workload.referenceModel]));
  }
  return {
    of: (deploymentId) => deployments.get(deploymentId),
    referenceFor: (workload) => (workload === undefined ? undefined : references.get(workload)),
  };
}

export interface BuildRuntimeOptions {
  generation?: number;
  /** Required when `limits_store` is not `memory` (creating a Redis store is asynchronous). */
  limitStore?: RateLimitStore;
  /** Where limiter store failures during release are reported. */
  onLimiterError?: (error: unknown) => void;
  /** The previous runtime's resilience state, carried over on reload. */
  resilience?: ResilienceState;
  /** Required when `cache_store` is not `memory` (creating a Redis backend is asynchronous). */
  responseCache?: CacheBackend;
  /** Live registry state, loaded from the database by the host. */
  registryOverlay?: RegistryOverlay;
}

/**
 * A runtime for offline tools (`config check`, eval runs): a shared `limits_store` or `cache_store`
 * (Redis) is replaced by an in-process one, so validating a config or running an eval set neither
 * needs Redis up nor touches production rate-limit counters and cached answers.
 */
export function buildOfflineRuntime(config: ResolvedConfig): GatewayRuntime {
  return buildGatewayRuntime(config, { limitStore: new MemoryRateLimitStore(), responseCache: new MemoryCacheBackend() });
}

export function buildGatewayRuntime(config: ResolvedConfig, options: BuildRuntimeOptions = {}): GatewayRuntime {
  const generation = options.generation ?? 1;
  const targets = new Map<string, DeploymentTarget>();
  for (const model of Object.values(config.models)) {
    for (const deployment of model.deployments) {
      const factory = createProviderFactory(deployment.provider, deployment.providerConfig, {
        file: config.file,
        defaultMaxOutputTokens: deployment.max_output_tokens,
      });
      const target: DeploymentTarget = { deployment };
      if (model.kind === 'chat') target.chat = factory.languageModel(deployment.model);
      else target.embedding = factory.embeddingModel?.(deployment.model);
      targets.set(deployment.id, target);
    }
  }
  let limitStore = options.limitStore;
  if (!limitStore) {
    if (config.limitsStore.type !== 'memory') throw new Error(`limits_store '${config.limitsStore.type}' must be created before the runtime`);
    limitStore = new MemoryRateLimitStore();
  }
  let responseCache = options.responseCache;
  if (!responseCache) {
    const store = config.cacheStore;
    if (store.type !== 'memory') throw new Error(`cache_store '${store.type}' must be created before the runtime`);
    responseCache = new MemoryCacheBackend({ maxEntries: store.max_entries, maxBytes: store.max_bytes });
  }
  const limiter = new RequestLimiter(limitStore, options.onLimiterError ? { onReleaseError: options.onLimiterError } : {});
  const defaults = resolveResilienceSettings(config.resilience);
  const perWorkload = new Map<string, ResilienceSettings>();
  for (const workload of Object.values(config.workloads)) {
    perWorkload.set(workload.name, resolveResilienceSettings(config.resilience, workload.resilience));
  }
  const resilience = options.resilience ?? new ResilienceState();
  resilience.reconcile(targets.keys(), defaults, perWorkload.keys());
  return {
    config,
    targets,
    generation,
    keys: VirtualKeyRegistry.fromConfig(config.keys),
    limiter,
    limitStore,
    resilience,
    pricing: buildRuntimePricing(config),
    responseCache,
    resilienceFor: (workload) => (workload === undefined ? defaults : (perWorkload.get(workload) ?? defaults)),
    ...(options.registryOverlay ? { registryOverlay: options.registryOverlay } : {}),
  };
}
