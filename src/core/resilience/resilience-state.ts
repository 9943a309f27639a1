import type { Clock, RandomSource } from './clock.js';
import { HealthRegistry } from './health-registry.js';
import { RetryBudget } from './retry-budget.js';
import type { ResilienceSettings } from './resilience-config.js';
import type { StateChange } from './circuit-breaker.js';

/**
 * What the gateway learns about its deployments while it runs: breakers, latencies, cooldowns and
 * per-workload retry budgets. It outlives config reloads (a reload reconciles it), so an open
 * breaker stays open and known latencies stay known.
 */
export class ResilienceState {
  readonly health: HealthRegistry;
  private readonly budgets = new Map<string, RetryBudget>();

  constructor(
    readonly clock: Clock = Date.now,
    readonly random: RandomSource = Math.random,
    onBreakerStateChange?: (deploymentId: string, change: StateChange) => void,
  ) {
    this.health = new HealthRegistry({ clock, ...(onBreakerStateChange ? { onBreakerStateChange } : {}) });
  }

  /** The retry budget of a workload (or of direct model traffic, under the empty name). */
  budgetFor(workload: string | undefined, settings: ResilienceSettings): RetryBudget {
    const key = workload ?? '';
    let budget = this.budgets.get(key);
    if (!budget) {
      budget = new RetryBudget(settings.retryBudget, this.clock);
      this.budgets.set(key, budget);
    }
    return budget;
  }

  /** Brings deployments and budgets in line with a (re)loaded config. */
  reconcile(deploymentIds: Iterable<string>, defaults: ResilienceSettings, workloads: Iterable<string>): void {
    this.health.reconcile(deploymentIds, defaults.circuitBreaker);
    const keep = new Set(['', ...workloads]);
    for (const key of this.budgets.keys()) if (!keep.has(key)) this.budgets.delete(key);
  }
}
