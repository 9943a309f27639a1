import type { ChatCall, EmbeddingCall } from '../../spec/chat-call.js';
import type { EmbeddingResult } from '../../spec/language-model-adapter.js';
import type { ChatResult } from '../../spec/chat-result.js';
import { GatewayError } from '../../spec/errors.js';
import type { GatewayRuntime } from '../registry/gateway-runtime.js';
import { resolveRoute, type RoutePlan } from '../routing/resolve-route.js';
import { executeEmbed, executeGenerate, executeStream, type Execution, type StreamExecution } from './execute.js';
import type { RequestObserver, RequestSummary } from './request-summary.js';

/** One request, already converted from its wire format. */
export interface PipelineRequest<TCall = ChatCall> {
  runtime: GatewayRuntime;
  requestId: string;
  /** `performance.now()` when the request arrived. */
  startedAt: number;
  endpoint: RequestSummary['endpoint'];
  /** The model name the client sent (`<model>` or `workload/<name>`). */
  model: string;
  /** Value of the workload header, if any. */
  workload?: string;
  call: TCall;
}

export interface PipelineResult<T> {
  plan: RoutePlan;
  execution: Execution<T>;
}

/**
 * The request pipeline shared by every endpoint: route → execute → record. Wire formats stay
 * at the server edge; the summary goes to the observer after the answer (for streams, when the
 * stream ends), never on the way to the client.
 */
export class RequestPipeline {
  constructor(private readonly observer?: RequestObserver) {}

  async generate(request: PipelineRequest): Promise<PipelineResult<ChatResult>> {
    let plan: RoutePlan | undefined;
    try {
      plan = this.route(request);
      const execution = await executeGenerate(plan, request.call);
      const result = execution.result;
      this.record(request, plan, false, {
        status: 200,
        deployment: execution.target.deployment.id,
        upstreamModel: result.response.modelId,
        attempts: execution.attempts,
        usage: result.usage,
      });
      return { plan, execution };
    } catch (error) {
      this.recordFailure(request, plan, false, error);
      throw error;
    }
  }

  async stream(request: PipelineRequest): Promise<PipelineResult<StreamExecution>> {
    let plan: RoutePlan | undefined;
    try {
      plan = this.route(request);
      const routed = plan;
      // The deployment is known only once the stream opens; the observer reads it from there.
      let answered: Execution<StreamExecution> | undefined;
      const execution = await executeStream(plan, request.call, {
        startedAt: request.startedAt,
        onEnd: (outcome) =>
          this.record(request, routed, true, {
            status: 200,
            deployment: answered?.target.deployment.id,
            upstreamModel: answered?.result.response?.modelId,
            attempts: answered?.attempts ?? [],
            usage: outcome.usage,
            timeToFirstTokenMs: outcome.timeToFirstTokenMs,
            errorCode: outcome.error !== undefined ? errorCode(outcome.error) : outcome.cancelled ? 'client_disconnected' : undefined,
          }),
      });
      answered = execution;
      return { plan, execution };
    } catch (error) {
      this.recordFailure(request, plan, true, error);
      throw error;
    }
  }

  async embed(request: PipelineRequest<EmbeddingCall>): Promise<PipelineResult<EmbeddingResult>> {
    let plan: RoutePlan | undefined;
    try {
      plan = this.route(request, 'embedding');
      const execution = await executeEmbed(plan, request.call);
      this.record(request, plan, false, {
        status: 200,
        deployment: execution.target.deployment.id,
        upstreamModel: execution.result.response.modelId,
        attempts: execution.attempts,
        usage: { inputTokens: execution.result.usage.inputTokens, outputTokens: 0 },
      });
      return { plan, execution };
    } catch (error) {
      this.recordFailure(request, plan, false, error);
      throw error;
    }
  }

  private route(request: PipelineRequest<unknown>, kind: 'chat' | 'embedding' = 'chat'): RoutePlan {
    return resolveRoute(request.runtime, { model: request.model, workload: request.workload, kind });
  }

  private recordFailure(request: PipelineRequest<unknown>, plan: RoutePlan | undefined, stream: boolean, error: unknown): void {
    const attempts = GatewayError.isInstance(error) && 'attempts' in error ? (error.attempts as RequestSummary['attempts']) : [];
    this.record(request, plan, stream, {
      status: GatewayError.isInstance(error) ? error.httpStatus : 500,
      errorCode: errorCode(error),
      attempts,
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
      workload: plan?.workload,
      routeReason: plan?.reason,
      ...outcome,
    });
  }
}

function errorCode(error: unknown): string {
  return GatewayError.isInstance(error) ? error.code : 'internal_error';
}
