import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';

/** What `tuneGcForCores` decided, for the start-up log line. */
export interface GcTuning {
  cores: number;
  applied: string[];
  reason: string;
}

/**
 * The V8 flags worth setting for a process that may run on `cores` CPUs. On one core the young-generation
 * GC's helper thread cannot run beside the main thread, only take turns with it: scavenging on the main
 * thread alone served ×1.08 requests/s at ×0.94 CPU per request at one connection (`overhead-ab`, 7 of 8
 * pairs). With more cores the helpers run in parallel and V8's default stays. A flag the operator set
 * (`NODE_OPTIONS` or node's command line) always wins.
 */
export function gcFlagsFor(cores: number, operatorFlags: readonly string[]): GcTuning {
  if (operatorFlags.some((flag) => /parallel[-_]scavenge|single[-_]threaded[-_]gc/.test(flag))) {
    return { cores, applied: [], reason: 'scavenger flags set by the operator' };
  }
  if (cores > 1) return { cores, applied: [], reason: 'parallel scavenging (V8 default) on more than one core' };
  return { cores, applied: ['--no-parallel-scavenge'], reason: 'one core: scavenging on the main thread alone' };
}

/** Applies `gcFlagsFor` to this process: the cores it may run on (CPU affinity, e.g. `taskset`) and its node flags. */
export function tuneGcForCores(): GcTuning {
  const operatorFlags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  const tuning = gcFlagsFor(availableParallelism(), operatorFlags);
  for (const flag of tuning.applied) setFlagsFromString(flag);
  return tuning;
}
