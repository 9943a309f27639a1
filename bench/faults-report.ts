/**
 * Statistics, the results table, text histograms and the target checks of `bench:faults`.
 */
import type { LoadResult } from './faults-load.js';

export interface RunSummary {
  name: string;
  /** What this run measures, for the table. */
  description: string;
  hedging: boolean;
  requests: number;
  succeeded: number;
  successRate: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  /** Upstream attempts beyond the first, per request (hedges included). */
  extraAttemptsPerRequest: number;
  /** Share of answered requests that came from a deployment other than the run's first choice. */
  fallbackShare: number;
  requestsPerSecond: number;
  /** Requests never started because the run's time ran out. */
  skipped: number;
  /** The first few failures, for the reader. */
  problems: string[];
  /** Latency counts per histogram bucket (upper edges in HISTOGRAM_EDGES_MS, then overflow). */
  histogram: number[];
}

/** Logarithmic bucket edges: fine where most requests land, coarse in the tail. */
export const HISTOGRAM_EDGES_MS = [2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];

export function summarizeRun(name: string, description: string, hedging: boolean, primaryDeployment: string, result: LoadResult): RunSummary {
  const { outcomes } = result;
  const latencies = outcomes.map((outcome) => outcome.latencyMs).sort((left, right) => left - right);
  const succeeded = outcomes.filter((outcome) => outcome.ok);
  const histogram = new Array<number>(HISTOGRAM_EDGES_MS.length + 1).fill(0);
  for (const latency of latencies) {
    const bucket = HISTOGRAM_EDGES_MS.findIndex((edge) => latency < edge);
    histogram[bucket === -1 ? HISTOGRAM_EDGES_MS.length : bucket]! += 1;
  }
  const planned = outcomes.length + result.skipped;
  return {
    name,
    description,
    hedging,
    requests: outcomes.length,
    succeeded: succeeded.length,
    // Requests the time limit never started count against the run: they did not succeed.
    successRate: planned === 0 ? 0 : succeeded.length / planned,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    p999Ms: quantile(latencies, 0.999),
    maxMs: latencies.at(-1) ?? Number.NaN,
    extraAttemptsPerRequest: outcomes.length === 0 ? 0 : outcomes.reduce((sum, outcome) => sum + Math.max(0, outcome.attempts - 1), 0) / outcomes.length,
    fallbackShare: succeeded.length === 0 ? 0 : succeeded.filter((outcome) => outcome.deployment !== primaryDeployment).length / succeeded.length,
    requestsPerSecond: outcomes.length / (result.wallMs / 1000),
    skipped: result.skipped,
    problems: [...new Set(outcomes.filter((outcome) => !outcome.ok).map((outcome) => outcome.problem ?? 'unknown'))].slice(0, 5),
    histogram,
  };
}

/** Nearest-rank quantile of sorted values. */
function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const ms = (value: number) => (Number.isNaN(value) ? '–' : value >= 100 ? value.toFixed(0) : value.toFixed(1));
const percent = (value: number) => `${(value * 100).toFixed(value === 1 ? 0 : 2)}%`;

export function formatTable(runs: RunSummary[]): string {
  const header = ['run', 'hedge', 'requests', 'success', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'retries/req', 'fallback share', 'req/s'];
  const rows = runs.map((run) => [
    run.name,
    run.hedging ? 'p95' : 'off',
    String(run.requests),
    percent(run.successRate),
    ms(run.p50Ms),
    ms(run.p99Ms),
    ms(run.p999Ms),
    ms(run.maxMs),
    run.extraAttemptsPerRequest.toFixed(3),
    percent(run.fallbackShare),
    run.requestsPerSecond.toFixed(0),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => `${column === 0 ? ':' : ''}${'-'.repeat(width + 1)}${column === 0 ? '' : ':'}`).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** Text histograms of the latency distributions, one per run, on a shared scale. */
export function formatHistograms(runs: RunSummary[], width = 50): string {
  const labels = HISTOGRAM_EDGES_MS.map((edge, index) => `${index === 0 ? 0 : HISTOGRAM_EDGES_MS[index - 1]}–${edge} ms`);
  labels.push(`≥ ${HISTOGRAM_EDGES_MS.at(-1)} ms`);
  const labelWidth = Math.max(...labels.map((label) => label.length));
  const blocks: string[] = [];
  for (const run of runs) {
    const total = run.histogram.reduce((sum, count) => sum + count, 0) || 1;
    const largest = Math.max(...run.histogram, 1);
    const lines = run.histogram.map((count, index) => {
      // Any non-zero bucket gets at least a sliver, so a thin tail stays visible.
      const bar = count === 0 ? '' : '█'.repeat(Math.max(1, Math.round((count / largest) * width)));
      return `  ${labels[index]!.padStart(labelWidth)} │${bar.padEnd(width)} ${String(count).padStart(6)} (${((count / total) * 100).toFixed(1)}%)`;
    });
    // Trim empty buckets at both ends.
    const first = run.histogram.findIndex((count) => count > 0);
    const last = run.histogram.length - 1 - [...run.histogram].reverse().findIndex((count) => count > 0);
    blocks.push(`${run.name} (hedging ${run.hedging ? 'on, after p95' : 'off'}): ${run.description}\n${lines.slice(Math.max(0, first), last + 1).join('\n')}`);
  }
  return blocks.join('\n\n');
}

export interface TargetCheck {
  target: string;
  pass: boolean;
  detail: string;
}

/** The bench's targets: every request answered when a healthy fallback exists; hedging at least halves p99 on a heavy tail. */
export function checkTargets(faults: RunSummary, unhedged: RunSummary, hedged: RunSummary): TargetCheck[] {
  return [
    {
      target: '100% success with a healthy fallback under faults',
      pass: faults.successRate === 1,
      detail: `${faults.succeeded}/${faults.requests + faults.skipped} succeeded${faults.problems.length ? `; e.g. ${faults.problems[0]}` : ''}`,
    },
    {
      target: '100% success against the heavy-tailed pair',
      pass: unhedged.successRate === 1 && hedged.successRate === 1,
      detail: `${unhedged.succeeded}/${unhedged.requests + unhedged.skipped} without hedging, ${hedged.succeeded}/${hedged.requests + hedged.skipped} with`,
    },
    {
      target: 'hedging cuts p99 at least in half against a heavy tail',
      pass: hedged.p99Ms * 2 <= unhedged.p99Ms,
      detail: `p99 ${ms(unhedged.p99Ms)} ms → ${ms(hedged.p99Ms)} ms (${(unhedged.p99Ms / hedged.p99Ms).toFixed(1)}× lower)`,
    },
  ];
}
