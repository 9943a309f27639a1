/**
 * Turns the overhead bench's measurements into rows, checks them against the targets and
 * prints the table and summary.
 */
import type { ThreadScheduleDelta } from './thread-schedule.js';
import { errorCount, type WrkResult } from './wrk.js';

export type Scenario = 'non-streaming' | 'streaming';

export interface GatewayMeasurement extends WrkResult {
  /** Gateway user+system CPU used during the measured run. */
  cpuMs: number;
  cpuMsPerRequest: number;
  /** Share of one core the gateway used (1 = the core was saturated). */
  coreUtilisation: number;
  /** Share of the gateway's core used by other processes (and the hypervisor) during the run. */
  otherLoadOnCore: number;
  /**
   * How long after the load the request log took to store the run's last record. The CPU figures
   * include that time: the log worker yields to requests and writes a saturated run's records after it.
   */
  logCatchUpMs: number;
  /**
   * The gateway's own time per request during the run, from its `/metrics` histogram
   * (`switchyard_gateway_overhead_seconds`): in-process wall time less upstream waits, p50 / p99
   * interpolated within buckets, and the requests it covers.
   */
  ownTime: { p50Ms: number; p99Ms: number; requests: number };
  /**
   * How the gateway's threads shared its core during the run (schedstat; undefined where the kernel
   * keeps none): the request thread's CPU and the time it was ready but waited for the core, and the
   * other threads' (request-log worker, V8 helpers). Includes the log's catch-up after the load.
   */
  threads: ThreadScheduleDelta | undefined;
}

export interface TargetCheck {
  target: string;
  actual: number;
  limit: number;
  pass: boolean;
}

export interface OverheadRow {
  scenario: Scenario;
  connections: number;
  /** Runs per path whose medians make this row (several at one connection, where p99 is noisy). */
  runs: number;
  direct: WrkResult;
  gateway: GatewayMeasurement;
  addedP50Ms: number;
  addedP99Ms: number;
  /** The bare keep-alive proxy (bench/bare-proxy.ts) on the gateway's core: what any Node proxy adds here. */
  proxy: WrkResult;
  proxyAddedP50Ms: number;
  proxyAddedP99Ms: number;
  checks: TargetCheck[];
  pass: boolean;
}

/**
 * The targets from the issue. The CPU budget applies to non-streaming rows: 0.4 ms per request is
 * the one-core cost that the 2,500 requests/s non-streaming target implies; streaming has its own
 * throughput target (2,000 requests/s, i.e. about 0.5 ms) and its CPU is reported for information.
 */
export function checkTargets(row: Pick<OverheadRow, 'scenario' | 'connections' | 'direct' | 'gateway' | 'addedP50Ms' | 'addedP99Ms'>): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const atMost = (target: string, actual: number, limit: number) => checks.push({ target, actual, limit, pass: actual <= limit });
  const atLeast = (target: string, actual: number, limit: number) => checks.push({ target, actual, limit, pass: actual >= limit });
  if (row.scenario === 'non-streaming' && row.connections === 64) atLeast('requests/s (non-streaming, 64 connections) >= 2500', row.gateway.requestsPerSecond, 2500);
  if (row.scenario === 'streaming' && row.connections === 16) atLeast('requests/s (streaming, 16 connections) >= 2000', row.gateway.requestsPerSecond, 2000);
  if (row.scenario === 'non-streaming') atMost(`CPU ms/request (non-streaming, ${row.connections} connections) <= 0.4`, row.gateway.cpuMsPerRequest, 0.4);
  if (row.connections === 1) {
    atMost(`added p50 ms (${row.scenario}, 1 connection) <= 0.4`, row.addedP50Ms, 0.4);
    atMost(`added p99 ms (${row.scenario}, 1 connection) <= 1`, row.addedP99Ms, 1);
  }
  checks.push({ target: `errors (${row.scenario}, ${row.connections} connections) = 0`, actual: errorCount(row.direct) + errorCount(row.gateway), limit: 0, pass: errorCount(row.direct) + errorCount(row.gateway) === 0 });
  return checks;
}

export function buildRow(scenario: Scenario, connections: number, runs: number, direct: WrkResult, gateway: GatewayMeasurement, proxy: WrkResult): OverheadRow {
  const base = {
    scenario,
    connections,
    runs,
    direct,
    gateway,
    addedP50Ms: gateway.p50Ms - direct.p50Ms,
    addedP99Ms: gateway.p99Ms - direct.p99Ms,
    proxy,
    proxyAddedP50Ms: proxy.p50Ms - direct.p50Ms,
    proxyAddedP99Ms: proxy.p99Ms - direct.p99Ms,
  };
  const checks = checkTargets(base);
  return { ...base, checks, pass: checks.every((check) => check.pass) };
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function milliseconds(value: number): string {
  return value.toFixed(Math.abs(value) >= 100 ? 0 : 2);
}

function pair(first: number, second: number): string {
  return `${milliseconds(first)} / ${milliseconds(second)}`;
}

function verdict(row: OverheadRow): string {
  const failed = row.checks.filter((check) => !check.pass);
  if (failed.length === 0) return `PASS (${row.checks.length})`;
  return `FAIL: ${failed.map((check) => shortName(check.target)).join(', ')}`;
}

function shortName(target: string): string {
  if (target.startsWith('requests/s')) return 'rps';
  if (target.startsWith('CPU')) return 'cpu';
  if (target.startsWith('added p50')) return 'p50';
  if (target.startsWith('added p99')) return 'p99';
  return 'errors';
}

export function formatTable(rows: OverheadRow[]): string {
  const header = ['scenario', 'conns', 'runs', 'direct rps', 'gateway rps', 'direct p50/p99 ms', 'gateway p50/p99 ms', 'added p50/p99 ms', 'own time p50/p99 ms', 'bare proxy rps', 'proxy added p50/p99 ms', 'gw CPU ms/req', 'gw core %', 'other on core %', 'targets'];
  const lines = rows.map((row) => [
    row.scenario,
    String(row.connections),
    String(row.runs),
    integer.format(row.direct.requestsPerSecond),
    integer.format(row.gateway.requestsPerSecond),
    pair(row.direct.p50Ms, row.direct.p99Ms),
    pair(row.gateway.p50Ms, row.gateway.p99Ms),
    pair(row.addedP50Ms, row.addedP99Ms),
    pair(row.gateway.ownTime.p50Ms, row.gateway.ownTime.p99Ms),
    integer.format(row.proxy.requestsPerSecond),
    pair(row.proxyAddedP50Ms, row.proxyAddedP99Ms),
    row.gateway.cpuMsPerRequest.toFixed(3),
    integer.format(row.gateway.coreUtilisation * 100),
    integer.format(row.gateway.otherLoadOnCore * 100),
    verdict(row),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const numeric = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  const render = (cells: string[]) =>
    cells.map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  return [render(header), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.map(render)].join('\n');
}

export function formatSummary(rows: OverheadRow[]): string {
  const checks = rows.flatMap((row) => row.checks);
  const failed = checks.filter((check) => !check.pass);
  // Error checks are folded into one line unless one failed.
  const lines = checks
    .filter((check) => shortName(check.target) !== 'errors' || !check.pass)
    .map((check) => `  ${check.pass ? 'PASS' : 'FAIL'}  ${check.target}: ${formatActual(check)}`);
  const errors = rows.reduce((total, row) => total + errorCount(row.direct) + errorCount(row.gateway), 0);
  lines.push(`  ${errors === 0 ? 'PASS' : 'FAIL'}  no non-2xx responses or socket errors in any run (${errors} seen)`);
  const noisiest = Math.max(...rows.map((row) => row.gateway.otherLoadOnCore));
  if (noisiest > 0.05) {
    lines.push(`  NOTE  other processes used up to ${Math.round(noisiest * 100)}% of the gateway's core during a run; latency and requests/s are understated there (CPU ms/request is the gateway's own)`);
  }
  for (const row of rows.filter((candidate) => candidate.connections === 1)) {
    lines.push(
      `  NOTE  ${row.scenario}, 1 connection: the bare keep-alive proxy on the same core adds p50 ${row.proxyAddedP50Ms.toFixed(3)} / p99 ${row.proxyAddedP99Ms.toFixed(3)} ms here (the gateway ${row.addedP50Ms.toFixed(3)} / ${row.addedP99Ms.toFixed(3)}; medians of ${row.runs} runs)`,
    );
    lines.push(
      `  NOTE  ${row.scenario}, 1 connection: the gateway's own time per request, measured inside it (its /metrics histogram: wall time less upstream waits), p50 ${row.gateway.ownTime.p50Ms.toFixed(3)} / p99 ${row.gateway.ownTime.p99Ms.toFixed(3)} ms over ${integer.format(row.gateway.ownTime.requests)} requests`,
    );
    const threads = threadNote(row);
    if (threads !== undefined) lines.push(`  NOTE  ${row.scenario}, 1 connection: ${threads}`);
  }
  const verdictLine = failed.length === 0 ? 'All targets met.' : `${failed.length} of ${checks.length} target checks missed.`;
  return [`Targets:`, ...lines, verdictLine].join('\n');
}

/**
 * Per request, from the kernel: how long the request thread was ready but waited for its core, and
 * how much CPU the gateway's other threads took on that core.
 */
export function threadNote(row: Pick<OverheadRow, 'gateway'>): string | undefined {
  const threads = row.gateway.threads;
  if (threads === undefined || row.gateway.requests === 0) return undefined;
  const perRequest = (ms: number) => ((ms * 1000) / row.gateway.requests).toFixed(1);
  return (
    `the request thread waited ${perRequest(threads.requestThread.runQueueWaitMs)} µs per request for its core (ready to run while another thread had it; /proc schedstat) ` +
    `and ran ${perRequest(threads.requestThread.cpuMs)} µs; the gateway's other threads (request-log worker, V8 helpers) ran ${perRequest(threads.otherThreads.cpuMs)} µs`
  );
}

function formatActual(check: TargetCheck): string {
  return check.target.startsWith('requests/s') ? integer.format(check.actual) : check.actual.toFixed(3);
}
