import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { ApiExchange } from './request-context.js';

/**
 * Answers with a JSON body. On node it writes the status, headers and body straight to the
 * response: Hono's `context.json` with more than one header builds a web `Headers` (each entry
 * validated and normalised) and a `Response`, which the node adapter then converts back into a
 * plain header object — per request, on the hottest path. In-process it is `context.json`.
 * `headers` is the caller's own object and gains the content headers. The request's wait clock,
 * if it has one, is finished once the body is handed to the socket.
 */
export function sendJson(exchange: ApiExchange, body: unknown, status: number, headers: Record<string, string>): Response {
  const response = writeJson(exchange, body, status, headers);
  exchange.waitClock?.finish();
  return response;
}

/**
 * Answers a failed request with its error body, as `sendJson` does but leaving the wait clock
 * unfinished: the gateway's own time (`switchyard_gateway_overhead_seconds`) is measured on
 * answered requests only.
 */
export function sendJsonError(exchange: ApiExchange, body: unknown, status: number, headers: Record<string, string>): Response {
  return writeJson(exchange, body, status, headers);
}

function writeJson(exchange: ApiExchange, body: unknown, status: number, headers: Record<string, string>): Response {
  const outgoing = exchange.outgoing;
  if (!outgoing) return exchange.context.json(body, status as 200, headers);
  const text = JSON.stringify(body);
  headers['content-type'] = 'application/json';
  headers['content-length'] = String(Buffer.byteLength(text));
  outgoing.writeHead(status, headers);
  outgoing.end(text);
  return RESPONSE_ALREADY_SENT;
}
