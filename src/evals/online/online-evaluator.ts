import { askInBackground } from '../../core/evaluation/ask-in-background.js';
import type { BackgroundQueue } from '../../core/evaluation/background-queue.js';
import type { JudgeConfig } from '../../core/evaluation/evaluation-config.js';
import type { EvaluationStore, OnlineScore } from '../../core/evaluation/evaluation-records.js';
import type { ResolvedConfig } from '../../core/config/resolve-config.js';
import type { CapturedResponse, RequestSummary } from '../../core/pipeline/request-summary.js';
import { redactValue } from '../../core/redaction/index.js';
import type { GatewayRuntime } from '../../core/registry/gateway-runtime.js';
import type { RequestLogRecord } from '../../core/telemetry/request-log-record.js';
import type { RequestSink } from '../../core/telemetry/request-recorder.js';
import type { ChatMessage, ToolDefinition } from '../../spec/chat-call.js';
import { finetuneExportPolicy } from '../finetune-export/finetune-export-policy.js';
import { GatewayError } from '../../spec/errors.js';
import { createPointwiseJudge, type AskModel } from '../judges/index.js';
import type { EvaluationMetrics } from './evaluation-metrics.js';
import { OnlineScoreWriter } from './online-score-writer.js';
import type { RollingQuality } from './rolling-quality.js';
import { judgeAnswer, judgeMessages, openAIAssistantMessage, openAIMessages } from './sample-conversation.js';

/** A kept conversation larger than this is not kept: a cut one would be broken training data. */
export const MAX_KEPT_CONVERSATION_BYTES = 262_144;

export interface OnlineEvaluatorOptions {
  /** The live runtime (judge calls use the config current when they run). */
  runtime: () => GatewayRuntime;
  /** Shared with the shadow runner; bounded, so judging can fall behind but never hold up a request. */
  queue: BackgroundQueue;
  /** Absent when the request log is off: scores then feed rolling quality and metrics only. */
  store?: Pick<EvaluationStore, 'recordOnlineScores'>;
  rolling: RollingQuality;
  metrics?: EvaluationMetrics;
  /** Told of an unexpected failure (a store write, a bug in a job); never rethrown. */
  onError?: (error: unknown) => void;
  /** Called (off the request path) when a reload changed the config, before the next sample is queued. */
  onConfig?: (config: ResolvedConfig) => void;
  /** How long `close` lets running judgements finish before aborting them, unless it is given its own (default 5 s). */
  drainMs?: number;
  writer?: { flushIntervalMs?: number; batchSize?: number };
}

/** Everything a judge job needs, taken from the summary when it is queued (the summary is not kept). */
/** What is known of the sampled request (its score row's identity) and what the judge needs. */
interface JudgeJob extends Pick<OnlineScore, 'requestId' | 'time' | 'workload' | 'model' | 'deployment' | 'route'> {
  judge: JudgeConfig;
  keepConversation: boolean;
  messages: ChatMessage[];
  tools?: readonly ToolDefinition[];
  response: CapturedResponse;
}

/** Per config: may each workload's conversations ever be exported? Computed once per config. */
const exportableByConfig = new WeakMap<ResolvedConfig, Map<string, boolean>>();

/**
 * Conversations are kept only for workloads whose answers `export finetune` could ever write:
 * `finetune_export` on and no data-policy rule (restricted class, no-training, zero-retention,
 * self-hosted) forbidding it — storing what can never be exported would only widen exposure.
 */
function conversationsKept(config: ResolvedConfig, workload: string): boolean {
  let byWorkload = exportableByConfig.get(config);
  if (!byWorkload) {
    byWorkload = new Map();
    exportableByConfig.set(config, byWorkload);
  }
  let kept = byWorkload.get(workload);
  if (kept === undefined) {
    const resolved = config.workloads[workload];
    kept = resolved?.evaluation?.finetune_export === true && finetuneExportPolicy(config, resolved).refusal === undefined;
    byWorkload.set(workload, kept);
  }
  return kept;
}

/**
 * Online evaluation: a request sink that, for each request sampled for judging, queues a job
 * that asks the workload's `evaluation.online.judge` to rate the answer (pointwise, with the
 * workload's rubric) through the gateway's executor, restricted by the workload's data policy
 * and costed. The score (or why there is none: a malformed reply after the retries, a failed or
 * refused judge call — never a pass) is stored in batches, counted, and fed to rolling quality.
 * `record` only looks up config and offers the job; it runs after the response, like every sink.
 */
export class OnlineEvaluator implements RequestSink {
  readonly #writer: OnlineScoreWriter | undefined;
  readonly #running = new Set<Promise<void>>();
  /** One per running judgement (a shared signal would collect a listener per call). */
  readonly #controllers = new Set<AbortController>();
  #config: ResolvedConfig | undefined;
  #closed = false;

  constructor(private readonly options: OnlineEvaluatorOptions) {
    this.#writer = options.store
      ? new OnlineScoreWriter({ store: options.store, ...options.writer, ...(options.onError ? { onError: options.onError } : {}) })
      : undefined;
  }

  record(summary: RequestSummary, record: RequestLogRecord): void {
    const sample = summary.evaluationSample;
    if (!sample?.judge || this.#closed || summary.workload === undefined) return;
    const config = this.options.runtime().config;
    if (config !== this.#config) {
      this.#config = config;
      this.options.onConfig?.(config);
    }
    const evaluation = config.workloads[summary.workload]?.evaluation;
    // A reload may have turned judging off since the request was sampled.
    if (!evaluation?.online) return;
    const job: JudgeJob = {
      requestId: summary.requestId,
      time: record.time,
      workload: summary.workload,
      model: answeringModel(summary, config),
      route: routeOf(summary),
      judge: evaluation.online.judge,
      keepConversation: conversationsKept(config, summary.workload),
      messages: sample.call.messages,
      response: sample.response,
    };
    if (summary.deployment !== undefined) job.deployment = summary.deployment;
    if (sample.call.tools !== undefined && sample.call.tools.length > 0) job.tools = sample.call.tools;
    this.options.queue.offer(() => this.#track(this.#judge(job)));
  }

  /**
   * Stops taking samples, lets running judgements finish for up to `drainMs`, aborts the rest
   * (they are not recorded: shutdown is not a judge failure) and writes what is waiting.
   */
  async close(options: { drainMs?: number } = {}): Promise<void> {
    this.#closed = true;
    if (this.#running.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const drained = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, options.drainMs ?? this.options.drainMs ?? 5000);
      });
      await Promise.race([Promise.allSettled([...this.#running]), drained]);
      clearTimeout(timer);
    }
    for (const controller of this.#controllers) controller.abort(new Error('the gateway is shutting down'));
    await Promise.allSettled([...this.#running]);
    await this.#writer?.flush();
  }

  /** Writes the scores waiting for their batch (tests; the writer flushes on its own timer). */
  async flush(): Promise<void> {
    await this.#writer?.flush();
  }

  #track(job: Promise<void>): Promise<void> {
    this.#running.add(job);
    return job.finally(() => this.#running.delete(job));
  }

  async #judge(job: JudgeJob): Promise<void> {
    // Queued before a shutdown, started after it.
    if (this.#closed) return;
    const controller = new AbortController();
    this.#controllers.add(controller);
    try {
      await this.#judgeWith(job, controller.signal);
    } finally {
      this.#controllers.delete(controller);
    }
  }

  async #judgeWith(job: JudgeJob, signal: AbortSignal): Promise<void> {
    const runtime = this.options.runtime();
    let costUsd: number | undefined;
    let refusal: string | undefined;
    const addCost = (value: unknown) => {
      if (typeof value === 'number') costUsd = (costUsd ?? 0) + value;
    };
    const ask: AskModel = async (model, call) => {
      try {
        const answer = await askInBackground(runtime, { workload: job.workload, model, call });
        addCost(answer.costUsd);
        return answer.result;
      } catch (error) {
        addCost((error as { backgroundCostUsd?: unknown }).backgroundCostUsd);
        if (GatewayError.isInstance(error) && error.code === 'policy_violation') refusal = error.message;
        throw error;
      }
    };
    const judge = createPointwiseJudge({
      ask,
      model: job.judge.model,
      maxOutputTokens: job.judge.max_output_tokens,
      ...(job.judge.rubric === undefined ? {} : { rubric: job.judge.rubric }),
    });
    const result = await judge.score({
      case: { id: job.requestId, messages: judgeMessages(job.messages), tags: [] },
      answer: judgeAnswer(job.response),
      abortSignal: signal,
    });
    if (signal.aborted) return;
    const score: OnlineScore = {
      requestId: job.requestId,
      time: job.time,
      workload: job.workload,
      model: job.model,
      route: job.route,
      judgeModel: job.judge.model,
    };
    if (job.deployment !== undefined) score.deployment = job.deployment;
    if (costUsd !== undefined) score.judgeCostUsd = costUsd;
    if (result.status === 'scored') {
      score.score = result.score;
      const rubricScore = result.detail?.['rubricScore'];
      if (typeof rubricScore === 'number') score.rubricScore = rubricScore;
      // Only a scored answer can ever be exported, so only a scored one keeps its conversation.
      if (job.keepConversation) Object.assign(score, keptConversation(job.messages, job.response, job.tools));
    } else {
      score.unscoredReason = refusal === undefined ? result.reason : `the workload's data policy left no judge deployment: ${refusal}`;
    }
    this.#writer?.add(score);
    this.options.metrics?.recordJudgement(job.workload, job.model, score.score === undefined ? 'unscored' : 'scored');
    this.options.metrics?.recordJudgeCost(job.workload, costUsd);
    if (score.score !== undefined) {
      this.options.rolling.add({ time: score.time, workload: score.workload, model: score.model, route: score.route, score: score.score });
    }
  }
}

/**
 * The logical model that answered: a cascade's accepting tier, else the model of the deployment
 * that answered (a fallback model when the route fell back), else the route's model.
 */
export function answeringModel(summary: RequestSummary, config: ResolvedConfig): string {
  const routing = summary.routing;
  if (routing?.tiers && routing.tier !== undefined) {
    const tier = routing.tiers[routing.tier];
    if (tier !== undefined) return tier;
  }
  const deployment = summary.deployment === undefined ? undefined : config.deployments[summary.deployment];
  return deployment?.modelName ?? summary.routeModel ?? summary.requestedModel;
}

/** `default`, `rules`, `learned`, or `cascade:<answering tier index>` (0 = the cheapest tier accepted). */
export function routeOf(summary: RequestSummary): string {
  const routing = summary.routing;
  if (!routing) return 'default';
  if (routing.tiers && routing.tier !== undefined) return `cascade:${routing.tier}`;
  return routing.router;
}

/** The conversation and answer in OpenAI chat format, redacted, or nothing when it cannot be kept whole. */
function keptConversation(
  messages: readonly ChatMessage[],
  response: CapturedResponse,
  tools: readonly ToolDefinition[] | undefined,
): Pick<OnlineScore, 'messages' | 'answer' | 'tools'> {
  const conversation = openAIMessages(messages);
  if (!conversation) return {};
  const kept: Pick<OnlineScore, 'messages' | 'answer' | 'tools'> = {
    messages: redactValue(conversation).value,
    answer: redactValue(openAIAssistantMessage(response.content)).value,
  };
  // Tool definitions are the application's schema, not user data; kept as OpenAI's `tools` for the export.
  if (tools) {
    kept.tools = tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        parameters: tool.parameters,
        ...(tool.strict === undefined ? {} : { strict: tool.strict }),
      },
    }));
  }
  return Buffer.byteLength(JSON.stringify(kept)) > MAX_KEPT_CONVERSATION_BYTES ? {} : kept;
}
