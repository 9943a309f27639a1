import { readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Counter, type Registry } from 'prom-client';

/** A thread of this process to report, by Linux thread id. */
export interface ReportedThread {
  /** Label value: `request` (the thread that handles requests), `request_log_worker`, … */
  name: string;
  threadId: number;
}

export interface ThreadSchedulingMetricsOptions {
  threads: () => readonly ReportedThread[];
  /** Where /proc is; tests point it at a fake tree. */
  procRoot?: string;
  pid?: number;
}

/**
 * `switchyard_thread_cpu_seconds_total` and `switchyard_thread_wait_seconds_total` per thread, from
 * Linux's per-thread scheduler statistics (`/proc/<pid>/task/<tid>/schedstat`: time on a CPU and
 * time runnable but waiting for one), read at scrape time, off the request path.
 *
 * Why: the request thread's wait is time requests sat ready while something else had its core —
 * another process, or the gateway's own request-log worker, which at nice 10 holds a woken request
 * thread for ~1 ms (docs/performance.md). No in-process clock sees it; the kernel does. The worker's
 * CPU is the log's price in the same units. A thread whose file cannot be read (not Linux, a kernel
 * without schedstat) is left out rather than reported as zero.
 */
export function registerThreadSchedulingMetrics(registry: Registry, options: ThreadSchedulingMetricsOptions): void {
  const procRoot = options.procRoot ?? '/proc';
  const pid = options.pid ?? process.pid;
  const read = async (): Promise<Array<{ name: string; cpuSeconds: number; waitSeconds: number }>> => {
    const results = await Promise.all(
      options.threads().map(async (thread) => {
        try {
          const times = parseSchedstat(await readFile(join(procRoot, String(pid), 'task', String(thread.threadId), 'schedstat'), 'utf8'));
          return times && { name: thread.name, ...times };
        } catch {
          return undefined;
        }
      }),
    );
    return results.filter((result) => result !== undefined);
  };
  // Both counters come from one read per scrape; the second collect reuses the first's result.
  let pending: ReturnType<typeof read> | undefined;
  const readOnce = () => {
    pending ??= read().finally(() => setImmediate(() => (pending = undefined)));
    return pending;
  };
  const counter = (name: string, help: string, pick: (times: { cpuSeconds: number; waitSeconds: number }) => number) =>
    new Counter({
      name,
      help,
      labelNames: ['thread'],
      registers: [registry],
      async collect() {
        const times = await readOnce();
        this.reset();
        for (const thread of times) this.inc({ thread: thread.name }, pick(thread));
      },
    });
  counter('switchyard_thread_cpu_seconds_total', "CPU time of the gateway's threads (Linux schedstat).", (times) => times.cpuSeconds);
  counter(
    'switchyard_thread_wait_seconds_total',
    "Time the gateway's threads were ready to run but waited for a CPU (Linux schedstat): for the request thread, time requests queued behind other work on its core.",
    (times) => times.waitSeconds,
  );
}

/** A `schedstat` line (`<ns on a CPU> <ns runnable, waiting> <timeslices>`) in seconds, or undefined if it is not one. */
export function parseSchedstat(text: string): { cpuSeconds: number; waitSeconds: number } | undefined {
  const [onCpu, waiting] = text.trim().split(/\s+/).map(Number);
  if (!Number.isFinite(onCpu) || !Number.isFinite(waiting)) return undefined;
  return { cpuSeconds: onCpu! / 1e9, waitSeconds: waiting! / 1e9 };
}

/** The Linux thread id of the calling thread (`/proc/thread-self`), or undefined elsewhere. */
export async function currentThreadId(procRoot = '/proc'): Promise<number | undefined> {
  try {
    const threadId = Number((await readlink(join(procRoot, 'thread-self'))).split('/').pop());
    return Number.isInteger(threadId) && threadId > 0 ? threadId : undefined;
  } catch {
    return undefined;
  }
}
