import type { GatewayError } from '../../spec/errors.js';
import type { DeploymentTarget } from '../registry/gateway-runtime.js';
import { hedgeDelayMs } from '../resilience/hedge-policy.js';
import type { RetryBudget } from '../resilience/retry-budget.js';
import { AttemptCancelledError, runAttempt, type AttemptContext, type AttemptKind, type StreamOpening } from './run-attempt.js';

export type HedgeOutcome<T> =
  /** Hedging does not apply (disabled, no alternate, not enough latency history). */
  | { kind: 'not-hedged' }
  | { kind: 'answered'; value: T | StreamOpening; target: DeploymentTarget }
  /** The primary failed before a hedge was sent; the caller continues with its normal retries. */
  | { kind: 'primary-failed'; error: GatewayError }
  /** Primary and hedge both failed. */
  | { kind: 'failed'; error: GatewayError; usedAlternate: true };

type Settled<T> = { ok: true; value: T | StreamOpening } | { ok: false; error: unknown };

/**
 * A hedged first attempt: when the primary has not answered (or, streaming, sent its first token)
 * by its recent p95, the same request goes to the alternate deployment too; the first answer wins
 * and the other attempt is cancelled. Both attempts are recorded, so both costs are counted. A
 * hedge spends the workload's retry budget, so hedging cannot double traffic in an outage.
 */
export async function raceWithHedge<T>(
  context: AttemptContext & { budget: RetryBudget },
  primary: DeploymentTarget,
  alternate: DeploymentTarget | undefined,
  kind: AttemptKind<T>,
): Promise<HedgeOutcome<T>> {
  const policy = context.settings.hedge;
  if (!policy.enabled || !alternate) return { kind: 'not-hedged' };
  const primaryState = context.state.health.get(primary.deployment.id);
  const delay = hedgeDelayMs(policy, primaryState.health.latencyHistory(kind.kind === 'stream' ? 'time-to-first-token' : 'latency'));
  if (delay === undefined) return { kind: 'not-hedged' };
  const primaryPermit = primaryState.breaker.tryAcquire();
  if (!primaryPermit.allowed) {
    primaryState.breaker.release(primaryPermit);
    return { kind: 'not-hedged' };
  }

  const cancelPrimary = new AbortController();
  const cancelHedge = new AbortController();
  const first = settle(runAttempt(context, primary, primaryPermit, kind, { retry: 0, hedge: false, cancel: cancelPrimary.signal }));
  let timer: NodeJS.Timeout | undefined;
  const fired = new Promise<'fired'>((resolve) => {
    timer = setTimeout(() => resolve('fired'), delay);
  });
  const early = await Promise.race([first, fired]);
  clearTimeout(timer);
  if (early !== 'fired') {
    return early.ok ? { kind: 'answered', value: early.value, target: primary } : { kind: 'primary-failed', error: early.error as GatewayError };
  }

  const alternateState = context.state.health.get(alternate.deployment.id);
  // The breaker first: a hedge it refuses must not spend a retry token.
  const hedgePermit = alternateState.breaker.tryAcquire();
  if (!hedgePermit.allowed || !context.budget.tryAcquireRetry()) {
    alternateState.breaker.release(hedgePermit);
    const outcome = await first;
    return outcome.ok ? { kind: 'answered', value: outcome.value, target: primary } : { kind: 'primary-failed', error: outcome.error as GatewayError };
  }
  const second = settle(runAttempt(context, alternate, hedgePermit, kind, { retry: 0, hedge: true, cancel: cancelHedge.signal }));

  const contenders = [
    { outcome: first, target: primary, cancel: cancelPrimary },
    { outcome: second, target: alternate, cancel: cancelHedge },
  ];
  const winner = await Promise.race(contenders.map(async (contender) => ({ contender, settled: await contender.outcome })));
  const other = contenders.find((contender) => contender !== winner.contender)!;
  if (winner.settled.ok) {
    abandon(other);
    return { kind: 'answered', value: winner.settled.value, target: winner.contender.target };
  }
  const rest = await other.outcome;
  if (rest.ok) return { kind: 'answered', value: rest.value, target: other.target };
  return { kind: 'failed', error: rest.error as GatewayError, usedAlternate: true };
}

function settle<T>(promise: Promise<T | StreamOpening>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/** Cancels the losing attempt; if it had already answered too, its stream is closed. */
function abandon<T>(loser: { outcome: Promise<Settled<T>>; cancel: AbortController }): void {
  loser.cancel.abort(new AttemptCancelledError('hedge-lost'));
  void loser.outcome.then((settled) => {
    if (settled.ok && isStreamOpening(settled.value)) settled.value.events.cancel(new AttemptCancelledError('hedge-lost')).catch(() => undefined);
  });
}

function isStreamOpening(value: unknown): value is StreamOpening {
  return typeof value === 'object' && value !== null && 'events' in value;
}
