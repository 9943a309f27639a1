import type { ChatCall } from '../../spec/chat-call.js';
import type { ChatResult } from '../../spec/chat-result.js';
import { AllTargetsFailedError, GatewayError, type AttemptRecord } from '../../spec/errors.js';
import { replayEventReader } from '../cache/cached-stream-readers.js';
import { replayChatResult } from '../cache/replay-chat-result.js';
import type { GatewayRuntime } from '../registry/gateway-runtime.js';
import { answerText, type CascadeCheck, type CascadeCheckContext, type CheckVerdict } from '../routing/cascade/cascade-check.js';
import type { CascadeCheckKind } from '../routing/cascade/cascade-config.js';
import {
  CascadeFailedError,
  usageByTier,
  type CascadeAttemptRecord,
  type CascadeStep,
  type CascadeTierUsage,
} from '../routing/cascade/cascade-record.js';
import { resolveRoute, type RoutePlan } from '../routing/resolve-route.js';
import { attemptsOfFailure, executeGenerate, executeStream, type Execution, type StreamExecution } from './execute.js';
import type { StreamObserver } from './observe-stream.js';
import { merged } from '../../spec/merged.js';

export interface CascadeOptions {
  /**
   * Stream the answer. Every tier but the last is buffered (generated, then checked); an accepted
   * answer is replayed as stream events. The last tier is accepted unchecked, so it streams live:
   * buffering it would only delay the first token. The observer hears how the stream ended.
   */
  stream?: { observer?: StreamObserver };
  /**
   * The plan for a model a check calls (agreement sample, judge). Default: the model's own route
   * under the first tier's workload, so the workload's retries and limits apply.
   */
  planFor?: (model: string) => RoutePlan;
}

/** A cascade that answered. */
export interface CascadeExecution<T> {
  /** The accepted answer, as the executor returned it (for a checked tier, logprobs the cascade added are removed). */
  execution: Execution<T>;
  /** Index of the tier that answered, 0 for the cheapest. */
  tier: number;
  /** Its logical model. */
  model: string;
  /** Every attempt of every tier and check, in order, tagged with its tier (and check). */
  attempts: CascadeAttemptRecord[];
  steps: CascadeStep[];
  /** Answers of checked tiers that a check turned down, in tier order (references; read by shadow evaluation). */
  rejected: RejectedAnswer[];
  /** Tokens per tier; call it after a streamed answer has ended to include the last tier's usage. */
  usageByTier(): CascadeTierUsage[];
}

/** A checked tier's answer that failed a check. */
export interface RejectedAnswer {
  tier: number;
  model: string;
  result: ChatResult;
}

/**
 * Runs a cascade: each tier but the last answers through the executor (its deployments, retries
 * and fallbacks) and its answer is checked, checks in order, stopping at the first failure. A
 * passing answer is returned; a failing one escalates to the next tier. A tier that fails outright
 * escalates too; only the last tier's failure is thrown, as a CascadeFailedError holding every
 * attempt. The client's abort signal stops the cascade wherever it is.
 */
export function runCascade(
  runtime: GatewayRuntime,
  tiers: readonly RoutePlan[],
  call: ChatCall,
  checks: readonly CascadeCheck[],
  options: CascadeOptions & { stream: NonNullable<CascadeOptions['stream']> },
): Promise<CascadeExecution<StreamExecution>>;
export function runCascade(
  runtime: GatewayRuntime,
  tiers: readonly RoutePlan[],
  call: ChatCall,
  checks: readonly CascadeCheck[],
  options?: CascadeOptions & { stream?: undefined },
): Promise<CascadeExecution<ChatResult>>;
export async function runCascade(
  runtime: GatewayRuntime,
  tiers: readonly RoutePlan[],
  call: ChatCall,
  checks: readonly CascadeCheck[],
  options: CascadeOptions = {},
): Promise<CascadeExecution<ChatResult> | CascadeExecution<StreamExecution>> {
  const first = tiers[0];
  if (first === undefined) throw new Error('a cascade needs at least one tier');
  const signal = call.abortSignal;
  const attempts: CascadeAttemptRecord[] = [];
  const steps: CascadeStep[] = [];
  const rejected: RejectedAnswer[] = [];
  const models = tiers.map((plan) => plan.model);
  const planFor = options.planFor ?? ((model: string) => merged(resolveRoute(runtime, { model, kind: 'chat' }), { workload: first.workload }));
  const addedLogprobs = checks.some((check) => check.needsLogprobs) && call.logprobs !== true && call.unsupportedSettings !== 'error';
  // A client that refuses unsupported settings would see a 400 from a provider without logprobs;
  // then the logprob check reports 'unavailable' instead.
  const checkedCall: ChatCall = addedLogprobs ? merged(call, { logprobs: true }) : call;
  const answered = <T>(execution: Execution<T>, tier: number): CascadeExecution<T> => ({
    execution,
    tier,
    model: models[tier]!,
    attempts,
    steps,
    rejected,
    usageByTier: () => usageByTier(models, attempts),
  });

  for (let tier = 0; tier < tiers.length - 1; tier++) {
    if (signal?.aborted) throw signal.reason;
    const plan = tiers[tier]!;
    const startedAt = performance.now();
    let execution: Execution<ChatResult>;
    try {
      execution = await executeGenerate(runtime, plan, checkedCall);
    } catch (error) {
      const failure = escalatable(error, signal);
      attempts.push(...tag(failureAttempts(failure, plan, performance.now() - startedAt), { tier, model: plan.model }));
      steps.push({ tier, model: plan.model, outcome: 'failed', reason: failure.message, latencyMs: performance.now() - startedAt });
      continue;
    }
    attempts.push(...tag(execution.attempts, { tier, model: plan.model }));
    const text = answerText(execution.result);
    const failed = await firstFailure(checks, (check) => ({
      call,
      result: execution.result,
      text,
      model: plan.model,
      tier,
      ask: (model, checkCall) => ask(model, checkCall, { tier, model, purpose: 'check', check: check.kind }),
    }), signal);
    const step: CascadeStep = { tier, model: plan.model, outcome: failed ? 'escalated' : 'accepted', usage: execution.result.usage, latencyMs: performance.now() - startedAt };
    if (failed) {
      rejected.push({ tier, model: plan.model, result: execution.result });
      steps.push(merged(step, { check: failed.check, reason: failed.verdict.reason, ...(failed.verdict.unavailable ? { unavailable: true } : {}) }));
      continue;
    }
    steps.push(step);
    const result = addedLogprobs ? withoutAddedLogprobs(execution.result) : execution.result;
    if (!options.stream) return answered(merged(execution, { result }), tier);
    return answered(merged(execution, { result: replayed(result, options.stream.observer) }), tier);
  }

  // The last tier: accepted unchecked, asked exactly as the client asked.
  if (signal?.aborted) throw signal.reason;
  const tier = tiers.length - 1;
  const plan = tiers[tier]!;
  const startedAt = performance.now();
  try {
    if (!options.stream) {
      const execution = await executeGenerate(runtime, plan, call);
      attempts.push(...tag(execution.attempts, { tier, model: plan.model }));
      steps.push({ tier, model: plan.model, outcome: 'accepted', usage: execution.result.usage, latencyMs: performance.now() - startedAt });
      return answered(execution, tier);
    }
    const step: CascadeStep = { tier, model: plan.model, outcome: 'accepted', latencyMs: 0 };
    const observer = options.stream.observer;
    const execution = await executeStream(runtime, plan, call, {
      startedAt: observer?.startedAt ?? startedAt,
      onEvent: (event) => observer?.onEvent?.(event),
      onEnd: (outcome) => {
        if (outcome.usage) step.usage = outcome.usage;
        observer?.onEnd(outcome);
      },
    });
    attempts.push(...tag(execution.attempts, { tier, model: plan.model }));
    step.latencyMs = performance.now() - startedAt;
    steps.push(step);
    return answered(execution, tier);
  } catch (error) {
    const failure = escalatable(error, signal);
    attempts.push(...tag(failureAttempts(failure, plan, performance.now() - startedAt), { tier, model: plan.model }));
    steps.push({ tier, model: plan.model, outcome: 'failed', reason: failure.message, latencyMs: performance.now() - startedAt });
    throw new CascadeFailedError(attempts, failure instanceof AllTargetsFailedError ? failure.lastError : failure, steps);
  }

  /** A call a check makes, through the executor, its attempts recorded as check attempts of the tier. */
  async function ask(model: string, checkCall: ChatCall, label: AttemptLabel): Promise<Execution<ChatResult>> {
    const plan = planFor(model);
    const startedAt = performance.now();
    try {
      const execution = await executeGenerate(runtime, plan, signal ? merged(checkCall, { abortSignal: signal }) : checkCall);
      attempts.push(...tag(execution.attempts, label));
      return execution;
    } catch (error) {
      if (GatewayError.isInstance(error) && !signal?.aborted) attempts.push(...tag(failureAttempts(error, plan, performance.now() - startedAt), label));
      throw error;
    }
  }
}

/** The first check that fails, or undefined when all pass. A check that throws fails as `unavailable`. */
async function firstFailure(
  checks: readonly CascadeCheck[],
  contextFor: (check: CascadeCheck) => CascadeCheckContext,
  signal: AbortSignal | undefined,
): Promise<{ check: CascadeCheckKind; verdict: Extract<CheckVerdict, { pass: false }> } | undefined> {
  for (const check of checks) {
    if (signal?.aborted) throw signal.reason;
    let verdict: CheckVerdict;
    try {
      verdict = await check.run(contextFor(check));
    } catch (error) {
      // A judge or sample that could not be called leaves the answer unvouched for: escalate,
      // unless the client has gone, in which case nothing more should run.
      const failure = escalatable(error, signal);
      verdict = { pass: false, reason: `check could not run: ${failure.message}`, unavailable: true };
    }
    if (!verdict.pass) return { check: check.kind, verdict };
  }
  return undefined;
}

/**
 * The error a failed tier escalates with. An aborted request rethrows the signal's reason (the
 * client is gone or the deadline passed: nothing more should run), and a bug is not an upstream
 * fault. Every gateway error escalates, client-shaped ones included: a 400 from the cheap tier's
 * provider (an unsupported parameter, a schema it cannot follow) says nothing about the next tier.
 */
function escalatable(error: unknown, signal: AbortSignal | undefined): GatewayError {
  if (signal?.aborted) throw signal.reason ?? error;
  if (!GatewayError.isInstance(error)) throw error;
  return error;
}

/**
 * The attempts behind a failure. The executor throws AllTargetsFailedError (with its attempts)
 * only when more than one deployment was tried; a single failed attempt comes back as its bare
 * error, so its record is rebuilt here, naming the deployment when the error's provider
 * identifies it.
 */
function failureAttempts(error: GatewayError, plan: RoutePlan, latencyMs: number): AttemptRecord[] {
  const recorded = attemptsOfFailure(error);
  if (recorded.length > 0) return recorded;
  const provider = 'provider' in error && typeof error.provider === 'string' ? error.provider : undefined;
  const targets = plan.groups.flatMap((group) => group.targets);
  const candidates = provider === undefined ? targets : targets.filter((target) => target.deployment.provider === provider);
  const target = candidates.length === 1 ? candidates[0] : undefined;
  const upstreamStatus = 'upstreamStatus' in error && typeof error.upstreamStatus === 'number' ? error.upstreamStatus : undefined;
  return [
    {
      deployment: target?.deployment.id ?? 'unknown',
      provider: provider ?? target?.deployment.provider ?? 'unknown',
      code: error.code,
      message: error.message,
      latencyMs,
      ...(upstreamStatus === undefined ? {} : { upstreamStatus }),
    },
  ];
}

/** What a cascade adds to the executor's attempt records. */
type AttemptLabel = Pick<CascadeAttemptRecord, 'tier' | 'model' | 'purpose' | 'check'>;

/** Tags the executor's records in place (a streamed attempt's usage is written to them later). */
function tag(records: AttemptRecord[], label: AttemptLabel): CascadeAttemptRecord[] {
  return records.map((record) => Object.assign(record, label));
}

/** The answer without the logprobs the cascade asked for on the client's behalf, nor the warnings about them. */
function withoutAddedLogprobs(result: ChatResult): ChatResult {
  const { logprobs: _logprobs, ...rest } = result;
  return merged(rest, { warnings: result.warnings.filter((warning) => !(warning.type === 'unsupported-setting' && warning.setting === 'logprobs')) });
}

/** A buffered answer as a stream, reporting its end to the observer as a live stream would. */
function replayed(result: ChatResult, observer: StreamObserver | undefined): StreamExecution {
  const events = replayEventReader(replayChatResult(result), (outcome) => {
    observer?.onEnd({
      usage: result.usage,
      finishReason: result.finishReason.unified,
      cancelled: outcome.cancelled,
      ...(outcome.firstTokenAt === undefined ? {} : { timeToFirstTokenMs: outcome.firstTokenAt - observer.startedAt }),
    });
  });
  return { events, response: result.response };
}
