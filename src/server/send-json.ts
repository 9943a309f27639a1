import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context } from 'hono';
import type { GatewayEnv } from './gateway-context.js';

/**
 * Answers with a JSON body. On node it writes the status, headers and body straight to the
 * response: Hono's `context.json` with more than one header builds a web `Headers` (each entry
 * validated and normalised) and a `Response`, which the node adapter then converts back into a
 * plain header object — per request, on the hottest path. Elsewhere (in-process `app.request`) it
 * is `context.json`. `headers` is the caller's own object and gains the content headers. The
 * request's wait clock, if it has one, is finished once the body is handed to the socket.
 */
export function sendJson(context: Context<GatewayEnv>, body: unknown, status: number, headers: Record<string, string>): Response {
  const outgoing = context.env?.outgoing;
  if (!outgoing) return context.json(body, status as 200, headers);
  const text = JSON.stringify(body);
  headers['content-type'] = 'application/json';
  headers['content-length'] = String(Buffer.byteLength(text));
  outgoing.writeHead(status, headers);
  outgoing.end(text);
  context.get('waitClock')?.finish();
  return RESPONSE_ALREADY_SENT;
}
