import type { ChatCall, EmbeddingCall } from '../../spec/chat-call.js';
import type { ChatResult } from '../../spec/chat-result.js';
import { AllTargetsFailedError, GatewayError, type AttemptRecord } from '../../spec/errors.js';
import type { EmbeddingResult } from '../../spec/language-model-adapter.js';
import type { DeploymentTarget, GatewayRuntime } from '../registry/gateway-runtime.js';
import { retryDelayMs } from '../resilience/backoff.js';
import type { CircuitBreaker } from '../resilience/circuit-breaker.js';
import { orderDeployments } from '../resilience/load-balancer.js';
import { resolveLoadBalancingStrategy, type ResilienceSettings } from '../resilience/resilience-config.js';
import type { RetryBudget } from '../resilience/retry-budget.js';
import { fallbackConditionOf } from '../routing/fallback-condition.js';
import type { RouteGroup, RoutePlan } from '../routing/resolve-route.js';
import { abortableSleep } from '../../provider-utils/abortable-sleep.js';
import { countWait, type WaitClock } from '../../spec/wait-clock.js';
import { estimatePromptTokens } from './estimate-tokens.js';
import { raceWithHedge } from './hedge-race.js';
import type { StreamObserver } from './observe-stream.js';
import { CircuitOpenError } from './circuit-open-error.js';
import { runAttempt, type AttemptContext, type AttemptKind, type StreamOpening } from './run-attempt.js';
import { merged } from '../../spec/merged.js';

/** The successful outcome of a plan: what answered, and every attempt made on the way (the last answered). */
export interface Execution<T> {
  result: T;
  target: DeploymentTarget;
  attempts: AttemptRecord[];
  /** What the response cache did, for workloads that cache (`x-switchyard-cache`). */
  cache?: 'hit' | 'miss' | 'bypass';
}

export type StreamExecution = StreamOpening;

/**
 * Runs a plan until a deployment answers: the primary model's deployments in load-balanced order,
 * each retried with backoff while the error is retryable and the workload's retry budget allows,
 * then each fallback model whose conditions match the failure. The first attempt may be hedged.
 */
export function executeGenerate(runtime: GatewayRuntime, plan: RoutePlan, call: ChatCall): Promise<Execution<ChatResult>> {
  return runPlan(
    runtime,
    plan,
    call,
    {
      kind: 'generate',
      run: (target, signal) => {
        if (!target.chat) throw new Error(`deployment ${target.deployment.id} has no chat adapter`);
        // An attempt without limits or a hedge race runs on the request's own signal: no copy needed.
        return target.chat.generate(signal === call.abortSignal ? call : merged(call, { abortSignal: signal }));
      },
    },
    estimatePromptTokens(call),
  ) as Promise<Execution<ChatResult>>;
}

export async function executeEmbed(runtime: GatewayRuntime, plan: RoutePlan, call: EmbeddingCall): Promise<Execution<EmbeddingResult>> {
  return runPlan(runtime, plan, call, {
    kind: 'generate',
    run: async (target, signal) => {
      if (!target.embedding) throw new Error(`deployment ${target.deployment.id} has no embedding adapter`);
      const result = await target.embedding.embed(merged(call, { abortSignal: signal }));
      return merged(result, { usage: { inputTokens: result.usage.inputTokens, outputTokens: 0 } });
    },
  }) as Promise<Execution<EmbeddingResult>>;
}

/**
 * Streams from the first deployment that produces content. A deployment that fails before its
 * first token is replaced invisibly; once content has been passed on, a failure ends the stream
 * with an error (the client never sees two models spliced). The observer hears how it ended.
 */
export function executeStream(
  runtime: GatewayRuntime,
  plan: RoutePlan,
  call: ChatCall,
  observer?: StreamObserver,
): Promise<Execution<StreamExecution>> {
  return runPlan(runtime, plan, call, { kind: 'stream', call, ...(observer ? { observer } : {}) }, estimatePromptTokens(call)) as Promise<
    Execution<StreamExecution>
  >;
}

interface PlanContext extends AttemptContext {
  budget: RetryBudget;
  /** The request's wait clock: a retry's backoff is time the gateway waits on purpose, not its own work. */
  waitClock: WaitClock | undefined;
}

const NOT_HEDGED = { kind: 'not-hedged' } as const;

type TargetOutcome<T> = { kind: 'answered'; value: T; target: DeploymentTarget } | { kind: 'failed'; error: GatewayError } | { kind: 'skipped' };

async function runPlan<T>(
  runtime: GatewayRuntime,
  plan: RoutePlan,
  call: { abortSignal?: AbortSignal | undefined; waitClock?: WaitClock | undefined },
  kind: AttemptKind<T>,
  inputTokenEstimate?: number,
): Promise<Execution<T | StreamOpening>> {
  const settings = runtime.resilienceFor(plan.workload);
  const state = runtime.resilience;
  const context: PlanContext = {
    state,
    settings,
    signal: call.abortSignal,
    waitClock: call.waitClock,
    attempts: [],
    budget: state.budgetFor(plan.workload, settings),
    ...(inputTokenEstimate === undefined ? {} : { inputTokenEstimate }),
  };
  context.budget.recordRequest();
  let lastError: GatewayError | undefined;
  const skipped: DeploymentTarget[] = [];
  let hedgeOffered = false;

  for (const group of plan.groups) {
    // A fallback group is tried only for the failures its rule names.
    if (group.on !== undefined) {
      const condition = lastError === undefined ? undefined : fallbackConditionOf(lastError);
      if (condition === undefined || !group.on.has(condition)) continue;
    }
    const ordered = orderGroup(runtime, group, settings);
    for (let index = 0; index < ordered.length; index++) {
      const target = ordered[index]!;
      let outcome: TargetOutcome<T | StreamOpening>;
      if (!hedgeOffered) {
        hedgeOffered = true;
        const alternate = ordered[index + 1];
        // Most workloads never hedge: skip the race's own promise then.
        const hedged = settings.hedge.enabled && alternate ? await raceWithHedge(context, target, alternate, kind) : NOT_HEDGED;
        // The request's deadline or client ended the race: that is the answer, not a target failure.
        if (hedged.kind !== 'answered' && context.signal?.aborted) throw context.signal.reason;
        if (hedged.kind === 'answered') return { result: hedged.value, target: hedged.target, attempts: context.attempts };
        if (hedged.kind === 'failed') {
          // Both the primary and the hedge failed: the alternate has had its try.
          lastError = hedged.error;
          index++;
          if (fallbackConditionOf(lastError) === undefined) return failWith(context.attempts, lastError);
          continue;
        }
        outcome =
          hedged.kind === 'primary-failed'
            ? await tryTarget(context, target, kind, 1, false, hedged.error)
            : await tryTarget(context, target, kind, 0);
      } else outcome = await tryTarget(context, target, kind, 0);
      if (outcome.kind === 'answered') return { result: outcome.value, target: outcome.target, attempts: context.attempts };
      if (outcome.kind === 'skipped') {
        skipped.push(target);
        lastError ??= new CircuitOpenError(target.deployment.id);
        continue;
      }
      lastError = outcome.error;
      // Bad client input would fail the same way anywhere: no other deployment should hide it.
      if (fallbackConditionOf(lastError) === undefined) return failWith(context.attempts, lastError);
    }
  }

  // Every breaker refused: rather than fail without asking anyone, try the first one anyway, once
  // (no retries: its breaker is open because it has been failing).
  if (context.attempts.every((attempt) => attempt.code === 'circuit_open') && skipped.length > 0) {
    const forced = await tryTarget(context, skipped[0]!, kind, 0, true);
    if (forced.kind === 'answered') return { result: forced.value, target: forced.target, attempts: context.attempts };
    if (forced.kind === 'failed') lastError = forced.error;
  }
  if (!lastError) throw new AllTargetsFailedError([], new CircuitOpenError(plan.model));
  return failWith(context.attempts, lastError);
}

/** The model's own strategy, else the request's workload's (which layers over the top-level one). */
function orderGroup(runtime: GatewayRuntime, group: RouteGroup, settings: ResilienceSettings): DeploymentTarget[] {
  if (group.targets.length < 2) return group.targets;
  const strategy = resolveLoadBalancingStrategy(runtime.config.models[group.model]?.loadBalancing, settings);
  const state = runtime.resilience;
  const candidates = group.targets.map((target) => ({ id: target.deployment.id, weight: target.deployment.weight, target }));
  return orderDeployments(candidates, strategy, state.health, state.clock(), state.random).map((candidate) => candidate.target);
}

/** Tries one deployment, retrying it with backoff while the error allows and the budget lasts. */
export async function tryTarget<T>(
  context: PlanContext,
  target: DeploymentTarget,
  kind: AttemptKind<T>,
  firstRetry: number,
  force = false,
  previousError?: GatewayError,
): Promise<TargetOutcome<T | StreamOpening>> {
  const { breaker } = context.state.health.get(target.deployment.id);
  let lastError = previousError;
  // The first try already failed (in a hedge race): continue as if this loop had made it.
  if (previousError && !(await backOff(context, breaker, previousError, firstRetry - 1, force))) return { kind: 'failed', error: previousError };
  for (let retry = firstRetry; ; retry++) {
    if (context.signal?.aborted) throw context.signal.reason;
    const permit = breaker.tryAcquire();
    if (!permit.allowed && !force) {
      // This deployment's own failures opened its breaker: report them, so fallback rules see
      // the upstream fault (`server_error`, ...) rather than `circuit_open`.
      if (lastError) return { kind: 'failed', error: lastError };
      context.attempts.push({ deployment: target.deployment.id, provider: target.deployment.provider, code: 'circuit_open', latencyMs: 0, retry });
      return { kind: 'skipped' };
    }
    try {
      const value = await runAttempt(context, target, permit, kind, { retry, hedge: false });
      return { kind: 'answered', value, target };
    } catch (error) {
      if (context.signal?.aborted) throw context.signal.reason ?? error;
      if (!GatewayError.isInstance(error)) throw error;
      lastError = error;
      if (!(await backOff(context, breaker, error, retry, force))) return { kind: 'failed', error };
    }
  }
}

/**
 * Waits before retrying a deployment after `error` (try number `retry` failed); false when it
 * should not be retried: the error or policy forbids it, its breaker would refuse the retry
 * anyway (not worth a budget token or a wait), or the retry budget is spent.
 */
async function backOff(context: PlanContext, breaker: CircuitBreaker, error: GatewayError, retry: number, force: boolean): Promise<boolean> {
  // A forced try (every breaker open) is a single call, not a retry loop against a failing upstream.
  if (force) return false;
  const delay = retryDelayMs(error, retry, context.settings.retry, context.state.random);
  if (delay === undefined) return false;
  if (!breaker.canAdmit(context.state.clock())) return false;
  if (!context.budget.tryAcquireRetry()) return false;
  await countWait(context.waitClock, abortableSleep(delay, context.signal));
  return true;
}

function failWith(attempts: AttemptRecord[], lastError: GatewayError): never {
  const tried = attempts.filter((attempt) => attempt.code !== 'circuit_open');
  if (tried.length <= 1) {
    // The client gets the provider's own error; the log still gets the attempt behind it.
    attemptsBehind.set(lastError, attempts);
    throw lastError;
  }
  throw new AllTargetsFailedError(attempts, lastError);
}

const attemptsBehind = new WeakMap<object, AttemptRecord[]>();

/**
 * The attempts behind a failed plan: those of an AllTargetsFailedError, or the one attempt behind a
 * provider error the executor rethrew as it was (a single deployment tried). Empty for other errors.
 */
export function attemptsOfFailure(error: unknown): AttemptRecord[] {
  if (error instanceof AllTargetsFailedError) return error.attempts;
  return (typeof error === 'object' && error !== null && attemptsBehind.get(error)) || [];
}
