import { useCallback, useEffect, useRef, useState } from 'react';
import { AdminApiError, getJson, type Unavailable } from './admin-client.js';

export type Load<T> =
  | { state: 'loading' }
  /** `staleError`: the last refresh failed; `data` is from `updatedAt`, kept on screen. */
  | { state: 'ready'; data: T; updatedAt: number; staleError?: string }
  | { state: 'unavailable'; reason: Unavailable; message: string }
  | { state: 'error'; message: string };

export interface UseAdminOptions {
  /** Poll this often (live pages); off when undefined. */
  pollMs?: number;
  /** Stop polling (the user paused live updates, or the tab is hidden). */
  paused?: boolean;
}

/**
 * Loads one dashboard API path and keeps it fresh. `path` null loads nothing (a form not yet
 * submitted). `parse` checks the envelope; keep it a module-level function so it is stable.
 * While a poll runs the previous data stays on screen, so charts do not flash.
 */
export function useAdmin<T>(path: string | null, parse: (value: unknown) => T, options: UseAdminOptions = {}): { load: Load<T>; reload: () => void } {
  const [load, setLoad] = useState<Load<T>>({ state: 'loading' });
  const [nonce, setNonce] = useState(0);
  const previousPath = useRef<string | null>(null);
  const reload = useCallback(() => setNonce((value) => value + 1), []);
  const { pollMs, paused = false } = options;

  useEffect(() => {
    if (path === null) return undefined;
    if (previousPath.current !== path) {
      previousPath.current = path;
      setLoad({ state: 'loading' });
    }
    let controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const run = async () => {
      controller = new AbortController();
      try {
        const data = parse(await getJson(path, controller.signal));
        if (!stopped) setLoad({ state: 'ready', data, updatedAt: Date.now() });
      } catch (error) {
        if (stopped || controller.signal.aborted) return;
        if (error instanceof AdminApiError && error.unavailable !== undefined) {
          setLoad({ state: 'unavailable', reason: error.unavailable, message: error.message });
        } else {
          const message = error instanceof Error ? error.message : String(error);
          // A failed refresh keeps what is on screen (marked stale) rather than wiping it for one blip.
          setLoad((current) => (current.state === 'ready' ? { ...current, staleError: message } : { state: 'error', message }));
        }
      }
      if (!stopped && pollMs !== undefined && !paused) timer = setTimeout(() => void run(), pollMs);
    };
    void run();
    return () => {
      stopped = true;
      controller.abort();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [path, parse, pollMs, paused, nonce]);

  return { load, reload };
}

/** Whether the page is visible; live pages stop polling in a background tab. */
export function usePageVisible(): boolean {
  const [visible, setVisible] = useState(() => document.visibilityState !== 'hidden');
  useEffect(() => {
    const update = () => setVisible(document.visibilityState !== 'hidden');
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, []);
  return visible;
}
