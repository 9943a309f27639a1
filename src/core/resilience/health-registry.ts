import { CircuitBreaker, type CircuitBreakerOptions, type CircuitBreakerStats, type StateChange } from './circuit-breaker.js';
import type { Clock } from './clock.js';
import { DeploymentHealth, type DeploymentHealthOptions, type DeploymentHealthStats } from './deployment-health.js';
import type { LoadSignals } from './load-balancer.js';
import { merged } from '../../spec/merged.js';

/**
 * The runtime health of every deployment, keyed by deployment id. It lives beside the config,
 * not inside it: a reload keeps what was learnt about deployments that still exist (an open
 * breaker stays open, latencies stay known) and forgets the ones that are gone.
 */
export interface DeploymentResilience {
  readonly id: string;
  readonly health: DeploymentHealth;
  readonly breaker: CircuitBreaker;
}

/** A deployment as the config describes it; per-deployment breaker settings override the registry's. */
export interface DeploymentDescriptor {
  id: string;
  breaker?: Partial<CircuitBreakerOptions>;
}

export interface HealthRegistryOptions {
  breaker?: Partial<CircuitBreakerOptions>;
  health?: Partial<DeploymentHealthOptions>;
  clock?: Clock;
  /** Hears every breaker transition, e.g. to log "deployment X opened". */
  onBreakerStateChange?: (deploymentId: string, change: StateChange) => void;
}

export interface DeploymentResilienceStats extends DeploymentHealthStats {
  breaker: CircuitBreakerStats;
}

export class HealthRegistry implements LoadSignals {
  private readonly entries = new Map<string, DeploymentResilience>();
  private readonly clock: Clock;
  private readonly options: HealthRegistryOptions;
  private breakerDefaults: Partial<CircuitBreakerOptions>;

  constructor(options: HealthRegistryOptions = {}) {
    this.options = options;
    this.clock = options.clock ?? Date.now;
    this.breakerDefaults = options.breaker ?? {};
  }

  /**
   * Brings the registry in line with a (re)loaded config: keeps entries whose id is still
   * present (applying new breaker settings, keeping their state), creates missing ones, drops
   * the rest. `breakerDefaults`, when given, replaces the registry-wide breaker settings.
   */
  reconcile(deployments: Iterable<string | DeploymentDescriptor>, breakerDefaults?: Partial<CircuitBreakerOptions>): void {
    if (breakerDefaults) this.breakerDefaults = breakerDefaults;
    const keep = new Set<string>();
    for (const deployment of deployments) {
      const descriptor = typeof deployment === 'string' ? { id: deployment } : deployment;
      keep.add(descriptor.id);
      const breakerOptions = merged(this.breakerDefaults, descriptor.breaker);
      const existing = this.entries.get(descriptor.id);
      if (existing) existing.breaker.configure(breakerOptions);
      else this.entries.set(descriptor.id, this.create(descriptor.id, breakerOptions));
    }
    for (const id of [...this.entries.keys()]) if (!keep.has(id)) this.entries.delete(id);
  }

  /** The entry for a deployment, created on first use so a caller never has to handle a miss. */
  get(id: string): DeploymentResilience {
    let entry = this.entries.get(id);
    if (!entry) {
      entry = this.create(id, this.breakerDefaults);
      this.entries.set(id, entry);
    }
    return entry;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  /** Breaker admits (or could probe) and the deployment is neither cooling down nor saturated. Unknown ids are available. */
  isAvailable(id: string, now: number = this.clock()): boolean {
    const entry = this.entries.get(id);
    return entry === undefined || (entry.breaker.canAdmit(now) && entry.health.isAvailable(now));
  }

  outstanding(id: string): number {
    return this.entries.get(id)?.health.outstanding ?? 0;
  }

  latencyEwmaMs(id: string): number | undefined {
    return this.entries.get(id)?.health.latencyEwmaMs;
  }

  /** Everything known, for the admin API and logs. */
  snapshot(now: number = this.clock()): Record<string, DeploymentResilienceStats> {
    const result: Record<string, DeploymentResilienceStats> = {};
    for (const [id, entry] of this.entries) {
      result[id] = merged(entry.health.stats(now), { available: this.isAvailable(id, now), breaker: entry.breaker.stats() });
    }
    return result;
  }

  private create(id: string, breakerOptions: Partial<CircuitBreakerOptions>): DeploymentResilience {
    const listener = this.options.onBreakerStateChange;
    return {
      id,
      health: new DeploymentHealth(this.options.health),
      breaker: new CircuitBreaker(breakerOptions, this.clock, listener && ((change) => listener(id, change))),
    };
  }
}
