import type { ChatCall, EmbeddingCall, ToolCallPart } from '../../spec/chat-call.js';
import type { EmbeddingResult } from '../../spec/language-model-adapter.js';
import type { ChatResult } from '../../spec/chat-result.js';
import { GatewayError, PermissionDeniedError } from '../../spec/errors.js';
import type { StreamEvent, StreamEventReader } from '../../spec/stream-event.js';
import type { Usage } from '../../spec/usage.js';
import type { LimitPermit, LimitScope } from '../limits/request-limiter.js';
import { resolveRoute, type RoutePlan } from '../routing/resolve-route.js';
import { withPromptCacheForRoute } from '../cache/anthropic-prompt-cache.js';
import { collectingEventReader, replayEventReader } from '../cache/cached-stream-readers.js';
import { replayChatResult } from '../cache/replay-chat-result.js';
import { RequestCache, type ResponseCacheHit } from '../cache/response-cache.js';
import { estimateCallTokens, estimateEmbeddingTokens } from './estimate-tokens.js';
import { routeChat, type ChatRoute } from '../routing/route-chat.js';
import type { PromptEmbeddingOutcome } from '../routing/workload-routing.js';
import { promptEmbeddingFor } from './prompt-embedding-stage.js';
import { createRoutingContext } from '../routing/rules/routing-context.js';
import { failedRouting, generateChatRoute, streamChatRoute, type RoutedExecution } from './execute-chat-route.js';
import { policyStageFor, type PolicyStage } from './policy-stage.js';
import { restrictPlan } from '../routing/restrict-plan.js';
import { attemptsOfFailure, executeEmbed, type StreamExecution } from './execute.js';
import { drawEvaluationSample } from '../evaluation/evaluation-sampling.js';
import type { CapturedRequest, CapturedResponse, RequestObserver, RequestSummary, RoutingOutcome } from './request-summary.js';
import type { PipelineRequest, PipelineResult, RejectedRequest } from './pipeline-request.js';
import { merged } from '../../spec/merged.js';

export type { PipelineRequest, PipelineResult, RejectedRequest } from './pipeline-request.js';

/**
 * The request pipeline shared by every endpoint: route → authorize → limits → response cache →
 * execute → record. A cache hit answers without any upstream call (no attempts, nothing billed);
 * a miss is stored after the answer, off the response path.
 * Wire formats stay at the server edge; the summary goes to the observer after the answer (for
 * streams, when the stream ends), never on the way to the client.
 */
export class RequestPipeline {
  /** Each request's policy stage, for its record (requests are short-lived keys). */
  private readonly policies = new WeakMap<PipelineRequest<unknown>, PolicyStage>();

  constructor(private readonly observer?: RequestObserver) {}

  async generate(request: PipelineRequest): Promise<PipelineResult<ChatResult>> {
    let plan: RoutePlan | undefined;
    let route: ChatRoute | undefined;
    let permit: LimitPermit | undefined;
    try {
      const embedding = this.promptEmbedding(request);
      route = this.routeChat(request, embedding === undefined ? undefined : await embedding);
      plan = route.plan;
      permit = await this.admit(request, plan, estimateCallTokens(request.call));
      const cache = RequestCache.forRequest(request.runtime, plan, request.call);
      const hit = cache ? await cache.lookup() : undefined;
      if (hit) {
        // Nothing went upstream: the estimate charged to the token limits is refunded.
        void permit.release(0);
        const requestPayload = capturedRequest(request);
        this.record(request, plan, false, merged(hitSummary(hit), {
          status: 200,
          ...(requestPayload && { requestPayload, responsePayload: capturedResponse(hit.result) }),
        }));
        return { plan, execution: { result: hit.result, target: hit.target, attempts: [], cache: 'hit' } };
      }
      const routed = await generateChatRoute(request.runtime, route, withPromptCacheForRoute(request.runtime, plan, request.call));
      plan = routed.plan;
      const execution = cache ? merged(routed.execution, { cache: cache.status }) : routed.execution;
      const result = execution.result;
      cache?.store(result, execution.target);
      void permit.release(totalTokens(result.usage));
      const requestPayload = capturedRequest(request);
      const sampled = drawEvaluationSample(request.runtime.config, plan.workload);
      this.record(request, plan, false, {
        status: 200,
        routing: routed.routing,
        deployment: execution.target.deployment.id,
        upstreamModel: result.response.modelId,
        ...(result.response.systemFingerprint === undefined ? {} : { systemFingerprint: result.response.systemFingerprint }),
        attempts: execution.attempts,
        usage: result.usage,
        finishReason: result.finishReason.unified,
        ...(requestPayload && { requestPayload, responsePayload: capturedResponse(result) }),
        ...(sampled && { evaluationSample: merged(sampled, { call: request.call, response: capturedResponse(result) }) }),
      });
      return { plan, execution };
    } catch (error) {
      void permit?.release();
      this.recordFailure(request, plan, false, error, capturedRequest(request), failedRouting(route, error));
      throw error;
    }
  }

  async stream(request: PipelineRequest): Promise<PipelineResult<StreamExecution>> {
    let plan: RoutePlan | undefined;
    let route: ChatRoute | undefined;
    let permit: LimitPermit | undefined;
    try {
      const embedding = this.promptEmbedding(request);
      route = this.routeChat(request, embedding === undefined ? undefined : await embedding);
      plan = route.plan;
      permit = await this.admit(request, plan, estimateCallTokens(request.call));
      const routed = plan;
      const held = permit;
      const cache = RequestCache.forRequest(request.runtime, plan, request.call);
      const hit = cache ? await cache.lookup() : undefined;
      const requestPayload = capturedRequest(request);
      if (hit) {
        void held.release(0);
        // Replayed from memory; recorded when the client has read it (or gone away).
        const events = replayEventReader(replayChatResult(hit.result), (outcome) =>
          this.record(request, routed, true, merged(hitSummary(hit), {
            status: 200,
            timeToFirstTokenMs: outcome.firstTokenAt === undefined ? undefined : outcome.firstTokenAt - request.startedAt,
            errorCode: outcome.cancelled ? 'client_disconnected' : undefined,
            ...(requestPayload && { requestPayload, responsePayload: capturedResponse(hit.result) }),
          })),
        );
        const { headers: _headers, ...response } = hit.result.response;
        return { plan, execution: { result: { events, response }, target: hit.target, attempts: [], cache: 'hit' } };
      }
      // The deployment is known only once the stream opens; the observer reads it from there.
      let answered: RoutedExecution<StreamExecution> | undefined;
      // Only with payload capture on, or for a request drawn for evaluation, are the streamed parts gathered (on their way to the client).
      const sampled = drawEvaluationSample(request.runtime.config, plan.workload);
      const streamed = requestPayload || sampled ? new StreamedContent() : undefined;
      const routedExecution = await streamChatRoute(request.runtime, route, withPromptCacheForRoute(request.runtime, plan, request.call), {
        startedAt: request.startedAt,
        onEnd: (outcome) => {
          void held.release(outcome.usage ? totalTokens(outcome.usage) : undefined);
          this.record(request, answered?.plan ?? routed, true, {
            status: 200,
            routing: answered?.routing,
            deployment: answered?.execution.target.deployment.id,
            upstreamModel: answered?.execution.result.response?.modelId,
            attempts: answered?.execution.attempts ?? [],
            usage: outcome.usage,
            finishReason: outcome.finishReason,
            timeToFirstTokenMs: outcome.timeToFirstTokenMs,
            errorCode: outcome.error !== undefined ? errorCode(outcome.error) : outcome.cancelled ? 'client_disconnected' : undefined,
            ...(requestPayload && streamed && { requestPayload, responsePayload: streamed.captured(outcome.finishReason) }),
            // Only a stream that finished normally has an answer worth judging.
            ...(sampled && streamed && outcome.error === undefined && !outcome.cancelled && {
              evaluationSample: merged(sampled, { call: request.call, response: streamed.captured(outcome.finishReason) }),
            }),
          });
        },
      });
      answered = routedExecution;
      plan = routedExecution.plan;
      const executed = routedExecution.execution;
      const observed = streamed ? merged(executed, { result: merged(executed.result, { events: streamed.reader(executed.result.events) }) }) : executed;
      if (!cache) return { plan, execution: observed };
      // A streamed miss is stored once it has finished successfully, collected as it passes.
      const events = cache.key === undefined ? observed.result.events : collectingEventReader(observed.result.events, (result) => cache.store(result, executed.target));
      return { plan, execution: merged(observed, { result: merged(observed.result, { events }), cache: cache.status }) };
    } catch (error) {
      void permit?.release();
      this.recordFailure(request, plan, true, error, capturedRequest(request), failedRouting(route, error));
      throw error;
    }
  }

  async embed(request: PipelineRequest<EmbeddingCall>): Promise<PipelineResult<EmbeddingResult>> {
    let plan: RoutePlan | undefined;
    let permit: LimitPermit | undefined;
    try {
      plan = this.route(request, 'embedding');
      // The texts are inspected like a chat's: sensitive input must not reach a deployment the policy forbids.
      const policy = this.policyStage(request, plan.workload, embeddingInputAsCall(request.call));
      if (policy) plan = restrictPlan(plan, policy.route.restriction) ?? throwError(policy.route.refusal());
      permit = await this.admit(request, plan, estimateEmbeddingTokens(request.call));
      const execution = await executeEmbed(request.runtime, plan, request.call);
      void permit.release(execution.result.usage.inputTokens);
      this.record(request, plan, false, {
        status: 200,
        deployment: execution.target.deployment.id,
        upstreamModel: execution.result.response.modelId,
        attempts: execution.attempts,
        usage: { inputTokens: execution.result.usage.inputTokens, outputTokens: 0 },
      });
      return { plan, execution };
    } catch (error) {
      void permit?.release();
      this.recordFailure(request, plan, false, error);
      throw error;
    }
  }

  private route(request: PipelineRequest<unknown>, kind: 'chat' | 'embedding'): RoutePlan {
    if (request.madeFor !== undefined) return merged(resolveRoute(request.runtime, { model: request.model, kind }), { workload: request.madeFor });
    return resolveRoute(request.runtime, { model: request.model, workload: request.workload, kind });
  }

  /** The prompt's embedding for a workload whose learned router reads one; see prompt-embedding-stage.ts. */
  private promptEmbedding(request: PipelineRequest): Promise<PromptEmbeddingOutcome> | undefined {
    return promptEmbeddingFor(request, () => this.route(request, 'chat').workload, (embedding) => this.embed(embedding));
  }

  /** The workload's routers (rules, learned, cascade) pick the plan, then context fit prunes it. */
  private routeChat(request: PipelineRequest, embedding?: PromptEmbeddingOutcome): ChatRoute {
    const promptEmbedding = embedding && 'vector' in embedding ? embedding.vector : undefined;
    const route = this.routeChatWith(request, promptEmbedding);
    // The learned router stepped aside for want of an embedding: the record says so.
    if (embedding && 'missing' in embedding) return merged(route, { plan: merged(route.plan, { reason: `${route.plan.reason}; learned router skipped: ${embedding.missing}` }) });
    return route;
  }

  private routeChatWith(request: PipelineRequest, promptEmbedding: ArrayLike<number> | undefined): ChatRoute {
    const base = this.route(request, 'chat');
    const { call } = request;
    const policy = this.policyStage(request, base.workload, call);
    return routeChat(request.runtime, base, call, (routing, tokenCounts) => {
      const hints = request.hints?.();
      return createRoutingContext(call, {
        tokenCounts,
        workload: base.workload ?? '',
        ...(hints?.task === undefined ? {} : { task: hints.task }),
        ...(hints?.metadata === undefined ? {} : { metadata: hints.metadata }),
        tokenizerForModel: routing.tokenizerForModel,
        ...(promptEmbedding === undefined ? {} : { promptEmbedding }),
      });
    }, policy?.route);
  }

  /** The request's data policy, kept for its record; throws when the workload refuses what the request carries. */
  private policyStage(request: PipelineRequest<unknown>, workload: string | undefined, call?: ChatCall): PolicyStage | undefined {
    const stage = policyStageFor(request.runtime, workload, call);
    if (!stage) return undefined;
    this.policies.set(request, stage);
    if (stage.refusedForSensitiveData) throw stage.refusedForSensitiveData;
    return stage;
  }

  /** Checks the client may use this route, then takes its place under every applicable limit. */
  private admit(request: PipelineRequest<unknown>, plan: RoutePlan, estimatedTokens: number): Promise<LimitPermit> {
    const { client } = request;
    const directModel = plan.workload === undefined ? plan.model : undefined;
    if (client && !client.allows(plan.workload, directModel)) {
      const what = plan.workload !== undefined ? `workload '${plan.workload}'` : `model '${plan.model}'`;
      throw new PermissionDeniedError(`API key '${client.name}' may not use ${what}.`, { param: 'model' });
    }
    const scopes: LimitScope[] = [];
    if (client?.limits) scopes.push({ scope: 'key', id: client.name, limits: client.limits });
    const workloadLimits = plan.workload === undefined ? undefined : request.runtime.config.workloads[plan.workload]?.limits;
    if (workloadLimits && plan.workload !== undefined) scopes.push({ scope: 'workload', id: plan.workload, limits: workloadLimits });
    return request.runtime.limiter.acquire(scopes, estimatedTokens);
  }

  private recordFailure(
    request: PipelineRequest<unknown>,
    plan: RoutePlan | undefined,
    stream: boolean,
    error: unknown,
    requestPayload?: CapturedRequest,
    routing?: RoutingOutcome,
  ): void {
    const attempts = attemptsOfFailure(error);
    this.record(request, plan, stream, {
      status: GatewayError.isInstance(error) ? error.httpStatus : 500,
      routing,
      errorCode: errorCode(error),
      attempts,
      ...(requestPayload && { requestPayload }),
    });
  }

  /**
   * Records a request the server edge refused before it reached the pipeline (a body that is not
   * JSON or is too large, an invalid field), so the request log, usage and error metrics count it
   * like any other failed request. The edge does not call it for refused keys.
   */
  recordRejected(rejected: RejectedRequest, error: unknown): void {
    if (!this.observer) return;
    this.observer.onRequestEnd({
      requestId: rejected.requestId,
      startedAt: rejected.startedAt,
      durationMs: performance.now() - rejected.startedAt,
      endpoint: rejected.endpoint,
      stream: rejected.stream,
      requestedModel: rejected.requestedModel,
      apiKey: rejected.client?.name,
      status: GatewayError.isInstance(error) ? error.httpStatus : 500,
      errorCode: errorCode(error),
      attempts: [],
    });
  }

  private record(
    request: PipelineRequest<unknown>,
    plan: RoutePlan | undefined,
    stream: boolean,
    outcome: Pick<RequestSummary, 'status' | 'attempts'> & Partial<RequestSummary>,
  ): void {
    if (!this.observer) return;
    this.observer.onRequestEnd({
      requestId: request.requestId,
      startedAt: request.startedAt,
      durationMs: performance.now() - request.startedAt,
      endpoint: request.endpoint,
      stream,
      requestedModel: request.model,
      workload: plan?.workload ?? this.policies.get(request)?.workload,
      routeModel: plan?.model,
      routeReason: plan?.reason,
      apiKey: request.client?.name,
      policy: this.policies.get(request)?.decision(),
      waitClock: request.waitClock,
      ...outcome,
    });
  }
}

/** What the summary of a cache hit says: the deployment that once answered, its usage, no attempts. */
function hitSummary(hit: ResponseCacheHit): Pick<RequestSummary, 'attempts'> & Partial<RequestSummary> {
  return {
    deployment: hit.target.deployment.id,
    upstreamModel: hit.result.response.modelId,
    attempts: [],
    usage: hit.result.usage,
    finishReason: hit.result.finishReason.unified,
    cacheHit: true,
  };
}

/**
 * The request's bodies for the log, or undefined (the common case, a single boolean check) when
 * `request_log.capture_payloads` is off. References, not copies: the recorder redacts into new
 * objects off the request path.
 */
function capturedRequest(request: PipelineRequest): CapturedRequest | undefined {
  if (!request.runtime.config.requestLog.capture_payloads.enabled) return undefined;
  const { messages, tools, toolChoice, responseFormat } = request.call;
  return {
    messages,
    ...(tools === undefined ? {} : { tools }),
    ...(toolChoice === undefined ? {} : { toolChoice }),
    ...(responseFormat === undefined ? {} : { responseFormat }),
  };
}

function capturedResponse(result: ChatResult): CapturedResponse {
  return { content: result.content, finishReason: result.finishReason.unified };
}

/** The parts a stream has said so far (text, reasoning, tool calls), gathered as they pass to the client. */
class StreamedContent {
  private readonly content: CapturedResponse['content'] = [];
  private readonly toolCalls = new Map<string, ToolCallPart>();

  reader(source: StreamEventReader): StreamEventReader {
    return {
      read: () =>
        source.read().then((next) => {
          if (!next.done) this.add(next.value);
          return next;
        }),
      cancel: (reason) => source.cancel(reason),
    };
  }

  captured(finishReason: string | undefined): CapturedResponse {
    return { content: this.content.slice(), ...(finishReason === undefined ? {} : { finishReason }) };
  }

  private add(event: StreamEvent): void {
    const last = this.content.at(-1);
    if (event.type === 'text-delta') {
      if (event.delta === '') return;
      if (last?.type === 'text') last.text += event.delta;
      else this.content.push({ type: 'text', text: event.delta });
    } else if (event.type === 'reasoning-delta') {
      if (last?.type === 'reasoning') last.text += event.delta;
      else this.content.push({ type: 'reasoning', text: event.delta });
    } else if (event.type === 'tool-input-start') {
      const part: ToolCallPart = { type: 'tool-call', toolCallId: event.toolCallId, toolName: event.toolName, input: '' };
      this.toolCalls.set(event.toolCallId, part);
      this.content.push(part);
    } else if (event.type === 'tool-input-delta') {
      const part = this.toolCalls.get(event.toolCallId);
      if (part) part.input += event.delta;
    }
  }
}

function totalTokens(usage: Usage): number | undefined {
  if (usage.inputTokens === undefined && usage.outputTokens === undefined) return undefined;
  return (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0);
}

function errorCode(error: unknown): string {
  return GatewayError.isInstance(error) ? error.code : 'internal_error';
}

function throwError(error: Error): never {
  throw error;
}

/** Embedding input as the user turns of a chat call, so the data policy inspects it the same way. */
function embeddingInputAsCall(call: EmbeddingCall): ChatCall {
  return { messages: call.input.map((text) => ({ role: 'user' as const, content: [{ type: 'text' as const, text }] })) };
}
