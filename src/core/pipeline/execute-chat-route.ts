import type { ChatCall } from '../../spec/chat-call.js';
import type { ChatResult } from '../../spec/chat-result.js';
import type { GatewayRuntime } from '../registry/gateway-runtime.js';
import type { CascadeStep } from '../routing/cascade/cascade-record.js';
import { CascadeFailedError } from '../routing/cascade/cascade-record.js';
import type { RoutePlan } from '../routing/resolve-route.js';
import type { ChatRoute } from '../routing/route-chat.js';
import { executeGenerate, executeStream, type Execution, type StreamExecution } from './execute.js';
import type { StreamObserver } from './observe-stream.js';
import type { RoutingOutcome } from './request-summary.js';
import { runCascade, type CascadeExecution } from './run-cascade.js';
import { merged } from '../../spec/merged.js';

/** A chat route's answer: the execution, the plan that answered, and how routing went. */
export interface RoutedExecution<T> {
  execution: Execution<T>;
  /** For a cascade, the answering tier's plan, its reason saying how the cascade went. */
  plan: RoutePlan;
  routing?: RoutingOutcome;
}

/** Answers a chat route: one plan through the executor, or a cascade tier by tier. */
export async function generateChatRoute(runtime: GatewayRuntime, route: ChatRoute, call: ChatCall): Promise<RoutedExecution<ChatResult>> {
  if (!route.cascade) {
    return { execution: await executeGenerate(runtime, route.plan, call), plan: route.plan, routing: routingOf(route.plan) };
  }
  const { tiers, checks, planFor } = route.cascade;
  return fromCascade(route, await runCascade(runtime, tiers, call, checks, planFor ? { planFor } : {}));
}

/** Streams a chat route. A cascade buffers and checks each tier but the last, then streams the accepted answer. */
export async function streamChatRoute(
  runtime: GatewayRuntime,
  route: ChatRoute,
  call: ChatCall,
  observer: StreamObserver,
): Promise<RoutedExecution<StreamExecution>> {
  if (!route.cascade) {
    return { execution: await executeStream(runtime, route.plan, call, observer), plan: route.plan, routing: routingOf(route.plan) };
  }
  const { tiers, checks, planFor } = route.cascade;
  return fromCascade(route, await runCascade(runtime, tiers, call, checks, { stream: { observer }, ...(planFor ? { planFor } : {}) }));
}

/** How routing went for a request that failed: for a cascade, every tier's outcome. */
export function failedRouting(route: ChatRoute | undefined, error: unknown): RoutingOutcome | undefined {
  if (!route) return undefined;
  if (!route.cascade) return routingOf(route.plan);
  const steps = error instanceof CascadeFailedError ? error.steps : [];
  return merged(routingOf(route.plan), { router: route.plan.router ?? 'cascade', tiers: route.cascade.tiers.map((tier) => tier.model), steps: steps.map(stepSummary) });
}

function fromCascade<T>(route: ChatRoute, cascade: CascadeExecution<T>): RoutedExecution<T> {
  const tiers = route.cascade!.tiers;
  const answering = tiers[cascade.tier]!;
  const escalations = cascade.steps.filter((step) => step.outcome !== 'accepted');
  const story = escalations.map((step) => `${step.model} ${step.outcome}${step.check ? ` (${step.check}: ${step.reason ?? ''})` : step.reason ? ` (${step.reason})` : ''}`);
  const reason = story.length === 0 ? `${route.plan.reason}; ${answering.model} accepted` : `${route.plan.reason}; ${story.join('; ')}; ${answering.model} answered`;
  return {
    execution: merged(cascade.execution, { attempts: cascade.attempts }),
    plan: merged(answering, { reason }),
    routing: merged(routingOf(route.plan), {
      router: route.plan.router ?? 'cascade',
      tiers: tiers.map((tier) => tier.model),
      tier: cascade.tier,
      steps: cascade.steps.map(stepSummary),
      ...rejectedCheapAnswer(cascade),
    }),
  };
}

/** The first tier's answer if a check turned it down (for shadow evaluation; a reference, nothing copied). */
function rejectedCheapAnswer(cascade: CascadeExecution<unknown>): Pick<RoutingOutcome, 'rejectedCheapAnswer'> {
  const first = cascade.rejected[0];
  if (first?.tier !== 0) return {};
  return { rejectedCheapAnswer: { content: first.result.content, finishReason: first.result.finishReason.unified } };
}

function routingOf(plan: RoutePlan): RoutingOutcome | undefined {
  if (plan.router === undefined) return undefined;
  return plan.score === undefined ? { router: plan.router } : { router: plan.router, score: plan.score };
}

function stepSummary(step: CascadeStep): NonNullable<RoutingOutcome['steps']>[number] {
  return {
    model: step.model,
    outcome: step.outcome,
    ...(step.check === undefined ? {} : { check: step.check }),
    ...(step.reason === undefined ? {} : { reason: step.reason }),
  };
}
