import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'hono';
import { RequestAbortController } from '../core/pipeline/request-signal.js';
import { newRequestId } from '../core/telemetry/request-id.js';
import { DeadlineExceededError } from '../spec/errors.js';
import { REQUEST_ID_HEADER, type GatewayEnv } from './gateway-context.js';
import { WaitClock } from '../spec/wait-clock.js';

/**
 * One HTTP request and its answer, as the gateway's handlers read and write them. Served by node
 * (the API's own listener, or Hono's node adapter), it holds node's request and response, which
 * the handlers use directly: no web `Request`, `Headers` or `Response` per call. Served in-process
 * (`app.request`, the dashboard's forwarding), it holds Hono's context instead.
 */
export type ApiExchange = NodeApiExchange | FetchApiExchange;

interface ExchangeBase {
  readonly requestId: string;
  /** `performance.now()` when the gateway first saw the request. */
  readonly startedAt: number;
  /** The URL's path, without its query. */
  readonly path: string;
  /** What the request waited on outside the gateway: made on first use (`requestWaitClock`), finished when the answer is out. */
  waitClock?: WaitClock;
}

export interface NodeApiExchange extends ExchangeBase {
  readonly incoming: IncomingMessage;
  readonly outgoing: ServerResponse;
  readonly context?: undefined;
}

export interface FetchApiExchange extends ExchangeBase {
  readonly incoming?: undefined;
  readonly outgoing?: undefined;
  readonly context: Context<GatewayEnv>;
}

/** The request id a client sent in `x-request-id`, if it is a sane one, or a new one. */
export function requestIdFrom(sent: string | string[] | undefined): string {
  return typeof sent === 'string' && /^[\w.:-]{1,128}$/.test(sent) ? sent : newRequestId();
}

/** The exchange of a request served by node, outside Hono. */
export function nodeExchange(incoming: IncomingMessage, outgoing: ServerResponse, path: string): NodeApiExchange {
  return { incoming, outgoing, path, requestId: requestIdFrom(incoming.headers[REQUEST_ID_HEADER]), startedAt: performance.now(), waitClock: undefined };
}

/** The exchange of a request Hono routed (the gateway app's middleware sets the request id and start time). */
export function exchangeOf(context: Context<GatewayEnv>): ApiExchange {
  // A sub-app mounted on its own (in tests) has no such middleware.
  const requestId = (context.get('requestId') as string | undefined) ?? newRequestId();
  const startedAt = (context.get('startedAt') as number | undefined) ?? performance.now();
  const path = context.req.path;
  const incoming = context.env?.incoming;
  const outgoing = context.env?.outgoing;
  if (incoming && outgoing) return { incoming, outgoing, requestId, startedAt, path, waitClock: undefined };
  return { context, requestId, startedAt, path, waitClock: undefined };
}

/** Reads a request header (lower-case name); repeated headers are joined with ", ". */
export function requestHeader(exchange: ApiExchange, name: string): string | undefined {
  if (exchange.incoming) {
    const value = exchange.incoming.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }
  return exchange.context.req.header(name);
}

/** Every request header, lower-cased. */
export function requestHeaders(exchange: ApiExchange): Readonly<Record<string, string | undefined>> {
  if (exchange.incoming) {
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(exchange.incoming.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    return headers;
  }
  return exchange.context.req.header();
}

/** The client's address, where node knows it. */
export function remoteAddress(exchange: ApiExchange): string | undefined {
  return (exchange.incoming ?? exchange.context.env?.incoming)?.socket.remoteAddress;
}

/**
 * A signal that aborts when the client goes away before the response is complete, or when the
 * request's deadline passes. On node it listens to the response directly (a web Request's
 * `signal` would mean materialising one for every call), and the deadline timer is cleared as
 * soon as the response is done.
 */
export function requestAbortSignal(exchange: ApiExchange, deadlineMs?: number): AbortSignal {
  const outgoing = exchange.outgoing;
  if (!outgoing) {
    const clientSignal = exchange.context.req.raw.signal;
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

/**
 * The request's wait clock, made on first use: the routes hand it to the pipeline (and through the
 * call to the adapters), and `sendJson`/`sendSse` finish it when the answer is out.
 */
export function requestWaitClock(exchange: ApiExchange): WaitClock {
  return (exchange.waitClock ??= new WaitClock());
}
