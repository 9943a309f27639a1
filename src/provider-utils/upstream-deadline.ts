import { ProviderTimeoutError } from '../spec/errors.js';
import type { WaitClock } from '../spec/wait-clock.js';

type AbortListener = (() => void) | { handleEvent(): void };

/**
 * The headers and idle time limits of one upstream call, kept on exact node timers, and the
 * signal undici aborts the call by.
 *
 * Why not undici's own `headersTimeout`/`bodyTimeout`: undici keeps limits over a second on a
 * coarse 500 ms clock and drops cleared ones only at its next tick, so every request's two timer
 * objects outlived several young-generation collections and were promoted (~30 KB per scavenge at
 * one connection, most of what was promoted), and a 150 ms limit fired after about a second. A
 * node timer cleared when the call ends is garbage at once, and fires on time.
 *
 * It is AbortSignal-shaped (`aborted`, `reason`, add/removeEventListener), which is all undici
 * reads of a signal; it forwards the caller's own signal and adds its time limits. Phases:
 * - headers: armed when the call starts, until the response headers arrive;
 * - idle: the longest the body's reader waits for the next chunk. Time the reader is not asking
 *   (a slow client holding the body paused) does not count, as in undici, where a paused body
 *   does not time out.
 *
 * Given the request's wait clock, it also counts the time the gateway really waits on the provider
 * there: from the request's hand-off to the connection until the headers arrive, then each time a
 * reader asks for a chunk that has not arrived.
 * (The idle limit is stricter: from the headers on, a body nobody has asked for yet counts too.)
 */
export class UpstreamDeadline {
  aborted = false;
  reason: unknown = undefined;
  private listener: AbortListener | undefined;
  private moreListeners: AbortListener[] | undefined;
  private timer: NodeJS.Timeout | undefined;
  private phase: 'headers' | 'idle' | 'done' = 'headers';
  /** A reader waits for a chunk: a firing idle timer aborts only then. */
  private waiting = false;
  /** The wait clock is running on this call's account. */
  private clocked = false;

  constructor(
    private readonly provider: string,
    private readonly parent: AbortSignal | undefined,
    private readonly headersMs: number,
    private readonly idleMs: number,
    private readonly clock?: WaitClock,
  ) {
    if (parent !== undefined) {
      if (parent.aborted) {
        this.aborted = true;
        this.reason = parent.reason;
        this.phase = 'done';
        return;
      }
      // The object itself is the listener (`handleEvent`): no closure per call.
      parent.addEventListener('abort', this);
    }
    if (headersMs > 0) this.timer = armTimer(this, headersMs);
  }

  /** The request is handed to the connection: from here until the headers, the gateway waits on the provider. */
  requestSent(): void {
    if (this.phase === 'headers') this.startWaiting();
  }

  /** The response headers arrived: the headers limit is met; the idle limit starts. */
  headersReceived(): void {
    if (this.phase !== 'headers') return;
    this.phase = 'idle';
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = this.idleMs > 0 ? armTimer(this, this.idleMs) : undefined;
    // Until a reader asks, the body is unread: a body nobody reads still ends after the idle limit.
    this.waiting = true;
    // But until a reader asks, the gateway is busy with the headers, not waiting on the provider.
    this.stopWaiting();
  }

  /** A reader asks for the next chunk and none is buffered: the idle clock restarts. */
  bodyWaiting(): void {
    if (this.phase !== 'idle') return;
    this.waiting = true;
    if (this.timer !== undefined) this.timer.refresh();
    this.startWaiting();
  }

  /** A chunk arrived: nobody waits until the reader asks again. */
  bodyChunk(): void {
    this.waiting = false;
    this.stopWaiting();
  }

  /** The call is over (body read, failed or cancelled): clears the timer and the caller's listener. */
  finish(): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.parent?.removeEventListener('abort', this);
    this.stopWaiting();
  }

  private startWaiting(): void {
    if (this.clock === undefined || this.clocked) return;
    this.clocked = true;
    this.clock.begin();
  }

  private stopWaiting(): void {
    if (!this.clocked) return;
    this.clocked = false;
    this.clock!.end();
  }

  /** The caller's signal fired: abort the call with its reason. */
  handleEvent(): void {
    this.abort(this.parent?.reason);
  }

  /** Called by the timer. */
  expire(): void {
    if (this.phase === 'headers') {
      this.abort(
        new ProviderTimeoutError(`Upstream ${this.provider} sent no response headers within ${this.headersMs} ms`, {
          provider: this.provider,
          phase: 'first-token',
        }),
      );
    } else if (this.phase === 'idle' && this.waiting) {
      this.abort(
        new ProviderTimeoutError(`Upstream ${this.provider} went silent mid-response for ${this.idleMs} ms`, {
          provider: this.provider,
          phase: 'idle',
        }),
      );
    }
    // Idle but nobody waiting: the reader holds the body paused; the clock restarts when it asks.
  }

  addEventListener(type: string, listener: AbortListener): void {
    if (type !== 'abort' || listener === this.listener || this.moreListeners?.includes(listener)) return;
    // undici adds exactly one; a custom dispatcher may add more.
    if (this.listener === undefined) this.listener = listener;
    else (this.moreListeners ??= []).push(listener);
  }

  removeEventListener(type: string, listener: AbortListener): void {
    if (type !== 'abort') return;
    if (this.listener === listener) this.listener = undefined;
    else if (this.moreListeners !== undefined) this.moreListeners = this.moreListeners.filter((other) => other !== listener);
  }

  /** As AbortSignal.throwIfAborted, for code that checks a signal before it starts. */
  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  private abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.finish();
    const listeners = this.moreListeners === undefined ? [this.listener] : [this.listener, ...this.moreListeners];
    this.listener = undefined;
    this.moreListeners = undefined;
    for (const listener of listeners) {
      if (listener === undefined) continue;
      if (typeof listener === 'function') listener();
      else listener.handleEvent();
    }
  }
}

function armTimer(deadline: UpstreamDeadline, ms: number): NodeJS.Timeout {
  const timer = setTimeout(expireDeadline, ms, deadline);
  timer.unref();
  return timer;
}

function expireDeadline(deadline: UpstreamDeadline): void {
  deadline.expire();
}
