/**
 * What one request spent waiting on something outside the gateway — a provider's headers or next
 * chunk, a slow client's socket, a retry's backoff — so that the rest of its wall time is the
 * gateway's own: parsing, routing, policy, translation, recording (`ownTimeMs`). That is the
 * latency the gateway adds, reported per request as `switchyard_gateway_overhead_seconds` and in
 * the request log, independent of how slow the provider was.
 *
 * Waits may overlap (a hedged request waits on two providers at once): the clock counts the time
 * at least one wait is open, not their sum. Every `begin` must be paired with one `end`.
 */
export class WaitClock {
  private open = 0;
  private openedAt = 0;
  private waited = 0;
  /** When the response was complete, and the waiting up to then (later waits — a lost hedge unwinding — do not count). */
  private finishedAt: number | undefined;
  private waitedAtFinish = 0;

  begin(): void {
    if (this.open++ === 0) this.openedAt = performance.now();
  }

  end(): void {
    if (this.open === 0) return;
    if (--this.open === 0) this.waited += performance.now() - this.openedAt;
  }

  /** The response is complete (its last byte handed to the socket). Later calls change nothing. */
  finish(at = performance.now()): void {
    if (this.finishedAt !== undefined) return;
    this.finishedAt = at;
    this.waitedAtFinish = this.waitedUntil(at);
  }

  get finished(): boolean {
    return this.finishedAt !== undefined;
  }

  /** Milliseconds spent waiting up to `at` (an open wait counts up to `at`). */
  waitedUntil(at: number): number {
    return this.open > 0 ? this.waited + Math.max(0, at - this.openedAt) : this.waited;
  }

  /**
   * The gateway's own time for a request that arrived at `startedAt` (performance.now() clock):
   * its wall time to the end of the response, less the time it waited. Before `finish`, counted
   * up to `now`.
   */
  ownTimeMs(startedAt: number, now = performance.now()): number {
    const end = this.finishedAt ?? now;
    const waited = this.finishedAt === undefined ? this.waitedUntil(end) : this.waitedAtFinish;
    return Math.max(0, end - startedAt - waited);
  }
}

/** `wait`, counted on `clock` (when there is one) until it settles. */
export async function countWait<T>(clock: WaitClock | undefined, wait: Promise<T>): Promise<T> {
  if (clock === undefined) return wait;
  clock.begin();
  try {
    return await wait;
  } finally {
    clock.end();
  }
}
