import type { QualityResponse, RoutingQualityResponse } from '../../../src/core/evaluation/evaluation-api.js';
import type { EvalRunRecord, GateRecord } from '../../../src/core/evaluation/evaluation-records.js';
import type { LearnedRoutersResponse } from '../../../src/core/routing/learned/learned-router-listing.js';
import type { RoutersResponse } from '../../../web/src/api/admin-types.js';

/**
 * Evaluation and router data for the browser test, typed with the admin API's own shapes. A
 * gateway seeded by a test has no eval runs, gates, judged answers, shadow pairs or trained router,
 * so the test serves these with `page.route` to check how the pages draw them.
 */

/** Compile-time check: GET /admin/routing/routers returns what the dashboard reads (it mirrors the type). */
type Assignable<Actual extends Expected, Expected> = [Actual, Expected];
export type RoutersContract = Assignable<LearnedRoutersResponse, RoutersResponse>;
const HOUR_MS = 3_600_000;

export function evaluationFixtures(now: number) {
  const hour = Math.floor(now / HOUR_MS) * HOUR_MS;
  const runs: EvalRunRecord[] = [
    { id: 'run-llama', time: now - 2 * HOUR_MS, setPath: 'evals/qa.jsonl', setHash: 'a'.repeat(64), model: 'llama', workload: 'qa', modelVersion: 'cheap/llama-3-8b=llama-3-8b', trigger: 'cli', cases: 200, scored: 198, failed: 2, mean: 0.812, lower: 0.774, upper: 0.846, confidence: 0.95, costUsd: 0.0412 },
    { id: 'run-gpt', time: now - HOUR_MS, setPath: 'evals/qa.jsonl', setHash: 'a'.repeat(64), model: 'gpt-4o', workload: 'qa', modelVersion: 'frontier/gpt-4o=gpt-4o-2024-08-06', trigger: 'gate', cases: 200, scored: 200, failed: 0, mean: 0.9, lower: 0.868, upper: 0.927, confidence: 0.95, costUsd: 0.61 },
  ];
  const gate = (id: string, passed: boolean, candidate: string): GateRecord => ({
    id,
    time: now - HOUR_MS,
    workload: 'qa',
    setPath: 'evals/qa.jsonl',
    setHash: 'a'.repeat(64),
    candidate,
    candidateVersion: `${candidate}-v2`,
    baseline: 'llama',
    baselineVersion: 'llama-3-8b',
    passed,
    mode: 'regression',
    maxDrop: 0.01,
    confidence: 0.95,
    bound: passed ? 0.004 : -0.031,
    meanDifference: passed ? 0.012 : -0.018,
    reason: passed ? 'no drop beyond 0.010 at 95%' : 'may be worse by up to 0.031 at 95% (limit 0.010)',
    trigger: 'cli',
    actor: 'cli',
  });
  const gates: GateRecord[] = [gate('gate-pass', true, 'llama-ft'), gate('gate-fail', false, 'llama-q4')];
  const quality: QualityResponse = {
    since: hour - 5 * HOUR_MS,
    until: now,
    bucket: 'hour',
    series: [0, 1, 2, 3, 4, 5].flatMap((index) => [
      { bucketStart: hour - (5 - index) * HOUR_MS, workload: 'qa', model: 'llama', route: 'cascade:0', scored: 20, unscored: 1, mean: 0.8 - index * 0.01 },
      { bucketStart: hour - (5 - index) * HOUR_MS, workload: 'qa', model: 'gpt-4o', route: 'cascade:1', scored: 10, unscored: 0, mean: 0.9 },
    ]),
    rolling: [
      { workload: 'qa', model: 'llama', route: 'cascade:0', window: { n: 60, mean: 0.765, lower: 0.73, upper: 0.8 }, baseline: { n: 400, mean: 0.81, lower: 0.79, upper: 0.83 }, drop: 0.045, pValue: 0.004, alerting: true },
      { workload: 'qa', model: 'gpt-4o', route: 'cascade:1', window: { n: 30, mean: 0.9, lower: 0.86, upper: 0.94 }, baseline: { n: 200, mean: 0.9, lower: 0.88, upper: 0.92 }, drop: 0, pValue: 0.5, alerting: false },
    ],
    alerts: [{ time: now - 600_000, kind: 'quality_drop', workload: 'qa', model: 'llama', route: 'cascade:0', message: 'qa/llama quality fell from 0.810 to 0.765 (p=0.004).' }],
    queue: { queued: 1, running: 2, dropped: 0, completed: 340, failed: 3 },
  };
  const routingQuality: RoutingQualityResponse = {
    since: now - 86_400_000,
    until: now,
    workloads: [
      {
        workload: 'qa',
        pairs: 120,
        unjudged: 4,
        servedCheap: 90,
        servedStrong: 26,
        underEscalation: { count: 6, of: 90, rate: 6 / 90, lower: 0.031, upper: 0.138 },
        overEscalation: { count: 11, of: 26, rate: 11 / 26, lower: 0.255, upper: 0.61 },
        costUsd: 0.84,
      },
    ],
  };
  const routers: RoutersResponse = {
    routers: [
      {
        workload: 'qa',
        weak: 'llama',
        strong: 'gpt-4o',
        threshold: 0.42,
        thresholdSource: 'artifact',
        artifact: { path: '/srv/routers/qa.json', trainedAt: '2025-03-01T12:00:00.000Z', embedder: 'local/universal-sentence-encoder' },
        curve: [0, 0.2, 0.42, 0.6, 0.8, 1].map((threshold) => ({
          threshold,
          strongShare: 1 - threshold * 0.9,
          relativeCost: 0.08 + (1 - threshold * 0.9) * 0.92,
          quality: 0.78 + (1 - threshold * 0.9) * 0.13,
        })),
      },
    ],
  };
  return { runs: { runs }, gates: { gates }, quality, routingQuality, routers };
}
