/** Failed logins allowed per client address in a window before further tries are refused. */
const MAX_FAILURES = 10;
const WINDOW_MS = 5 * 60_000;
/** Addresses tracked at once; the oldest is forgotten past this. */
const MAX_ADDRESSES = 10_000;

interface Failures {
  count: number;
  windowStart: number;
}

/**
 * Slows down guessing the admin key through the login form: after `maxFailures` wrong keys from
 * one address within the window, that address is refused (429) until the window ends.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, Failures>();
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(options: { maxFailures?: number; windowMs?: number; now?: () => number } = {}) {
    this.#maxFailures = options.maxFailures ?? MAX_FAILURES;
    this.#windowMs = options.windowMs ?? WINDOW_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Milliseconds until the address may try again; 0 when it may now. */
  retryAfterMs(address: string): number {
    const entry = this.#failures.get(address);
    if (entry === undefined) return 0;
    const elapsed = this.#now() - entry.windowStart;
    if (elapsed >= this.#windowMs) {
      this.#failures.delete(address);
      return 0;
    }
    return entry.count >= this.#maxFailures ? this.#windowMs - elapsed : 0;
  }

  recordFailure(address: string): void {
    const now = this.#now();
    const entry = this.#failures.get(address);
    if (entry === undefined || now - entry.windowStart >= this.#windowMs) {
      if (this.#failures.size >= MAX_ADDRESSES) {
        const oldest = this.#failures.keys().next();
        if (!oldest.done) this.#failures.delete(oldest.value);
      }
      this.#failures.set(address, { count: 1, windowStart: now });
      return;
    }
    entry.count += 1;
  }

  recordSuccess(address: string): void {
    this.#failures.delete(address);
  }
}
