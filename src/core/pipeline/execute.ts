import { AllTargetsFailedError, GatewayError, toGatewayError, type AttemptRecord } from '../../spec/errors.js';
import type { ChatCall, EmbeddingCall } from '../../spec/chat-call.js';
import type { ChatResult, ResponseInfo } from '../../spec/chat-result.js';
import type { EmbeddingResult } from '../../spec/language-model-adapter.js';
import type { StreamEvent } from '../../spec/stream-event.js';
import type { DeploymentTarget } from '../registry/gateway-runtime.js';
import type { RoutePlan } from '../routing/resolve-route.js';
import { fallbackConditionOf } from '../routing/fallback-condition.js';
import { resumeObservedEvents, type StreamEventReader, type StreamObserver } from './observe-stream.js';

/** The successful outcome of a plan: what answered, and every attempt made on the way. */
export interface Execution<T> {
  result: T;
  target: DeploymentTarget;
  attempts: AttemptRecord[];
}

export interface StreamExecution {
  events: StreamEventReader;
  response?: ResponseInfo;
}

/** Tries each target of the plan in order until one answers. */
export async function executeGenerate(plan: RoutePlan, call: ChatCall): Promise<Execution<ChatResult>> {
  return tryTargets(plan, call.abortSignal, (target) => {
    if (!target.chat) throw new Error(`deployment ${target.deployment.id} has no chat adapter`);
    return target.chat.generate(call);
  });
}

export async function executeEmbed(plan: RoutePlan, call: EmbeddingCall): Promise<Execution<EmbeddingResult>> {
  return tryTargets(plan, call.abortSignal, (target) => {
    if (!target.embedding) throw new Error(`deployment ${target.deployment.id} has no embedding adapter`);
    return target.embedding.embed(call);
  });
}

/**
 * Streams from the first target that produces content. Events before the first content event are
 * held back, so a target that fails before its first token is replaced invisibly; once content
 * has been passed on, a failure errors the stream (the client never sees two models spliced).
 * The observer hears how the chosen stream ended.
 */
export async function executeStream(plan: RoutePlan, call: ChatCall, observer?: StreamObserver): Promise<Execution<StreamExecution>> {
  return tryTargets(plan, call.abortSignal, async (target) => {
    if (!target.chat) throw new Error(`deployment ${target.deployment.id} has no chat adapter`);
    const { stream, response } = await target.chat.stream(call);
    const reader = stream.getReader();
    const held: StreamEvent[] = [];
    try {
      for (;;) {
        const next = await reader.read();
        if (next.done) break;
        held.push(next.value);
        if (isContentEvent(next.value)) break;
      }
    } catch (error) {
      reader.cancel().catch(() => undefined);
      throw error;
    }
    // What the upstream said about itself in its first events (id, exact model version) is known
    // before any byte goes to the client, so the client's first chunk can carry it.
    const metadata = held.find((event) => event.type === 'response-metadata');
    const info = metadata ? { ...response, ...withoutType(metadata) } : response;
    return { events: resumeObservedEvents(held, reader, observer), response: info };
  });
}

function isContentEvent(event: StreamEvent): boolean {
  return event.type !== 'stream-start' && event.type !== 'response-metadata';
}

async function tryTargets<T>(
  plan: RoutePlan,
  abortSignal: AbortSignal | undefined,
  attempt: (target: DeploymentTarget) => Promise<T>,
): Promise<Execution<T>> {
  const attempts: AttemptRecord[] = [];
  let lastError: GatewayError | undefined;
  for (const group of plan.groups) {
    // A fallback group is tried only for the failures its rule names.
    if (group.on !== undefined) {
      const condition = lastError === undefined ? undefined : fallbackConditionOf(lastError);
      if (condition === undefined || !group.on.has(condition)) continue;
    }
    for (const target of group.targets) {
      if (abortSignal?.aborted) throw abortSignal.reason;
      const startedAt = performance.now();
      try {
        const result = await attempt(target);
        return { result, target, attempts };
      } catch (error) {
        if (abortSignal?.aborted) throw abortSignal.reason ?? error;
        const typed = toGatewayError(error, target.deployment.provider);
        attempts.push({
          deployment: target.deployment.id,
          provider: target.deployment.provider,
          code: typed.code,
          message: typed.message,
          upstreamStatus: 'upstreamStatus' in typed ? (typed.upstreamStatus as number | undefined) : undefined,
          latencyMs: performance.now() - startedAt,
        });
        lastError = typed;
        if (fallbackConditionOf(typed) === undefined) return failWith(attempts, typed);
      }
    }
  }
  if (!lastError) throw new AllTargetsFailedError([], noTargetsError(plan));
  return failWith(attempts, lastError);
}

function failWith(attempts: AttemptRecord[], lastError: GatewayError): never {
  if (attempts.length === 1) throw lastError;
  throw new AllTargetsFailedError(attempts, lastError);
}

function noTargetsError(plan: RoutePlan): GatewayError {
  return toGatewayError(new Error(`route '${plan.reason}' has no usable deployments`));
}

function withoutType(event: Extract<StreamEvent, { type: 'response-metadata' }>): ResponseInfo {
  const { type: _type, ...info } = event;
  return info;
}
