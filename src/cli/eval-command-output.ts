import cliProgress from 'cli-progress';
import type { EvalReport } from '../evals/runner/eval-report.js';
import type { EvalProgress } from '../evals/runner/run-eval.js';
import type { PairedComparison } from '../evals/statistics/paired-comparison.js';
import { fail, table } from './cli-output.js';

/** How `eval run|compare|gate` print: report lines, the comparison, the progress bar. */

/** The comparison without its (long) bootstrap sample. */
export function comparisonJson(comparison: PairedComparison): Omit<PairedComparison, 'bootstrapDifferences'> {
  const { bootstrapDifferences: _bootstrapDifferences, ...rest } = comparison;
  return rest;
}

export function failIfIncomplete(report: EvalReport, json: boolean): void {
  const first = report.failures[0];
  if (first === undefined) return;
  fail(new Error(`${report.failed} of ${report.cases} cases failed on ${report.model}; re-run to retry them (first: ${first.id}: ${first.code}: ${first.message})`), json);
}

export function formatScore(value: number | undefined): string {
  return value === undefined ? '-' : value.toFixed(3);
}

export function reportLines(report: EvalReport): string[] {
  const score = report.score;
  const headline = score
    ? `${report.model}: score ${formatScore(score.mean)} [${formatScore(score.lower)}, ${formatScore(score.upper)}] (${Math.round(score.confidence * 100)}% CI)`
    : `${report.model}: no case was scored`;
  const counts = `${report.cases} cases: ${report.scored} scored, ${report.unscored} unscored, ${report.failed} failed, ${report.cached} cached`;
  const cost = `cost ${report.costUsd === undefined ? 'unknown (unpriced deployment)' : `$${report.costUsd.toFixed(6)}`}, spent this run ${report.spentUsd === undefined ? 'unknown' : `$${report.spentUsd.toFixed(6)}`}`;
  const latency = `latency p50 ${formatMs(report.latencyMs.p50)}, p95 ${formatMs(report.latencyMs.p95)}`;
  const tags = report.tags.length === 0 ? [] : [table(['tag', 'n', 'mean', 'lower', 'upper'], report.tags.map((row) => [row.tag, String(row.n), formatScore(row.mean), formatScore(row.lower), formatScore(row.upper)]))];
  return [headline, counts, ...tags, `${cost}; ${latency}`];
}

export function comparisonLine(comparison: PairedComparison): string {
  return `paired (${comparison.pairedCases} cases): candidate − baseline = ${comparison.meanDifference.toFixed(4)} [${comparison.lower.toFixed(4)}, ${comparison.upper.toFixed(4)}] (${Math.round(comparison.confidence * 100)}% CI), p = ${comparison.pValue.toPrecision(3)} (${comparison.pValueMethod})`;
}

export function formatMs(value: number | undefined): string {
  return value === undefined ? '-' : `${Math.round(value)} ms`;
}

export async function withProgress<T>(json: boolean, label: string, work: (onProgress: (progress: EvalProgress) => void) => Promise<T>): Promise<T> {
  if (json || !process.stderr.isTTY) return work(() => undefined);
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${label} [{bar}] {value}/{total} | cached {cached} | failed {failed}`, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  try {
    return await work((progress) => {
      if (!started) {
        bar.start(progress.total, progress.done, { cached: 0, failed: 0 });
        started = true;
      }
      bar.update(progress.done, { cached: progress.cached, failed: progress.failed });
    });
  } finally {
    if (started) bar.stop();
  }
}
