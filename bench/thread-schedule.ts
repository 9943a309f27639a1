/**
 * How a process's threads shared the CPU, from Linux's per-thread scheduler statistics
 * (`/proc/<pid>/task/<tid>/schedstat`: nanoseconds on a CPU, nanoseconds runnable but waiting
 * for one, timeslices). The overhead bench pins the gateway to one core, where its request thread,
 * the request-log worker and V8's helper threads take turns: the request thread's run-queue wait is
 * the part of a request's latency that the gateway's own other threads (and anything else on the
 * core) cause, which no in-process clock can see.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSchedstat } from '../src/server/thread-scheduling-metrics.js';

export interface ThreadTimes {
  /** Time on a CPU, ms. */
  cpuMs: number;
  /** Time runnable but waiting for a CPU, ms. */
  runQueueWaitMs: number;
}

/** Per-thread cumulative times at one moment, by thread id. */
export type ThreadSnapshot = Map<number, ThreadTimes>;

/** The request thread (the process's main thread) and all its other threads together. */
export interface ThreadScheduleDelta {
  requestThread: ThreadTimes;
  otherThreads: ThreadTimes;
}

/**
 * Reads every thread's schedstat. Throws when the process or its schedstat files are missing
 * (a kernel without CONFIG_SCHED_INFO), naming the file. Threads that exit while being read are skipped.
 */
export function readThreadSnapshot(pid: number, procRoot = '/proc'): ThreadSnapshot {
  const taskDirectory = join(procRoot, String(pid), 'task');
  const snapshot: ThreadSnapshot = new Map();
  for (const entry of readdirSync(taskDirectory)) {
    const tid = Number(entry);
    if (!Number.isInteger(tid)) continue;
    const file = join(taskDirectory, entry, 'schedstat');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && tid !== pid) continue;
      throw new Error(`cannot read ${file}: ${(error as Error).message}`);
    }
    const times = parseSchedstat(text);
    if (times === undefined) throw new Error(`${file}: expected "<ns on cpu> <ns waiting> <slices>", got "${text.trim()}"`);
    snapshot.set(tid, { cpuMs: times.cpuSeconds * 1000, runQueueWaitMs: times.waitSeconds * 1000 });
  }
  if (!snapshot.has(pid)) throw new Error(`${taskDirectory}: no entry for the main thread ${pid}`);
  return snapshot;
}

/** What each side used between two snapshots; a thread started in between counts from zero. */
export function threadScheduleBetween(pid: number, before: ThreadSnapshot, after: ThreadSnapshot): ThreadScheduleDelta {
  const requestThread: ThreadTimes = { cpuMs: 0, runQueueWaitMs: 0 };
  const otherThreads: ThreadTimes = { cpuMs: 0, runQueueWaitMs: 0 };
  for (const [tid, now] of after) {
    const then = before.get(tid) ?? { cpuMs: 0, runQueueWaitMs: 0 };
    const into = tid === pid ? requestThread : otherThreads;
    into.cpuMs += Math.max(0, now.cpuMs - then.cpuMs);
    into.runQueueWaitMs += Math.max(0, now.runQueueWaitMs - then.runQueueWaitMs);
  }
  return { requestThread, otherThreads };
}

/** Several runs' deltas as one. */
export function addThreadSchedules(deltas: ThreadScheduleDelta[]): ThreadScheduleDelta {
  const sum = (pick: (delta: ThreadScheduleDelta) => ThreadTimes): ThreadTimes => ({
    cpuMs: deltas.reduce((total, delta) => total + pick(delta).cpuMs, 0),
    runQueueWaitMs: deltas.reduce((total, delta) => total + pick(delta).runQueueWaitMs, 0),
  });
  return { requestThread: sum((delta) => delta.requestThread), otherThreads: sum((delta) => delta.otherThreads) };
}
