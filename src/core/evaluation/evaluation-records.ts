/**
 * What continuous evaluation keeps: judge scores of sampled live answers, shadow pairs (the other
 * routing tier's answer to the same request, compared by a judge), eval-set runs and gate verdicts.
 * Times are Unix milliseconds. Conversations are stored redacted, never raw.
 */

/** One live answer rated by the workload's online judge. */
export interface OnlineScore {
  requestId: string;
  time: number;
  workload: string;
  /** The logical model that answered (a cascade's accepting tier, the learned router's pick). */
  model: string;
  deployment?: string;
  /** How the request was routed: `default`, `rules`, `learned`, `cascade:<tier>`. */
  route: string;
  judgeModel: string;
  /** 0–1 ((rubric score − 1) / 9); absent when the judge gave no usable verdict (unscored, never a pass). */
  score?: number;
  /** The judge's 1–10 rating. */
  rubricScore?: number;
  /** Why the sample is unscored (judge call failed, malformed reply twice, policy left no judge deployment). */
  unscoredReason?: string;
  /** What the judge calls cost. */
  judgeCostUsd?: number;
  /**
   * The conversation and answer (OpenAI chat messages, redacted), kept when the workload allows
   * fine-tuning export; the source of `switchyard export finetune`.
   */
  messages?: unknown[];
  answer?: unknown;
  /** The request's tool definitions (OpenAI `tools` format), kept with the conversation when it had any. */
  tools?: unknown[];
}

export type ShadowOutcome = 'strong_better' | 'tie' | 'cheap_better' | 'unjudged';

/** A request answered by one tier and shadowed by the other, compared by a pairwise judge. */
export interface ShadowPair {
  requestId: string;
  time: number;
  workload: string;
  /** `cascade` or `learned`. */
  router: string;
  /** Which answer the client got. */
  served: 'cheap' | 'strong';
  cheapModel: string;
  strongModel: string;
  judgeModel: string;
  /** The judge's verdict over both orders; inconsistent orders count as a tie. */
  outcome: ShadowOutcome;
  /** Whether both orders agreed. */
  consistent?: boolean;
  /** Why unjudged. */
  reason?: string;
  /** The learned router's score for the request, when it routed. */
  routerScore?: number;
  /** The conversation as text (redacted), the learned router's training input. */
  prompt: string;
  /** The shadow answer plus the judge calls. */
  costUsd?: number;
}

/** One eval-set run of one model, as `eval run`, a gate or a drift re-run made it. */
export interface EvalRunRecord {
  id: string;
  time: number;
  /** The set's path as given and the SHA-256 of its contents (the same file edited is a different set). */
  setPath: string;
  setHash: string;
  /** `<logical model>` or `workload/<name>`. */
  model: string;
  /** The workload whose set this is, when known. */
  workload?: string;
  /** Which upstream versions answered: deployment ids with their pinned model ids and versions. */
  modelVersion: string;
  /** `cli`, `gate`, `drift`, `api`. */
  trigger: string;
  cases: number;
  scored: number;
  failed: number;
  mean?: number;
  lower?: number;
  upper?: number;
  confidence: number;
  costUsd?: number;
  /** The whole report (per-tag breakdown, latency), for the dashboard. */
  report?: unknown;
}

/** A gate verdict: was the candidate shown no worse (or not shown worse) than the baseline on the set? */
export interface GateRecord {
  id: string;
  time: number;
  workload?: string;
  setPath: string;
  setHash: string;
  candidate: string;
  candidateVersion: string;
  baseline: string;
  baselineVersion: string;
  passed: boolean;
  mode: 'regression' | 'non-inferiority';
  maxDrop: number;
  confidence: number;
  bound: number;
  meanDifference: number;
  reason: string;
  /** `cli`, `drift`, `api`. */
  trigger: string;
  /** Who ran it: an admin key's name, `cli`, or `gateway` for automatic re-runs. */
  actor: string;
  candidateRunId?: string;
  baselineRunId?: string;
}

export interface OnlineScoreFilter {
  since?: number;
  until?: number;
  workload?: string;
  model?: string;
  /** Only scored samples at or above this score (0–1). */
  minScore?: number;
  /** Only samples with a stored conversation. */
  withConversation?: boolean;
  /** Default 100, at most 10,000. */
  limit?: number;
}

/** Mean judge score per time bucket, workload, model and route. */
export interface QualitySeriesRow {
  bucketStart: number;
  workload: string;
  model: string;
  route: string;
  scored: number;
  unscored: number;
  mean?: number;
}

export interface QualitySeriesQuery {
  since: number;
  until: number;
  bucket: 'hour' | 'day';
  workload?: string;
}

export interface ShadowPairFilter {
  since?: number;
  until?: number;
  workload?: string;
  /** Default 100, at most 100,000 (router training reads many). */
  limit?: number;
}

/** Shadow outcomes of one workload: counts by what was served and what the judge said. */
export interface ShadowSummaryRow {
  workload: string;
  served: 'cheap' | 'strong';
  outcome: ShadowOutcome;
  pairs: number;
  costUsd: number;
}

export interface EvalRunFilter {
  since?: number;
  workload?: string;
  model?: string;
  limit?: number;
}

export interface GateFilter {
  since?: number;
  workload?: string;
  candidate?: string;
  passed?: boolean;
  limit?: number;
}

/** Where evaluation results live (the request log's database; SQLite or PostgreSQL). */
export interface EvaluationStore {
  recordOnlineScores(scores: readonly OnlineScore[]): Promise<void>;
  listOnlineScores(filter?: OnlineScoreFilter): Promise<OnlineScore[]>;
  qualitySeries(query: QualitySeriesQuery): Promise<QualitySeriesRow[]>;
  recordShadowPairs(pairs: readonly ShadowPair[]): Promise<void>;
  listShadowPairs(filter?: ShadowPairFilter): Promise<ShadowPair[]>;
  shadowSummary(query: { since: number; until: number; workload?: string }): Promise<ShadowSummaryRow[]>;
  recordEvalRun(run: EvalRunRecord): Promise<void>;
  listEvalRuns(filter?: EvalRunFilter): Promise<EvalRunRecord[]>;
  recordGate(gate: GateRecord): Promise<void>;
  /** Newest first. */
  listGates(filter?: GateFilter): Promise<GateRecord[]>;
}
