import { loadConfigFile } from '../config/load-config.js';
import { createRateLimitStore } from '../limits/create-rate-limit-store.js';
import { createCacheBackend } from '../cache/create-cache-backend.js';
import { workloadRoutingsOf } from '../routing/workload-routing.js';
import { workloadPoliciesOf } from '../governance/workload-policies.js';
import { buildGatewayRuntime, type GatewayRuntime } from './gateway-runtime.js';

/**
 * Holds the live runtime and swaps it atomically on reload. A request reads `current` once at its
 * start, so in-flight requests finish on the config they began with; a config that fails to load
 * or build leaves the old one serving.
 */
export class RuntimeHolder {
  private runtime: GatewayRuntime;
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    runtime: GatewayRuntime,
    private readonly configFile: string | undefined,
    private readonly onLimiterError?: (error: unknown) => void,
    private readonly onCacheError?: (error: unknown) => void,
  ) {
    this.runtime = runtime;
    // Routers (compiled rules, loaded router models, cascade checks) are built now, not on the first request.
    workloadRoutingsOf(runtime.config);
    workloadPoliciesOf(runtime.config, runtime.registryOverlay?.current());
  }

  /** Releases what the live runtime holds open (the Redis connections of the limit store and the cache). */
  async close(): Promise<void> {
    await Promise.all([this.runtime.limitStore.close(), this.runtime.responseCache.close()]);
  }

  get current(): GatewayRuntime {
    return this.runtime;
  }

  /** Reloads the config file. Rejects with ConfigError (the old runtime stays) when it is invalid. */
  reload(): Promise<GatewayRuntime> {
    const next = this.pending.then(async () => {
      if (!this.configFile) throw new Error('the gateway was started without a config file; nothing to reload');
      const config = await loadConfigFile(this.configFile);
      const previous = this.runtime;
      // Counters live on across a reload unless the store itself changed.
      const sameStore = JSON.stringify(config.limitsStore) === JSON.stringify(previous.config.limitsStore);
      const limitStore = sameStore ? previous.limitStore : await createRateLimitStore(config.limitsStore);
      // Cached answers too; their keys carry the pinned deployment versions, so a changed model never hits an old answer.
      const sameCache = JSON.stringify(config.cacheStore) === JSON.stringify(previous.config.cacheStore);
      const responseCache = sameCache
        ? previous.responseCache
        : await createCacheBackend(config.cacheStore, this.onCacheError ? { onError: this.onCacheError } : {});
      let runtime: GatewayRuntime;
      try {
        workloadRoutingsOf(config);
        workloadPoliciesOf(config, previous.registryOverlay?.current());
        runtime = buildGatewayRuntime(config, {
          generation: previous.generation + 1,
          limitStore,
          onLimiterError: this.onLimiterError,
          resilience: previous.resilience,
          ...(previous.registryOverlay ? { registryOverlay: previous.registryOverlay } : {}),
          responseCache,
        });
      } catch (error) {
        if (!sameStore) await limitStore.close();
        if (!sameCache) await responseCache.close();
        throw error;
      }
      this.runtime = runtime;
      if (!sameStore) await previous.limitStore.close();
      if (!sameCache) await previous.responseCache.close();
      return runtime;
    });
    this.pending = next.catch(() => undefined);
    return next;
  }
}
