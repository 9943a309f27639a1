import type { Context } from 'hono';
import { RequestAbortController } from '../core/pipeline/request-signal.js';
import { DeadlineExceededError } from '../spec/errors.js';
import type { GatewayEnv } from './gateway-context.js';
import { WaitClock } from '../spec/wait-clock.js';

/**
 * Reads a request header. On node it reads the raw IncomingMessage, which avoids building a web
 * Headers object for every request; elsewhere (tests with `app.request`) it uses Hono's request.
 */
export function requestHeader(context: Context<GatewayEnv>, name: string): string | undefined {
  const incoming = context.env?.incoming;
  if (incoming) {
    const value = incoming.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }
  return context.req.header(name);
}

/**
 * A signal that aborts when the client goes away before the response is complete, or when the
 * request's deadline passes. On node it listens to the socket directly (asking Hono's request for
 * its `signal` would materialise a full web Request for every call), and the deadline timer is
 * cleared as soon as the response is done.
 */
export function requestAbortSignal(context: Context<GatewayEnv>, deadlineMs?: number): AbortSignal {
  const outgoing = context.env?.outgoing;
  if (!outgoing) {
    const clientSignal = context.req.raw.signal;
    return deadlineMs === undefined ? clientSignal : AbortSignal.any([clientSignal, deadlineSignal(deadlineMs)]);
  }
  // Not node's AbortController: see RequestSignal (one per request, and node's outlive young GCs).
  const controller = new RequestAbortController();
  let timer: NodeJS.Timeout | undefined;
  if (deadlineMs !== undefined) {
    timer = setTimeout(() => controller.abort(deadlineError(deadlineMs)), deadlineMs);
    timer.unref?.();
  }
  outgoing.once('close', () => {
    if (timer !== undefined) clearTimeout(timer);
    if (!outgoing.writableFinished) controller.abort(new Error('client disconnected'));
  });
  return controller.signal;
}

function deadlineError(deadlineMs: number): DeadlineExceededError {
  return new DeadlineExceededError(`The request exceeded its deadline of ${deadlineMs} ms.`);
}

function deadlineSignal(deadlineMs: number): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(deadlineError(deadlineMs)), deadlineMs).unref?.();
  return controller.signal;
}

/** Every request header, lower-cased (on node, the IncomingMessage's own object; no copy). */
export function requestHeaders(context: Context<GatewayEnv>): Readonly<Record<string, string | undefined>> {
  const incoming = context.env?.incoming;
  if (incoming) {
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(incoming.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    return headers;
  }
  return context.req.header();
}

/**
 * The request's wait clock, made on first use: the routes hand it to the pipeline (and through the
 * call to the adapters), and `sendJson`/`sendSse` finish it when the answer is out.
 */
export function requestWaitClock(context: Context<GatewayEnv>): WaitClock {
  let clock = context.get('waitClock');
  if (clock === undefined) {
    clock = new WaitClock();
    context.set('waitClock', clock);
  }
  return clock;
}
