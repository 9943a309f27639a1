import { GatewayError } from '../../spec/errors.js';
import type { Clock } from './clock.js';
import { RollingWindow } from './rolling-window.js';
import { merged } from '../../spec/merged.js';

/**
 * A circuit breaker for one deployment: after enough failures it stops sending traffic there
 * for a while, then lets a few probe requests through to find out whether it recovered.
 *
 *   closed ──(consecutive failures, or error rate over the window)──▶ open
 *   open ──(openMs elapsed, doubling per repeated trip up to maxOpenMs)──▶ half-open
 *   half-open ──(a probe succeeds)──▶ closed (counters reset)
 *   half-open ──(a probe fails)──▶ open (for twice as long as last time)
 *
 * Transitions caused by time happen lazily when the breaker is next asked, so it needs no timer.
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Trip after this many failures in a row. */
  consecutiveFailures: number;
  /** Trip when failures / (failures + successes) over the window reaches this (0..1). */
  errorRateThreshold: number;
  /** Window for the error rate. */
  windowMs: number;
  /** The error rate is only trusted once the window holds this many verdicts. */
  minimumRequests: number;
  /** How long the first trip keeps the breaker open. */
  openMs: number;
  /** Ceiling for the open time, which doubles with every trip that follows a failed probe. */
  maxOpenMs: number;
  /** Probe requests admitted at once while half-open. */
  halfOpenProbes: number;
}

/**
 * Five straight failures catch a dead upstream within a handful of requests; 50 % over 30 s with
 * at least 20 verdicts catches a flaky one without tripping on two unlucky calls at low traffic.
 */
export const DEFAULT_CIRCUIT_BREAKER_OPTIONS: Readonly<CircuitBreakerOptions> = Object.freeze({
  consecutiveFailures: 5,
  errorRateThreshold: 0.5,
  windowMs: 30_000,
  minimumRequests: 20,
  openMs: 5_000,
  maxOpenMs: 60_000,
  halfOpenProbes: 1,
});

/**
 * Returned by `tryAcquire`. Hand it back to `onSuccess`/`onFailure`/`release` so that a verdict
 * from an attempt admitted before the breaker last changed state (a slow call finishing after a
 * trip) is recognised as stale and ignored.
 */
export interface BreakerPermit {
  readonly allowed: boolean;
  /** This attempt is one of the half-open probes; its verdict decides the breaker's state. */
  readonly probe: boolean;
  /** The breaker's generation when the permit was issued; it changes on every transition. */
  readonly generation: number;
}

export interface CircuitBreakerStats {
  state: CircuitState;
  consecutiveFailures: number;
  windowSuccesses: number;
  windowFailures: number;
  /** failures / verdicts over the window, 0 when there are none. */
  errorRate: number;
  /** When an open breaker turns half-open (epoch ms); undefined unless open. */
  openUntil: number | undefined;
  /** Trips since the breaker was last closed by a successful probe (drives the doubling). */
  consecutiveTrips: number;
  totalTrips: number;
  probesInFlight: number;
}

export interface StateChange {
  from: CircuitState;
  to: CircuitState;
  at: number;
}

type Field = 'successes' | 'failures';

export class CircuitBreaker {
  private options: CircuitBreakerOptions;
  private readonly clock: Clock;
  private readonly onStateChange: ((change: StateChange) => void) | undefined;
  private window: RollingWindow<Field>;
  private phase: CircuitState = 'closed';
  private generation = 0;
  private consecutiveFailures = 0;
  private consecutiveTrips = 0;
  private totalTrips = 0;
  private openUntil = 0;
  private probesInFlight = 0;

  constructor(options: Partial<CircuitBreakerOptions> = {}, clock: Clock = Date.now, onStateChange?: (change: StateChange) => void) {
    this.options = merged(DEFAULT_CIRCUIT_BREAKER_OPTIONS, options);
    this.clock = clock;
    this.onStateChange = onStateChange;
    this.window = createWindow(this.options.windowMs);
  }

  get state(): CircuitState {
    this.advance(this.clock());
    return this.phase;
  }

  /**
   * Whether an attempt would be admitted right now, without taking a probe slot. For ordering
   * deployments; the attempt itself must still call `tryAcquire`.
   */
  canAdmit(now: number = this.clock()): boolean {
    if (this.phase === 'closed') return true;
    if (this.phase === 'open') return now >= this.openUntil && this.options.halfOpenProbes > 0;
    return this.probesInFlight < this.options.halfOpenProbes;
  }

  /** Call before an attempt. When not allowed, skip this deployment. */
  tryAcquire(): BreakerPermit {
    this.advance(this.clock());
    if (this.phase === 'closed') return this.permit(true, false);
    if (this.phase === 'half-open' && this.probesInFlight < this.options.halfOpenProbes) {
      this.probesInFlight += 1;
      return this.permit(true, true);
    }
    return this.permit(false, false);
  }

  /**
   * The attempt succeeded. Without a permit (or with a refused one, for an attempt forced
   * because nothing else was left) a success while open or half-open is taken as proof of
   * recovery and closes the breaker.
   */
  onSuccess(permit?: BreakerPermit): void {
    const now = this.clock();
    this.advance(now);
    if (this.isStale(permit)) return;
    if (this.phase === 'closed') {
      this.consecutiveFailures = 0;
      this.window.add('successes', now);
      return;
    }
    this.consecutiveTrips = 0;
    this.transition('closed', now);
  }

  /** The attempt failed in a way `countsAsBreakerFailure` accepts. */
  onFailure(permit?: BreakerPermit): void {
    const now = this.clock();
    this.advance(now);
    if (this.isStale(permit)) return;
    if (this.phase === 'half-open') return this.trip(now);
    if (this.phase === 'open') return; // a forced attempt confirmed what we knew; do not extend
    this.consecutiveFailures += 1;
    this.window.add('failures', now);
    const failures = this.window.sum('failures', now);
    const verdicts = failures + this.window.sum('successes', now);
    const rateTripped = verdicts >= this.options.minimumRequests && failures / verdicts >= this.options.errorRateThreshold;
    if (this.consecutiveFailures >= this.options.consecutiveFailures || rateTripped) this.trip(now);
  }

  /** The attempt ended without a verdict (client cancelled, or an error that does not count): frees its probe slot. */
  release(permit?: BreakerPermit): void {
    this.advance(this.clock());
    if (this.isStale(permit)) return;
    const wasProbe = permit === undefined ? this.phase === 'half-open' : permit.probe;
    if (wasProbe && this.phase === 'half-open' && this.probesInFlight > 0) this.probesInFlight -= 1;
  }

  /** Replaces the settings (unset keys take the defaults) on a config reload, keeping the current state. */
  configure(options: Partial<CircuitBreakerOptions>): void {
    const next = merged(DEFAULT_CIRCUIT_BREAKER_OPTIONS, options);
    if (next.windowMs !== this.options.windowMs) this.window = createWindow(next.windowMs);
    this.options = next;
  }

  stats(): CircuitBreakerStats {
    const now = this.clock();
    this.advance(now);
    const successes = this.window.sum('successes', now);
    const failures = this.window.sum('failures', now);
    return {
      state: this.phase,
      consecutiveFailures: this.consecutiveFailures,
      windowSuccesses: successes,
      windowFailures: failures,
      errorRate: successes + failures === 0 ? 0 : failures / (successes + failures),
      openUntil: this.phase === 'open' ? this.openUntil : undefined,
      consecutiveTrips: this.consecutiveTrips,
      totalTrips: this.totalTrips,
      probesInFlight: this.probesInFlight,
    };
  }

  private permit(allowed: boolean, probe: boolean): BreakerPermit {
    return { allowed, probe, generation: this.generation };
  }

  /** A verdict from an admitted attempt of an earlier generation no longer describes the present. */
  private isStale(permit: BreakerPermit | undefined): boolean {
    return permit !== undefined && permit.allowed && permit.generation !== this.generation;
  }

  private advance(now: number): void {
    if (this.phase === 'open' && now >= this.openUntil) this.transition('half-open', now);
  }

  private trip(now: number): void {
    this.consecutiveTrips += 1;
    this.totalTrips += 1;
    const duration = Math.min(this.options.maxOpenMs, this.options.openMs * 2 ** (this.consecutiveTrips - 1));
    this.openUntil = now + duration;
    this.transition('open', now);
  }

  private transition(to: CircuitState, now: number): void {
    const from = this.phase;
    this.phase = to;
    this.generation += 1;
    this.probesInFlight = 0;
    if (to === 'closed') {
      this.consecutiveFailures = 0;
      this.window.reset();
    }
    this.onStateChange?.({ from, to, at: now });
  }
}

function createWindow(windowMs: number): RollingWindow<Field> {
  // Ten buckets: the rate forgets old verdicts in tenth-of-a-window steps.
  return new RollingWindow<Field>(['successes', 'failures'], { windowMs, bucketMs: Math.max(1, windowMs / 10) });
}

/**
 * Whether an attempt's error says something about the deployment's health. Upstream faults
 * count: 5xx and 408, timeouts, connection failures, malformed responses, broken streams, and
 * anything untyped (an adapter crash). The request's own faults do not (invalid request,
 * context length, content filter, other 4xx such as 401/404, which are configuration errors
 * that fallback handles), nor quota or 429 rate limits (cooldowns handle those), nor a
 * cancellation by our own client.
 */
export function countsAsBreakerFailure(error: unknown): boolean {
  if (!GatewayError.isInstance(error)) return !isAbortError(error);
  switch (error.code) {
    case 'provider_timeout':
    case 'provider_unreachable':
    case 'provider_bad_response':
    case 'stream_interrupted':
      return true;
    case 'provider_http_error': {
      const status = 'upstreamStatus' in error ? error.upstreamStatus : undefined;
      return typeof status !== 'number' || status >= 500 || status === 408;
    }
    default:
      return false;
  }
}

/** An abort is our client going away (DOMException or Error named AbortError), not the upstream failing. */
function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'name' in error && error.name === 'AbortError';
}
