/**
 * A request's abort signal, without node's AbortController or EventTarget. On node 20 every
 * AbortSignal outlives young-generation collections: in a minimal undici proxy, one
 * AbortController per request raised the bytes V8 promoted per scavenge from ~55 KB to ~250 KB
 * (`--trace-gc-nvp`), and in the gateway (one connection, log on) a plain-EventTarget signal cut
 * them from 174 KB to 67 KB — old-generation garbage that full collections then have to clear. A
 * gateway makes one per request and one per time-limited attempt, and node's EventTarget itself
 * costs each of them two Maps and a listener record per `addEventListener`: the listeners here are
 * a short array.
 *
 * It behaves as an AbortSignal for everything that takes one here: `aborted`, `reason`,
 * `throwIfAborted()`, `onabort` and 'abort' listeners (functions or `handleEvent` objects, `once`,
 * the same listener added twice counted once, removal), which is all undici and node's stream,
 * event and timer helpers use (they check `aborted` and listen for 'abort'). What it cannot do is
 * feed `AbortSignal.any()`, which only propagates aborts between node's own signals: listen for
 * 'abort' instead.
 */
export class RequestSignal {
  aborted = false;
  reason: unknown = undefined;
  onabort: ((this: AbortSignal, event: Event) => unknown) | null = null;
  #listeners: AbortListener[] | undefined;

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  addEventListener(type: string, listener: AbortEventListener | null, options?: boolean | AbortListenerOptions): void {
    if (type !== 'abort' || listener === null || this.aborted) return;
    const listeners = (this.#listeners ??= []);
    if (listeners.some((entry) => entry.listener === listener)) return;
    listeners.push({ listener, once: typeof options === 'object' && options.once === true });
    // EventTarget's `signal` option: the listener goes when that signal aborts.
    const removeOn = typeof options === 'object' ? options.signal : undefined;
    if (removeOn) removeOn.addEventListener('abort', () => this.removeEventListener(type, listener), { once: true });
  }

  removeEventListener(type: string, listener: AbortEventListener | null): void {
    if (type !== 'abort' || this.#listeners === undefined) return;
    const index = this.#listeners.findIndex((entry) => entry.listener === listener);
    if (index !== -1) this.#listeners.splice(index, 1);
  }

  /** Calls `onabort`, then each listener in the order added; one that throws is reported as EventTarget does, without stopping the rest. */
  dispatchEvent(event: Event): boolean {
    if (event.type !== 'abort') return true;
    const self = this as unknown as AbortSignal;
    if (this.onabort) callReporting(() => this.onabort?.call(self, event));
    const listeners = this.#listeners;
    if (listeners === undefined) return true;
    for (const entry of [...listeners]) {
      if (!listeners.includes(entry)) continue;
      if (entry.once) listeners.splice(listeners.indexOf(entry), 1);
      const listener = entry.listener;
      callReporting(() => (typeof listener === 'function' ? listener.call(self, event) : listener.handleEvent(event)));
    }
    return true;
  }
}

type AbortEventListener = ((event: Event) => unknown) | { handleEvent(event: Event): unknown };

interface AbortListenerOptions {
  once?: boolean;
  signal?: AbortSignal;
}

interface AbortListener {
  listener: AbortEventListener;
  once: boolean;
}

/** As node's EventTarget does with a listener's exception: it becomes an uncaught exception, on the next tick. */
function callReporting(call: () => unknown): void {
  try {
    call();
  } catch (error) {
    process.nextTick(() => {
      throw error;
    });
  }
}

export class RequestAbortController {
  readonly #signal = new RequestSignal();

  /** The signal, typed as the platform's for the fields and APIs declared with AbortSignal. */
  get signal(): AbortSignal {
    return this.#signal as unknown as AbortSignal;
  }

  /** Aborts once; later calls are ignored, as with AbortController. */
  abort(reason: unknown = new DOMException('This operation was aborted', 'AbortError')): void {
    const signal = this.#signal;
    if (signal.aborted) return;
    signal.aborted = true;
    signal.reason = reason;
    signal.dispatchEvent(new Event('abort'));
  }
}
