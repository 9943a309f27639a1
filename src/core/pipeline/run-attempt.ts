import type { ChatCall } from '../../spec/chat-call.js';
import type { CallWarning, ResponseInfo } from '../../spec/chat-result.js';
import { GatewayError, ProviderConnectionError, ProviderRateLimitError, toGatewayError, type AttemptRecord } from '../../spec/errors.js';
import type { StreamEvent, StreamEventReader } from '../../spec/stream-event.js';
import type { Usage } from '../../spec/usage.js';
import type { DeploymentTarget } from '../registry/gateway-runtime.js';
import type { BreakerPermit } from '../resilience/circuit-breaker.js';
import { countsAsBreakerFailure } from '../resilience/circuit-breaker.js';
import type { DeploymentResilience } from '../resilience/health-registry.js';
import type { ResilienceSettings } from '../resilience/resilience-config.js';
import type { ResilienceState } from '../resilience/resilience-state.js';
import { AttemptGuard } from './attempt-guard.js';
import { resumeObservedEvents, type StreamObserver } from './observe-stream.js';
import { merged } from '../../spec/merged.js';

/** Why an attempt was abandoned while it ran: another attempt answered first. */
export class AttemptCancelledError extends Error {
  constructor(readonly reason: 'hedge-lost') {
    super(`attempt cancelled: ${reason}`);
  }
}

/** What every attempt of one request shares. */
export interface AttemptContext {
  state: ResilienceState;
  settings: ResilienceSettings;
  /** The request's signal: client gone or deadline passed. */
  signal: AbortSignal | undefined;
  /** Every attempt made, in start order; the executor reads it for errors and summaries. */
  attempts: AttemptRecord[];
  /**
   * The request's prompt tokens, estimated: an attempt abandoned mid-way (a losing hedge) reports
   * no usage, but the provider still bills the prompt it received, so its record carries this.
   */
  inputTokenEstimate?: number;
}

export interface AttemptOptions {
  retry: number;
  hedge: boolean;
  /** Set by a hedge race: aborting it cancels this attempt. */
  cancel?: AbortSignal;
}

export interface StreamOpening {
  events: StreamEventReader;
  response?: ResponseInfo;
  /** The adapter's warnings (its `stream-start` event), known before the first byte goes out, so headers can carry them. */
  warnings?: CallWarning[];
}

/** What an attempt does with the adapter, given the signal to pass upstream. */
export type AttemptKind<T> =
  | { kind: 'generate'; run: (target: DeploymentTarget, signal: AbortSignal) => Promise<T & { usage?: Usage; response?: ResponseInfo }> }
  | { kind: 'stream'; call: ChatCall; observer?: StreamObserver };

/**
 * One attempt at one deployment: breaker permit, time limits, health accounting and the attempt
 * record. A streaming attempt counts as answered at its first content event; its breaker verdict
 * and the end of its accounting come when the stream ends.
 */
export async function runAttempt<T>(
  context: AttemptContext,
  target: DeploymentTarget,
  permit: BreakerPermit,
  kind: AttemptKind<T>,
  options: AttemptOptions,
): Promise<T | StreamOpening> {
  const resilience = context.state.health.get(target.deployment.id);
  const timeouts = context.settings.timeouts;
  const guard = new AttemptGuard(
    target.deployment.provider,
    context.signal,
    kind.kind === 'stream' ? { totalMs: timeouts.totalMs, firstTokenMs: timeouts.firstTokenMs, idleMs: timeouts.idleMs } : { totalMs: timeouts.totalMs },
    options.cancel !== undefined,
  );
  const record: AttemptRecord = {
    deployment: target.deployment.id,
    provider: target.deployment.provider,
    code: 'pending',
    latencyMs: 0,
    retry: options.retry,
    ...(options.hedge ? { hedge: true } : {}),
  };
  context.attempts.push(record);
  const startedAt = performance.now();
  const onCancel = () => {
    // Recorded at once: the winner's attempts list is read as soon as it answers, possibly
    // before this attempt's upstream call has noticed the abort and unwound.
    record.code = 'cancelled';
    record.latencyMs = performance.now() - startedAt;
    if (context.inputTokenEstimate !== undefined) {
      record.usage = { inputTokens: context.inputTokenEstimate, outputTokens: 0, raw: { estimated: true } };
    }
    guard.abort(options.cancel?.reason);
  };
  options.cancel?.addEventListener('abort', onCancel, { once: true });
  resilience.health.startRequest();
  let handedOff = false;
  try {
    if (kind.kind === 'generate') {
      const result = await kind.run(target, guard.signal);
      // An adapter that answers after its signal fired (it did not look at it) answers too late.
      if (guard.signal.aborted) throw guard.signal.reason;
      record.code = 'ok';
      record.latencyMs = performance.now() - startedAt;
      if (result.usage) record.usage = result.usage;
      resilience.health.recordLatency(record.latencyMs);
      if (result.response?.headers) resilience.health.learnFromHeaders(result.response.headers, context.state.clock());
      resilience.breaker.onSuccess(permit);
      return result;
    }
    const call = guard.signal === kind.call.abortSignal ? kind.call : merged(kind.call, { abortSignal: guard.signal });
    const opening = await openStream(target, call);
    if (guard.signal.aborted) {
      opening.reader.cancel(guard.signal.reason).catch(() => undefined);
      throw guard.signal.reason;
    }
    record.code = 'ok';
    record.latencyMs = performance.now() - startedAt;
    resilience.health.recordTimeToFirstToken(record.latencyMs);
    if (opening.response?.headers) resilience.health.learnFromHeaders(opening.response.headers, context.state.clock());
    guard.firstToken();
    handedOff = true;
    const observer = kind.observer;
    const events = resumeObservedEvents(opening.held, opening.reader, {
      startedAt: observer?.startedAt ?? startedAt,
      onEvent: () => guard.touch(),
      onEnd: (outcome) => {
        guard.finish();
        resilience.health.finishRequest();
        if (outcome.usage) record.usage = outcome.usage;
        if (options.cancel?.aborted) {
          // A hedge that opened in the same instant as the winner and was then abandoned: not
          // the request's stream, so its end is not the request's end.
          record.code = 'cancelled';
          resilience.breaker.release(permit);
          return;
        }
        if (outcome.error !== undefined) {
          record.code = GatewayError.isInstance(outcome.error) ? outcome.error.code : 'stream_interrupted';
          settleBreaker(resilience, permit, outcome.error);
        } else if (outcome.cancelled) resilience.breaker.release(permit);
        else {
          resilience.health.recordLatency(performance.now() - startedAt);
          resilience.breaker.onSuccess(permit);
        }
        observer?.onEnd(outcome);
      },
    });
    const warnings = opening.held.flatMap((event) => (event.type === 'stream-start' ? event.warnings : []));
    return { events, response: opening.response, ...(warnings.length > 0 && { warnings }) };
  } catch (error) {
    const typed = attemptError(error, guard, target);
    // A cancelled attempt's latency ends when it was abandoned, not when its upstream let go.
    if (record.code !== 'cancelled') record.latencyMs = performance.now() - startedAt;
    if (typed instanceof AttemptCancelledError) {
      record.code = 'cancelled';
      resilience.breaker.release(permit);
      throw typed;
    }
    record.code = typed.code;
    record.message = typed.message;
    if ('upstreamStatus' in typed && typeof typed.upstreamStatus === 'number') record.upstreamStatus = typed.upstreamStatus;
    if ('retryAfterMs' in typed && typeof typed.retryAfterMs === 'number') record.retryAfterMs = typed.retryAfterMs;
    if (typed instanceof ProviderRateLimitError) resilience.health.recordRateLimit(typed.retryAfterMs, context.state.clock());
    settleBreaker(resilience, permit, typed);
    throw typed;
  } finally {
    options.cancel?.removeEventListener('abort', onCancel);
    if (!handedOff) {
      guard.finish();
      resilience.health.finishRequest();
    }
  }
}

function settleBreaker(resilience: DeploymentResilience, permit: BreakerPermit, error: unknown): void {
  if (countsAsBreakerFailure(error)) resilience.breaker.onFailure(permit);
  else resilience.breaker.release(permit);
}

/** The error an attempt ended with: our own timeout or cancellation if we aborted it, else the upstream's. */
function attemptError(error: unknown, guard: AttemptGuard, target: DeploymentTarget): GatewayError | AttemptCancelledError {
  const reason: unknown = guard.signal.aborted ? guard.signal.reason : undefined;
  if (reason instanceof AttemptCancelledError) return reason;
  if (reason !== undefined && GatewayError.isInstance(reason)) return reason;
  if (error instanceof AttemptCancelledError) return error;
  return toGatewayError(error, target.deployment.provider);
}

/**
 * Opens a stream and reads until its first content event. Events before it are held back, so a
 * deployment that fails before its first token is replaced invisibly.
 */
async function openStream(
  target: DeploymentTarget,
  call: ChatCall,
): Promise<{ held: StreamEvent[]; reader: StreamEventReader; response?: ResponseInfo }> {
  if (!target.chat) throw new Error(`deployment ${target.deployment.id} has no chat adapter`);
  const { stream: reader, response } = await target.chat.stream(call);
  const held: StreamEvent[] = [];
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      held.push(next.value);
      if (next.value.type !== 'stream-start' && next.value.type !== 'response-metadata') break;
    }
  } catch (error) {
    reader.cancel().catch(() => undefined);
    // Nothing reached the client yet: a stream cut now is a dropped connection, retryable like one.
    if (GatewayError.isInstance(error) && error.code === 'stream_interrupted') {
      throw new ProviderConnectionError(error.message, { provider: target.deployment.provider, cause: error });
    }
    throw error;
  }
  // What the upstream said about itself in its first events (id, exact model version) is known
  // before any byte goes to the client, so the client's first chunk can carry it.
  const metadata = held.find((event) => event.type === 'response-metadata');
  if (!metadata) return { held, reader, response };
  const { type: _type, promptUsage: _promptUsage, ...info } = metadata;
  return { held, reader, response: merged(response, info) };
}
