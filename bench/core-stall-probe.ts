import { runChild } from './child-processes.js';

/**
 * How much a core's own time was taken away from a thread that wanted all of it: a busy loop pinned
 * to the core reads the clock without pause, and every jump between two reads is time it did not
 * run (the hypervisor ran another guest, the kernel ran an interrupt or another thread).
 *
 * Why the benches need it: wrk corrects its latency percentiles for coordinated omission, so at one
 * connection a stall of L ms on the server's core counts as ~L / interval slow samples. A few
 * stalls of several ms per second put a p99 over 1 ms whatever the server does; on this VM the bare
 * 20-line proxy swings between 0.7 and 3.8 ms p99 with them. Probing the core next to a run says
 * which kind of stretch the run met.
 */
export interface CoreStalls {
  core: number;
  seconds: number;
  /** Jumps over 1 ms: their count, their total, and the total's share of the probe. */
  over1Ms: { count: number; totalMs: number; sharePercent: number };
  /** Jumps over 0.1 ms, all told. */
  over100UsTotalMs: number;
  worstMs: number;
}

/** Summarises the clock jumps (ms, any order) a busy loop saw over `seconds`. */
export function summariseStalls(core: number, seconds: number, gapsMs: readonly number[]): CoreStalls {
  const over1 = gapsMs.filter((gap) => gap > 1);
  const total = (gaps: readonly number[]) => gaps.reduce((sum, gap) => sum + gap, 0);
  const over1Total = total(over1);
  return {
    core,
    seconds,
    over1Ms: { count: over1.length, totalMs: round(over1Total), sharePercent: round((100 * over1Total) / (seconds * 1000)) },
    over100UsTotalMs: round(total(gapsMs.filter((gap) => gap > 0.1))),
    worstMs: round(gapsMs.reduce((worst, gap) => Math.max(worst, gap), 0)),
  };
}

export function formatStalls(stalls: CoreStalls): string {
  const { core, seconds, over1Ms, worstMs } = stalls;
  return `core ${core} stalls (a busy loop pinned there for ${seconds} s): ${over1Ms.count} over 1 ms, ${over1Ms.totalMs.toFixed(1)} ms in all (${over1Ms.sharePercent.toFixed(2)}% of the time), worst ${worstMs.toFixed(2)} ms`;
}

// Runs in the pinned child: a plain loop on performance.now(), printing the jumps over 0.1 ms.
const SPIN_SOURCE = `
const end = performance.now() + Number(process.argv[1]) * 1000;
const gaps = [];
let last = performance.now();
for (;;) {
  const now = performance.now();
  if (now - last > 0.1) gaps.push(now - last);
  last = now;
  if (now > end) break;
}
process.stdout.write(JSON.stringify(gaps));
`;

/** Spins on `core` for `seconds` (nothing else of the bench should run there meanwhile). */
export async function probeCoreStalls(core: number, seconds: number): Promise<CoreStalls> {
  const run = await runChild('taskset', ['-c', String(core), process.execPath, '-e', SPIN_SOURCE, String(seconds)]);
  if (run.code !== 0) throw new Error(`the stall probe on core ${core} failed: ${run.stderr.trim().split('\n')[0] ?? `exit ${run.code}`}`);
  const gaps = JSON.parse(run.stdout) as unknown;
  if (!Array.isArray(gaps) || !gaps.every((gap) => typeof gap === 'number')) throw new Error(`the stall probe on core ${core} printed no list of gaps`);
  return summariseStalls(core, seconds, gaps);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
