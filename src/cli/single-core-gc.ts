import { availableParallelism } from 'node:os';
import v8 from 'node:v8';

/**
 * V8 settings for a gateway confined to one CPU (`taskset`, a cpuset of one), applied by `serve`.
 *
 * V8 scavenges the young generation with helper threads, and sweeps array buffers on a background
 * one, while the request thread waits for them to finish. With one CPU those helpers can only run
 * in turn with the request thread and the request-log worker: a scavenge that starts while the
 * worker holds the core waits for it. At one connection with the log on, scavenge pauses then read
 * mean 1.2–2.4 ms and p90 1.8–2.3 ms; with these two flags 0.8–1.1 ms and 1.0 ms
 * (`--trace-gc-nvp`, docs/performance.md). With more CPUs the helpers run beside the request thread
 * and the flags would only slow scavenges, so they are left alone.
 */
export const ONE_CPU_GC_FLAGS = ['--no-parallel-scavenge', '--no-concurrent-array-buffer-sweeping'] as const;

/** Set to `on` to keep V8's GC helper threads on one CPU too. */
export const GC_HELPERS_ENV = 'SWITCHYARD_GC_HELPERS';

export interface OneCpuGcOptions {
  /** CPUs this process may run on (default: `os.availableParallelism()`, which honours the affinity mask). */
  cpus?: number;
  env?: NodeJS.ProcessEnv;
  setFlag?: (flag: string) => void;
}

/** Applies ONE_CPU_GC_FLAGS when the process has one CPU; returns the flags it set (none otherwise). */
export function tuneGcForOneCpu(options: OneCpuGcOptions = {}): string[] {
  const cpus = options.cpus ?? availableParallelism();
  if (cpus > 1 || (options.env ?? process.env)[GC_HELPERS_ENV] === 'on') return [];
  // Both are read at each collection, so setting them once the process runs takes effect from the next one.
  const setFlag = options.setFlag ?? ((flag: string) => v8.setFlagsFromString(flag));
  for (const flag of ONE_CPU_GC_FLAGS) setFlag(flag);
  return [...ONE_CPU_GC_FLAGS];
}
