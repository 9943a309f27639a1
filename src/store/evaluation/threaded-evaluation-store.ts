import type {
  EvalRunFilter,
  EvalRunRecord,
  EvaluationStore,
  GateFilter,
  GateRecord,
  OnlineScore,
  OnlineScoreFilter,
  QualitySeriesQuery,
  QualitySeriesRow,
  ShadowPair,
  ShadowPairFilter,
  ShadowSummaryRow,
} from '../../core/evaluation/evaluation-records.js';

/** The store's methods as messages to the request log's worker (which owns the database connection). */
export const EVALUATION_STORE_METHODS = [
  'recordOnlineScores',
  'listOnlineScores',
  'qualitySeries',
  'recordShadowPairs',
  'listShadowPairs',
  'shadowSummary',
  'recordEvalRun',
  'listEvalRuns',
  'recordGate',
  'listGates',
] as const;
export type EvaluationStoreMethod = (typeof EVALUATION_STORE_METHODS)[number];

export function isEvaluationStoreMethod(method: string): method is EvaluationStoreMethod {
  return (EVALUATION_STORE_METHODS as readonly string[]).includes(method);
}

/** Worker side: runs one call on the store that lives there. */
export function callEvaluationStore(store: EvaluationStore, method: EvaluationStoreMethod, args: unknown[]): Promise<unknown> {
  const run = store[method] as (...callArgs: unknown[]) => Promise<unknown>;
  return run.apply(store, args);
}

/**
 * Main-thread side: the evaluation store over the request log's worker, so score writes and the
 * quality and shadow aggregations never run on the thread that serves requests. `call` posts one
 * message and resolves with the reply (ThreadedRequestLogStore's `call`).
 */
export class ThreadedEvaluationStore implements EvaluationStore {
  readonly #call: (method: EvaluationStoreMethod, args: unknown[]) => Promise<unknown>;

  constructor(call: (method: EvaluationStoreMethod, args: unknown[]) => Promise<unknown>) {
    this.#call = call;
  }

  recordOnlineScores(scores: readonly OnlineScore[]): Promise<void> {
    return this.#call('recordOnlineScores', [scores]) as Promise<void>;
  }
  listOnlineScores(filter?: OnlineScoreFilter): Promise<OnlineScore[]> {
    return this.#call('listOnlineScores', [filter]) as Promise<OnlineScore[]>;
  }
  qualitySeries(query: QualitySeriesQuery): Promise<QualitySeriesRow[]> {
    return this.#call('qualitySeries', [query]) as Promise<QualitySeriesRow[]>;
  }
  recordShadowPairs(pairs: readonly ShadowPair[]): Promise<void> {
    return this.#call('recordShadowPairs', [pairs]) as Promise<void>;
  }
  listShadowPairs(filter?: ShadowPairFilter): Promise<ShadowPair[]> {
    return this.#call('listShadowPairs', [filter]) as Promise<ShadowPair[]>;
  }
  shadowSummary(query: { since: number; until: number; workload?: string }): Promise<ShadowSummaryRow[]> {
    return this.#call('shadowSummary', [query]) as Promise<ShadowSummaryRow[]>;
  }
  recordEvalRun(run: EvalRunRecord): Promise<void> {
    return this.#call('recordEvalRun', [run]) as Promise<void>;
  }
  listEvalRuns(filter?: EvalRunFilter): Promise<EvalRunRecord[]> {
    return this.#call('listEvalRuns', [filter]) as Promise<EvalRunRecord[]>;
  }
  recordGate(gate: GateRecord): Promise<void> {
    return this.#call('recordGate', [gate]) as Promise<void>;
  }
  listGates(filter?: GateFilter): Promise<GateRecord[]> {
    return this.#call('listGates', [filter]) as Promise<GateRecord[]>;
  }
}
