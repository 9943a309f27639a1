import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * The nice value of the request-log worker thread. The worker shares the gateway's cores; at the
 * default 0 the scheduler splits a core evenly between a batch insert and request handling, so
 * every request that arrives during a batch waits for it. At 10 the scheduler weighs the worker at
 * about a tenth of the request thread (CFS weights 110 vs 1024): requests go first, and the worker
 * still gets enough to keep up when the core is saturated (its insert cost is a few percent of a
 * request's). Raising one's own nice value needs no privilege.
 */
export const REQUEST_LOG_WORKER_NICE = 10;

/**
 * Sets the nice value of the calling thread only (Linux, where `setpriority` on a thread id applies
 * to that thread). Returns the thread id, or undefined where this is not possible; callers run on
 * regardless, since priority only shapes latency.
 */
export function lowerCurrentThreadPriority(nice: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    // `/proc/thread-self` links to `<pid>/task/<tid>` of the thread that reads it.
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(threadId) || threadId <= 0) return undefined;
    setPriority(threadId, nice);
    return threadId;
  } catch {
    return undefined;
  }
}
