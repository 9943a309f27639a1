import type { Context } from 'hono';
import type { GatewayEnv } from './gateway-context.js';

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
 * A signal that aborts when the client goes away before the response is complete. On node it
 * listens to the socket directly: asking Hono's request for its `signal` would materialise a full
 * web Request (headers, body stream, two signals) for every call.
 */
export function clientAbortSignal(context: Context<GatewayEnv>): AbortSignal {
  const outgoing = context.env?.outgoing;
  if (!outgoing) return context.req.raw.signal;
  const controller = new AbortController();
  outgoing.once('close', () => {
    if (!outgoing.writableFinished) controller.abort(new Error('client disconnected'));
  });
  return controller.signal;
}
