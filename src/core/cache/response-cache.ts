import type { ChatCall } from '../../spec/chat-call.js';
import type { ChatResult } from '../../spec/chat-result.js';
import type { DeploymentTarget, GatewayRuntime } from '../registry/gateway-runtime.js';
import type { RoutePlan } from '../routing/resolve-route.js';
import { encodeCachedEntry, type CacheBackend, type CachedEntry } from './cache-backend.js';
import type { WorkloadCacheConfig } from './cache-config.js';
import { pinnedVersionOf, responseCacheKey } from './response-cache-key.js';
import { merged } from '../../spec/merged.js';

/**
 * What the response cache did for a request, sent as `x-switchyard-cache`: `hit` (answered from
 * the cache), `miss` (looked up, not found; the answer will be stored), `bypass` (the workload
 * caches, but not this request: it asks for sampling with `temperature > 0`).
 */
export type CacheStatus = 'hit' | 'miss' | 'bypass';

/** A cached answer that may be served for this request, and the deployment it came from. */
export interface ResponseCacheHit {
  result: ChatResult;
  target: DeploymentTarget;
}

/**
 * The response cache as one request sees it: its key, its lookup and the write of its answer.
 * Built only for requests whose workload opted in.
 */
export class RequestCache {
  /** Set by a lookup that found a usable answer. */
  private hit = false;

  private constructor(
    private readonly backend: CacheBackend,
    private readonly config: WorkloadCacheConfig,
    private readonly plan: RoutePlan,
    private readonly runtime: GatewayRuntime,
    /** Undefined when the request bypasses the cache. */
    readonly key: string | undefined,
  ) {}

  /**
   * The cache for a request on `plan`, or undefined when its workload does not cache. Hashing is
   * synchronous CPU work only.
   */
  static forRequest(runtime: GatewayRuntime, plan: RoutePlan, call: ChatCall): RequestCache | undefined {
    if (plan.workload === undefined) return undefined;
    const config = runtime.config.workloads[plan.workload]?.cache;
    if (!config?.enabled) return undefined;
    const sampled = call.temperature !== undefined && call.temperature > 0;
    if (sampled && !config.include_sampled) return new RequestCache(runtime.responseCache, config, plan, runtime, undefined);
    const deployments = plan.groups[0]?.targets.map((target) => target.deployment) ?? [];
    const key = responseCacheKey({ workload: plan.workload, model: plan.model, deployments, call });
    return new RequestCache(runtime.responseCache, config, plan, runtime, key);
  }

  /** `bypass` before and after the lookup; `miss` until a lookup hits. */
  get status(): CacheStatus {
    return this.key === undefined ? 'bypass' : this.hit ? 'hit' : 'miss';
  }

  /**
   * Looks the request up. A stored answer counts only while the deployment that gave it is still
   * on this route with the same pinned version (a reload may have changed either). A failing
   * backend is a miss: the cache must never fail a request.
   */
  async lookup(): Promise<ResponseCacheHit | undefined> {
    if (this.key === undefined) return undefined;
    let entry: CachedEntry | undefined;
    try {
      entry = await this.backend.get(this.key);
    } catch {
      return undefined;
    }
    if (!entry) return undefined;
    const target = this.runtime.targets.get(entry.deploymentId);
    if (!target || pinnedVersionOf(target.deployment) !== entry.modelVersion || !this.onRoute(target)) return undefined;
    this.hit = true;
    return { result: entry.result, target };
  }

  /**
   * Stores a successful answer, off the response path: the encoding and the write run on a later
   * turn of the event loop, and nothing waits for them. Answers that ended in an error are not
   * stored, nor ones larger than the workload's `max_entry_bytes`.
   */
  store(result: ChatResult, target: DeploymentTarget): void {
    const key = this.key;
    if (key === undefined || this.hit || result.finishReason.unified === 'error') return;
    setImmediate(() => {
      const { headers: _headers, ...response } = result.response;
      const entry: CachedEntry = {
        result: merged(result, { response }),
        deploymentId: target.deployment.id,
        modelVersion: pinnedVersionOf(target.deployment),
        storedAt: Date.now(),
      };
      const maxBytes = this.config.max_entry_bytes;
      if (maxBytes !== undefined && Buffer.byteLength(encodeCachedEntry(entry)) > maxBytes) return;
      this.backend.set(key, entry, this.config.ttl_ms).catch(() => undefined);
    });
  }

  private onRoute(target: DeploymentTarget): boolean {
    return this.plan.groups.some((group) => group.targets.includes(target));
  }
}
