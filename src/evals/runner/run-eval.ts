import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ChatCall } from '../../spec/chat-call.js';
import type { ChatResult } from '../../spec/chat-result.js';
import { GatewayError } from '../../spec/errors.js';
import { costRequest } from '../../core/cost/cost-request.js';
import type { RequestPipeline } from '../../core/pipeline/request-pipeline.js';
import type { GatewayRuntime } from '../../core/registry/gateway-runtime.js';
import type { AttemptRecord } from '../../spec/errors.js';
import { evalCaseToChatCall } from '../eval-sets/eval-case-to-chat-call.js';
import type { EvalCase } from '../eval-sets/eval-case-schema.js';
import { resultText } from '../judges/judge-types.js';
import { createScorerResolver } from '../scorers/create-scorer.js';
import { unscored, type ScoreResult } from '../scorers/scorer.js';
import type { ScorerSpec, ScorerSpecInput } from '../scorers/scorer-spec.js';
import type { EvalCaseFailure, EvalCaseResult } from './eval-case-result.js';
import { evalCacheKey, EvalResultCache, modelFingerprint } from './eval-result-cache.js';
import { buildEvalReport, type EvalReport } from './eval-report.js';
import { JsonLinesAppender, readCaseResults } from './results-file.js';

export interface EvalProgress {
  done: number;
  total: number;
  cached: number;
  failed: number;
}

export interface RunEvalOptions {
  /** The eval set's cases (from `loadEvalSet`). */
  cases: readonly EvalCase[];
  /** The set's file, for resolving custom scorer modules; optional. */
  setFile?: string;
  /** `<logical model>` or `workload/<name>`. */
  model: string;
  runtime: GatewayRuntime;
  pipeline: RequestPipeline;
  /** Cases in flight at once (default 4). */
  concurrency?: number;
  /** The set's default scorer; a case's own `scorer` overrides it. */
  scorer: ScorerSpec | ScorerSpecInput;
  /** Model for `judge` scorers. */
  judgeModel?: string;
  /** Settings of every case's call (temperature, maxOutputTokens, seed…). */
  callSettings?: Omit<ChatCall, 'messages'>;
  /** Results are appended here as they finish; cases already in it (for this model) are skipped. */
  resultsFile?: string;
  /** Eval cache folder; `false` turns the cache off. Default `.switchyard/eval-cache`. */
  cacheDirectory?: string | false;
  /** Confidence of the report's intervals (default 0.95). */
  confidence?: number;
  /** Stops starting new cases; cases in flight finish. */
  signal?: AbortSignal;
  onProgress?: (progress: EvalProgress) => void;
}

export interface EvalRun {
  report: EvalReport;
  /** Every answered case in set order, including those resumed from the results file. */
  results: EvalCaseResult[];
  /** Cases skipped because the results file already had them. */
  resumed: number;
}

/** Sums what a request's attempts cost (undefined when a deployment has no price). */
function requestCost(runtime: GatewayRuntime, attempts: readonly AttemptRecord[], workload: string | undefined): number | undefined {
  return costRequest({
    attempts,
    pricingOf: (deploymentId) => runtime.pricing.of(deploymentId),
    referencePricing: runtime.pricing.referenceFor(workload),
  }).costUsd;
}

function failureOf(evalCase: EvalCase, error: unknown): EvalCaseFailure {
  const code = GatewayError.isInstance(error) ? error.code : 'error';
  const message = error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error);
  return { id: evalCase.id, tags: evalCase.tags, code, message };
}

/**
 * Runs an eval set against a model through the gateway's own pipeline (routing, policy, limits,
 * retries and fallbacks apply), scores each answer and reports. Resumable and cached; see
 * `RunEvalOptions`.
 */
export async function runEval(options: RunEvalOptions): Promise<EvalRun> {
  const { runtime, pipeline, model } = options;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
  let spentUsd: number | undefined = 0;
  const addSpent = (cost: number | undefined) => {
    spentUsd = spentUsd === undefined || cost === undefined ? undefined : spentUsd + cost;
  };

  const send = async (name: string, call: ChatCall) => {
    const { execution, plan } = await pipeline.generate({ runtime, requestId: `eval-${randomUUID()}`, startedAt: performance.now(), endpoint: 'chat', model: name, call });
    return { execution, workload: plan.workload };
  };
  // Judge calls go through the same pipeline; their cost counts as spent.
  const ask = async (judgeModel: string, call: ChatCall): Promise<ChatResult> => {
    const { execution, workload } = await send(judgeModel, call);
    addSpent(requestCost(runtime, execution.attempts, workload));
    return execution.result;
  };
  const resolveScorer = createScorerResolver(options.scorer, {
    ...(options.setFile === undefined ? {} : { baseDirectory: dirname(options.setFile) }),
    ...(options.judgeModel === undefined ? {} : { judge: { ask, model: options.judgeModel } }),
  });

  const previous = options.resultsFile === undefined ? new Map<string, EvalCaseResult>() : await readCaseResults(options.resultsFile, model);
  const appender = options.resultsFile === undefined ? undefined : new JsonLinesAppender(options.resultsFile);
  const cache = options.cacheDirectory === false ? undefined : await EvalResultCache.open(options.cacheDirectory);
  const fingerprint = cache === undefined ? '' : modelFingerprint(runtime, model);

  const results = new Map<string, EvalCaseResult>();
  const failures: EvalCaseFailure[] = [];
  const pending: EvalCase[] = [];
  for (const evalCase of options.cases) {
    const done = previous.get(evalCase.id);
    if (done) results.set(evalCase.id, done);
    else pending.push(evalCase);
  }
  const resumed = results.size;
  const progress: EvalProgress = { done: resumed, total: options.cases.length, cached: 0, failed: 0 };
  options.onProgress?.({ ...progress });

  const runCase = async (evalCase: EvalCase): Promise<EvalCaseResult> => {
    const call = evalCaseToChatCall(evalCase, options.callSettings);
    const scorerSpec = evalCase.scorer ?? options.scorer;
    const key = cache === undefined ? undefined : evalCacheKey(fingerprint, call, scorerSpec, options.judgeModel);
    const hit = key === undefined ? undefined : cache?.get(key);
    if (hit) return { id: evalCase.id, model, tags: evalCase.tags, ...hit, cached: true };
    const startedAt = performance.now();
    const { execution, workload } = await send(model, call);
    const latencyMs = performance.now() - startedAt;
    const costUsd = requestCost(runtime, execution.attempts, workload);
    addSpent(costUsd);
    const answer = resultText(execution.result);
    const scorer = await resolveScorer(evalCase.scorer);
    let score: ScoreResult;
    try {
      score = await scorer.score({ case: evalCase, answer, ...(options.signal ? { abortSignal: options.signal } : {}) });
    } catch (error) {
      // A crashing scorer leaves the case unscored rather than failing the run.
      score = unscored(`scorer ${scorer.name} threw: ${error instanceof Error ? error.message : String(error)}`);
    }
    const { inputTokens, outputTokens } = execution.result.usage;
    const value = {
      score,
      answer,
      latencyMs,
      usage: { inputTokens, outputTokens },
      ...(costUsd === undefined ? {} : { costUsd }),
      deployment: execution.target.deployment.id,
    };
    if (key !== undefined) await cache?.set(key, value);
    return { id: evalCase.id, model, tags: evalCase.tags, ...value, cached: false };
  };

  let next = 0;
  const worker = async () => {
    while (next < pending.length && options.signal?.aborted !== true) {
      const evalCase = pending[next];
      next += 1;
      if (evalCase === undefined) break;
      try {
        const result = await runCase(evalCase);
        results.set(evalCase.id, result);
        if (result.cached) progress.cached += 1;
        await appender?.append(result);
      } catch (error) {
        failures.push(failureOf(evalCase, error));
        progress.failed += 1;
      }
      progress.done += 1;
      options.onProgress?.({ ...progress });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, pending.length)) }, worker));
  await Promise.all([appender?.flush(), cache?.flush()]);

  // Set order, so reports and files are stable however the workers interleaved.
  const ordered = options.cases.flatMap((evalCase) => {
    const result = results.get(evalCase.id);
    return result ? [result] : [];
  });
  const report = buildEvalReport({
    model,
    results: ordered,
    failures,
    spentUsd,
    ...(options.confidence === undefined ? {} : { confidence: options.confidence }),
  });
  return { report, results: ordered, resumed };
}
