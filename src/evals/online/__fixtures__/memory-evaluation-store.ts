import type {
  EvalRunRecord,
  EvaluationStore,
  GateRecord,
  OnlineScore,
  OnlineScoreFilter,
  QualitySeriesQuery,
  QualitySeriesRow,
  ShadowPair,
  ShadowSummaryRow,
} from '../../../core/evaluation/evaluation-records.js';

/**
 * An in-memory EvaluationStore for the online evaluator's unit tests: the online-score half
 * behaves as the interface says; the rest keeps what it is given. `failWrites` makes writes reject.
 */
export class MemoryEvaluationStore implements EvaluationStore {
  readonly scores: OnlineScore[] = [];
  readonly pairs: ShadowPair[] = [];
  readonly runs: EvalRunRecord[] = [];
  readonly gates: GateRecord[] = [];
  /** Sizes of each `recordOnlineScores` batch. */
  readonly batches: number[] = [];
  failWrites = false;

  async recordOnlineScores(scores: readonly OnlineScore[]): Promise<void> {
    if (this.failWrites) throw new Error('database is locked');
    this.batches.push(scores.length);
    this.scores.push(...scores.map((score) => structuredClone(score)));
  }

  async listOnlineScores(filter: OnlineScoreFilter = {}): Promise<OnlineScore[]> {
    return this.scores
      .filter(
        (score) =>
          (filter.since === undefined || score.time >= filter.since) &&
          (filter.until === undefined || score.time < filter.until) &&
          (filter.workload === undefined || score.workload === filter.workload) &&
          (filter.model === undefined || score.model === filter.model) &&
          (filter.minScore === undefined || (score.score !== undefined && score.score >= filter.minScore)) &&
          (filter.withConversation !== true || score.messages !== undefined),
      )
      .sort((a, b) => b.time - a.time)
      .slice(0, Math.min(filter.limit ?? 100, 10_000));
  }

  async qualitySeries(query: QualitySeriesQuery): Promise<QualitySeriesRow[]> {
    const width = query.bucket === 'hour' ? 3_600_000 : 86_400_000;
    const rows = new Map<string, QualitySeriesRow & { sum: number }>();
    for (const score of this.scores) {
      if (score.time < query.since || score.time >= query.until) continue;
      if (query.workload !== undefined && score.workload !== query.workload) continue;
      const bucketStart = Math.floor(score.time / width) * width;
      const key = [bucketStart, score.workload, score.model, score.route].join('\u0000');
      const row = rows.get(key) ?? { bucketStart, workload: score.workload, model: score.model, route: score.route, scored: 0, unscored: 0, sum: 0 };
      if (score.score === undefined) row.unscored += 1;
      else {
        row.scored += 1;
        row.sum += score.score;
      }
      rows.set(key, row);
    }
    return [...rows.values()]
      .sort((a, b) => a.bucketStart - b.bucketStart)
      .map(({ sum, ...row }) => (row.scored > 0 ? { ...row, mean: sum / row.scored } : row));
  }

  async recordShadowPairs(pairs: readonly ShadowPair[]): Promise<void> {
    this.pairs.push(...pairs);
  }

  async listShadowPairs(): Promise<ShadowPair[]> {
    return [...this.pairs];
  }

  async shadowSummary(): Promise<ShadowSummaryRow[]> {
    return [];
  }

  async recordEvalRun(run: EvalRunRecord): Promise<void> {
    this.runs.push(run);
  }

  async listEvalRuns(): Promise<EvalRunRecord[]> {
    return [...this.runs];
  }

  async recordGate(gate: GateRecord): Promise<void> {
    this.gates.push(gate);
  }

  async listGates(): Promise<GateRecord[]> {
    return [...this.gates];
  }
}
