import { execFile } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setPriority } from 'node:os';

/**
 * How the request-log worker thread is scheduled against the thread that handles requests, when
 * both share a core:
 * - `low` (default): nice 10. The scheduler weighs the worker at about a tenth of the request
 *   thread (110 vs 1024), enough to keep up on a saturated core. Under EEVDF a request that arrives
 *   while the worker runs waits until the worker has had its weighted share (~1 ms at one
 *   connection: `perf sched`, docs/performance.md), which lengthens the one-connection tail.
 * - `idle`: Linux's SCHED_IDLE. The worker runs only when request handling leaves the core free,
 *   and a request that arrives mid-insert takes the core at once: at one connection `bench:tail`'s
 *   corrected p99 read 1.86 ms, against ~2.5 ms at nice 10 (docs/performance.md). On a saturated core
 *   it gets almost nothing, so the request thread yields to it in short slices once it falls behind
 *   (WorkerStarvationGuard), and what still falls behind spills to disk and is replayed. Switching
 *   to SCHED_IDLE needs no privilege; where it cannot be applied (no `chrt`, not Linux) the thread
 *   runs at nice 19.
 */
export type WorkerPriority = 'idle' | 'low';

export const LOW_PRIORITY_NICE = 10;
/** What an `idle` thread runs at where SCHED_IDLE cannot be applied (and underneath it where it can). */
export const IDLE_FALLBACK_NICE = 19;

/** The scheduling a thread ended up with, read back from the kernel. */
export interface AppliedPriority {
  requested: WorkerPriority;
  threadId?: number;
  /** `idle` is SCHED_IDLE; `normal` is SCHED_OTHER (CFS/EEVDF). */
  policy: 'idle' | 'normal' | 'unknown';
  nice?: number;
  /** Why the request was not applied as asked, when it was not. */
  note?: string;
}

const SCHED_IDLE = 5;

/**
 * Lowers the calling thread's scheduling (Linux, where the nice value and the policy are per thread).
 * Never throws: priority only shapes latency, so the caller runs on regardless and reports `note`.
 */
export async function lowerCurrentThreadPriority(requested: WorkerPriority, chrtCommand = 'chrt'): Promise<AppliedPriority> {
  if (process.platform !== 'linux') return { requested, policy: 'unknown', note: 'thread priorities are only set on Linux' };
  let threadId: number;
  try {
    // `/proc/thread-self` links to `<pid>/task/<tid>` of the thread that reads it. Read at once, so
    // the nice value holds before the caller's first statement runs (once, at thread start).
    threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(threadId) || threadId <= 0) throw new Error('no thread id in /proc/thread-self');
    // Raising one's own nice value needs no privilege; for `idle` it is also the fallback.
    setPriority(threadId, requested === 'idle' ? IDLE_FALLBACK_NICE : LOW_PRIORITY_NICE);
  } catch (error) {
    return { requested, policy: 'unknown', note: `could not lower the thread's priority: ${messageOf(error)}` };
  }
  let note: string | undefined;
  if (requested === 'idle') {
    // Node has no binding for sched_setscheduler; util-linux's chrt makes the one call.
    note = await new Promise<string | undefined>((resolve) => {
      execFile(chrtCommand, ['--idle', '-p', '0', String(threadId)], { timeout: 5000 }, (error, _stdout, stderr) => {
        resolve(error ? `SCHED_IDLE not applied (${(stderr.trim() || messageOf(error)).split('\n')[0]}); running at nice ${IDLE_FALLBACK_NICE} instead` : undefined);
      });
    });
  }
  const scheduling = await readThreadScheduling(threadId);
  if (requested === 'idle' && note === undefined && scheduling.policy !== 'idle') note = `SCHED_IDLE did not take effect; running at nice ${scheduling.nice ?? IDLE_FALLBACK_NICE}`;
  return { requested, threadId, ...scheduling, ...(note === undefined ? {} : { note }) };
}

/** A thread's policy and nice value, from /proc/<pid>/task/<tid>/stat (fields 41 and 19). */
export async function readThreadScheduling(threadId: number): Promise<{ policy: AppliedPriority['policy']; nice?: number }> {
  try {
    const stat = await readFile(`/proc/${process.pid}/task/${threadId}/stat`, 'utf8');
    // Fields after the parenthesised command name start at field 3.
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return { policy: Number(fields[38]) === SCHED_IDLE ? 'idle' : 'normal', nice: Number(fields[16]) };
  } catch {
    return { policy: 'unknown' };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
