import { ProviderTimeoutError } from '../../spec/errors.js';

/** Per-attempt time limits; undefined means no limit of that kind. */
export interface AttemptTimeouts {
  /** Until the first content event of a stream (a non-streaming attempt is bounded by `totalMs`). */
  firstTokenMs?: number;
  /** Longest silence between stream events once content flows. */
  idleMs?: number;
  /** The whole attempt. */
  totalMs?: number;
}

/**
 * The abort signal and timers of one attempt. Aborting it (a timer firing, the request being
 * cancelled, a hedge losing) cancels the upstream call; a timer aborts with a ProviderTimeoutError
 * naming the phase, which the adapters rethrow as the call's error.
 */
export class AttemptGuard {
  private readonly controller = new AbortController();
  private readonly timers = new Map<'first-token' | 'idle' | 'total', NodeJS.Timeout>();
  private readonly detach: () => void;
  readonly signal: AbortSignal;

  constructor(
    private readonly provider: string,
    parent: AbortSignal | undefined,
    private readonly timeouts: AttemptTimeouts,
  ) {
    this.signal = this.controller.signal;
    if (parent) {
      const onAbort = () => this.abort(parent.reason);
      if (parent.aborted) onAbort();
      else parent.addEventListener('abort', onAbort, { once: true });
      this.detach = () => parent.removeEventListener('abort', onAbort);
    } else this.detach = () => undefined;
    if (timeouts.totalMs !== undefined) this.arm('total', timeouts.totalMs);
    if (timeouts.firstTokenMs !== undefined) this.arm('first-token', timeouts.firstTokenMs);
  }

  /** The first content arrived: the first-token limit no longer applies; the idle limit starts. */
  firstToken(): void {
    this.disarm('first-token');
    this.touch();
  }

  /** An event arrived: restart the idle timer. */
  touch(): void {
    if (this.timeouts.idleMs !== undefined && !this.timers.has('first-token')) this.arm('idle', this.timeouts.idleMs);
  }

  abort(reason: unknown): void {
    this.finish();
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  /** The attempt is over (answered, failed or handed on): clear every timer. */
  finish(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.detach();
  }

  private arm(phase: 'first-token' | 'idle' | 'total', ms: number): void {
    this.disarm(phase);
    const timer = setTimeout(() => {
      this.abort(new ProviderTimeoutError(`Upstream ${this.provider} exceeded the ${phase} timeout of ${ms} ms`, { provider: this.provider, phase }));
    }, ms);
    timer.unref?.();
    this.timers.set(phase, timer);
  }

  private disarm(phase: 'first-token' | 'idle' | 'total'): void {
    const timer = this.timers.get(phase);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(phase);
  }
}
