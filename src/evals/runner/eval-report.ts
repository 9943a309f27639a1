import { bootstrapMeanInterval, quantileOfSorted, type MeanInterval } from '../statistics/bootstrap.js';
import type { ScoreSample } from '../statistics/paired-comparison.js';
import { breakdownByTag, type TagSummary } from '../statistics/tag-breakdown.js';
import type { EvalCaseFailure, EvalCaseResult } from './eval-case-result.js';

export interface EvalReport {
  model: string;
  cases: number;
  scored: number;
  /** Answered, but the scorer reached no verdict (never counted as a pass). */
  unscored: number;
  /** The request failed; these cases run again on the next run. */
  failed: number;
  /** Answers reused from the eval cache. */
  cached: number;
  /** Mean score with a bootstrap interval; undefined when no case was scored. */
  score?: MeanInterval;
  /** `(all)` first, then each tag. */
  tags: TagSummary[];
  /** Sum of every answer's cost (including cached ones, at their original price); undefined if any was unpriced. */
  costUsd?: number;
  /** Cost of requests this run actually sent (cache hits are free), including judge calls. */
  spentUsd?: number;
  latencyMs: { p50?: number; p95?: number };
  unscoredReasons: Array<{ id: string; reason: string }>;
  failures: EvalCaseFailure[];
}

/** Scored cases as samples for the statistics functions; unscored cases are left out. */
export function scoreSamples(results: Iterable<EvalCaseResult>): ScoreSample[] {
  const samples: ScoreSample[] = [];
  for (const result of results) {
    if (result.score.status === 'scored') samples.push({ id: result.id, score: result.score.score, tags: result.tags });
  }
  return samples;
}

function sumDefined(values: Array<number | undefined>): number | undefined {
  let total = 0;
  for (const value of values) {
    if (value === undefined) return undefined;
    total += value;
  }
  return total;
}

export function buildEvalReport(input: {
  model: string;
  results: readonly EvalCaseResult[];
  failures: readonly EvalCaseFailure[];
  spentUsd: number | undefined;
  confidence?: number;
}): EvalReport {
  const { results } = input;
  const samples = scoreSamples(results);
  const options = input.confidence === undefined ? {} : { confidence: input.confidence };
  const latencies = results.map((result) => result.latencyMs).sort((left, right) => left - right);
  const latencyMs = latencies.length === 0 ? {} : { p50: quantileOfSorted(latencies, 0.5), p95: quantileOfSorted(latencies, 0.95) };
  const costUsd = sumDefined(results.map((result) => ('costUsd' in result ? result.costUsd : undefined)));
  return {
    model: input.model,
    cases: results.length + input.failures.length,
    scored: samples.length,
    unscored: results.length - samples.length,
    failed: input.failures.length,
    cached: results.filter((result) => result.cached).length,
    ...(samples.length === 0 ? {} : { score: bootstrapMeanInterval(samples.map((sample) => sample.score), options) }),
    tags: breakdownByTag(samples, options),
    ...(costUsd === undefined ? {} : { costUsd }),
    ...(input.spentUsd === undefined ? {} : { spentUsd: input.spentUsd }),
    latencyMs,
    unscoredReasons: results.flatMap((result) => (result.score.status === 'unscored' ? [{ id: result.id, reason: result.score.reason }] : [])),
    failures: [...input.failures],
  };
}
