/**
 * The pure parts of `npm run bench:core-share` (bench/core-share.ts): its options, the background
 * loads it compares, and the table of results. Kept apart so they are tested without running wrk.
 */
import { median } from './wrk.js';

/** How a background load is scheduled beside the proxy on its core. */
export type LoadPolicy = 'idle' | 'nice10';

export interface LoadVariant {
  name: string;
  /** Absent: nothing else runs on the core (the reference row). */
  load?: { policy: LoadPolicy; busyMs: number; periodMs: number; touchKb?: number };
}

export interface CoreShareOptions {
  rounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  /** The duty cycle of the `duty@…` loads: busy this long out of every `periodMs`. */
  busyMs: number;
  periodMs: number;
  /** When above 0, the duty-cycle loads are also run writing through a buffer of this size (cache traffic). */
  touchKb: number;
  json: boolean;
}

export function parseCoreShareOptions(argv: readonly string[]): CoreShareOptions {
  const options: CoreShareOptions = { rounds: 3, durationSeconds: 10, warmupSeconds: 3, busyMs: 1.5, periodMs: 15, touchKb: 0, json: false };
  const positive = (flag: string, text: string | undefined): number => {
    const value = Number(text);
    if (text === undefined || !Number.isFinite(value) || value <= 0) throw new Error(`${flag} expects a positive number, got '${text ?? ''}'`);
    return value;
  };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index]!;
    if (flag === '--rounds') options.rounds = Math.round(positive(flag, argv[++index]));
    else if (flag === '--duration') options.durationSeconds = Math.round(positive(flag, argv[++index]));
    else if (flag === '--warmup') options.warmupSeconds = Math.round(positive(flag, argv[++index]));
    else if (flag === '--busy-ms') options.busyMs = positive(flag, argv[++index]);
    else if (flag === '--period-ms') options.periodMs = positive(flag, argv[++index]);
    else if (flag === '--touch-kb') options.touchKb = Math.round(positive(flag, argv[++index]));
    else if (flag === '--json') options.json = true;
    else throw new Error(`unknown option '${flag}' (see the header of bench/core-share.ts)`);
  }
  if (options.busyMs > options.periodMs) throw new Error(`--busy-ms (${options.busyMs}) is longer than --period-ms (${options.periodMs})`);
  return options;
}

/**
 * The loads compared, each beside the bare proxy on its core: none; a thread that always wants
 * the core but yields it at once (SCHED_IDLE); and one busy for a share of every period — the
 * request log's share at one connection is ~10% — at nice 10 (the log worker's default) and under
 * SCHED_IDLE (its `idle` option). With `touchKb`, the duty cycle again writing through that much
 * memory, to tell the cost of sharing the core from the cost of sharing its caches.
 */
export function loadVariants(options: Pick<CoreShareOptions, 'busyMs' | 'periodMs'> & { touchKb?: number }): LoadVariant[] {
  const duty = { busyMs: options.busyMs, periodMs: options.periodMs };
  const variants: LoadVariant[] = [
    { name: 'none' },
    { name: 'spin@idle', load: { policy: 'idle', busyMs: 0, periodMs: 0 } },
    { name: 'duty@nice10', load: { policy: 'nice10', ...duty } },
    { name: 'duty@idle', load: { policy: 'idle', ...duty } },
  ];
  const touchKb = options.touchKb ?? 0;
  if (touchKb > 0) {
    variants.push(
      { name: `duty+${touchKb}KB@nice10`, load: { policy: 'nice10', ...duty, touchKb } },
      { name: `duty+${touchKb}KB@idle`, load: { policy: 'idle', ...duty, touchKb } },
    );
  }
  return variants;
}

/** The command that runs `script` under a variant's policy (taskset pins it; these exec in turn, so the pid stays). */
export function loadCommand(load: NonNullable<LoadVariant['load']>, node: string, script: string): { command: string; args: string[] } {
  const scriptArgs = [script, '--busy-ms', String(load.busyMs), '--period-ms', String(load.periodMs), ...(load.touchKb ? ['--touch-kb', String(load.touchKb)] : [])];
  return load.policy === 'idle'
    ? { command: 'chrt', args: ['--idle', '0', node, ...scriptArgs] }
    : { command: 'nice', args: ['-n', '10', node, ...scriptArgs] };
}

export interface CoreShareRun {
  round: number;
  variant: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** The proxy's CPU (all threads) per request. */
  proxyCpuUsPerRequest: number;
  /** The background load's CPU as a share of the run's wall time (0 without one). */
  loadCoreShare: number;
}

export interface CoreShareSummary {
  variant: string;
  runs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  proxyCpuUsPerRequest: number;
  loadCoreShare: number;
  /** Against the `none` row's medians: p99 and CPU per request added by sharing the core. */
  addedP99Ms: number;
  addedCpuUsPerRequest: number;
}

/** Medians per variant, in the order the variants were given, each against the `none` row. */
export function summariseCoreShare(variants: readonly LoadVariant[], runs: readonly CoreShareRun[]): CoreShareSummary[] {
  const medians = variants.map((variant) => {
    const mine = runs.filter((run) => run.variant === variant.name);
    const of = (pick: (run: CoreShareRun) => number) => (mine.length === 0 ? Number.NaN : median(mine.map(pick)));
    return {
      variant: variant.name,
      runs: mine.length,
      requestsPerSecond: of((run) => run.requestsPerSecond),
      p50Ms: of((run) => run.p50Ms),
      p99Ms: of((run) => run.p99Ms),
      proxyCpuUsPerRequest: of((run) => run.proxyCpuUsPerRequest),
      loadCoreShare: of((run) => run.loadCoreShare),
    };
  });
  const reference = medians.find((row) => row.variant === 'none');
  return medians.map((row) => ({
    ...row,
    addedP99Ms: reference ? row.p99Ms - reference.p99Ms : Number.NaN,
    addedCpuUsPerRequest: reference ? row.proxyCpuUsPerRequest - reference.proxyCpuUsPerRequest : Number.NaN,
  }));
}

export function formatCoreShareTable(rows: readonly CoreShareSummary[], directP99Ms: number): string {
  const header = ['load beside the proxy', 'runs', 'requests/s', 'p50 ms', 'p99 ms', 'p99 over direct', 'p99 vs none', 'proxy CPU µs/req', 'vs none', 'load\'s share of core'];
  const signed = (value: number, digits: number) => (Number.isNaN(value) ? '-' : `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`);
  const lines = rows.map((row) => [
    row.variant,
    String(row.runs),
    row.requestsPerSecond.toFixed(0),
    row.p50Ms.toFixed(2),
    row.p99Ms.toFixed(2),
    (row.p99Ms - directP99Ms).toFixed(2),
    row.variant === 'none' ? '' : signed(row.addedP99Ms, 2),
    row.proxyCpuUsPerRequest.toFixed(0),
    row.variant === 'none' ? '' : signed(row.addedCpuUsPerRequest, 0),
    `${(row.loadCoreShare * 100).toFixed(1)}%`,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const render = (cells: readonly string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [render(header), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.map(render)].join('\n');
}
