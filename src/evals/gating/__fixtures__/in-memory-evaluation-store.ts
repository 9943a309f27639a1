import type { EvalRunRecord, EvaluationStore, GateRecord, OnlineScore, ShadowPair } from '../../../core/evaluation/evaluation-records.js';

/**
 * An EvaluationStore in memory, for tests of code that only records and lists runs and gates.
 * Lists are newest first, as the real store's are.
 */
export class InMemoryEvaluationStore implements EvaluationStore {
  readonly runs: EvalRunRecord[] = [];
  readonly gates: GateRecord[] = [];
  readonly scores: OnlineScore[] = [];
  readonly pairs: ShadowPair[] = [];

  async recordOnlineScores(scores: readonly OnlineScore[]): Promise<void> {
    this.scores.push(...scores);
  }
  async listOnlineScores(): Promise<OnlineScore[]> {
    return [...this.scores];
  }
  async qualitySeries(): Promise<[]> {
    return [];
  }
  async recordShadowPairs(pairs: readonly ShadowPair[]): Promise<void> {
    this.pairs.push(...pairs);
  }
  async listShadowPairs(): Promise<ShadowPair[]> {
    return [...this.pairs];
  }
  async shadowSummary(): Promise<[]> {
    return [];
  }
  async recordEvalRun(run: EvalRunRecord): Promise<void> {
    this.runs.push(structuredClone(run));
  }
  async listEvalRuns(filter: { since?: number; workload?: string; model?: string; limit?: number } = {}): Promise<EvalRunRecord[]> {
    return newestFirst(this.runs)
      .filter((run) => (filter.since === undefined || run.time >= filter.since) && (filter.workload === undefined || run.workload === filter.workload) && (filter.model === undefined || run.model === filter.model))
      .slice(0, filter.limit ?? 100);
  }
  async recordGate(gate: GateRecord): Promise<void> {
    this.gates.push(structuredClone(gate));
  }
  async listGates(filter: { since?: number; workload?: string; candidate?: string; passed?: boolean; limit?: number } = {}): Promise<GateRecord[]> {
    return newestFirst(this.gates)
      .filter(
        (gate) =>
          (filter.since === undefined || gate.time >= filter.since) &&
          (filter.workload === undefined || gate.workload === filter.workload) &&
          (filter.candidate === undefined || gate.candidate === filter.candidate) &&
          (filter.passed === undefined || gate.passed === filter.passed),
      )
      .slice(0, filter.limit ?? 100);
  }
}

function newestFirst<T extends { time: number }>(records: readonly T[]): T[] {
  return records.map((record, index) => ({ record, index })).sort((left, right) => right.record.time - left.record.time || right.index - left.index).map(({ record }) => structuredClone(record));
}
