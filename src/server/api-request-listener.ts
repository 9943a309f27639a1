import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { REQUEST_ID_HEADER } from './gateway-context.js';
import { toOpenAIErrorResponse, type ErrorResponse } from './openai-wire/openai-error-body.js';
import { nodeExchange, type ApiExchange } from './request-context.js';
import { sendJsonError } from './send-json.js';
import { merged } from '../spec/merged.js';

/** An API endpoint's handler: answers on the exchange's response (on node) or returns the answer (in-process). */
export type ApiHandler = (exchange: ApiExchange) => Promise<Response>;

/**
 * Node's listener for the API's POST endpoints, ahead of Hono: answers a POST to one of `routes`
 * (exact path; any query is ignored, as Hono's router does) and returns true, or returns false and
 * leaves the request to the app. The API handlers write to node's response themselves, so going
 * through Hono there bought routing and a context per request and nothing else: its node adapter
 * builds a request wrapper, three listeners and a promise chain per call, and Hono a context and a
 * middleware chain — ~6 KB of young garbage and ~3% of the CPU of a request. A handler's error is
 * answered as the app's error handler does: the OpenAI error body with the request id, logged when
 * it is the gateway's fault.
 */
export function createApiRequestListener(
  routes: ReadonlyMap<string, ApiHandler>,
  logger: Logger,
): (incoming: IncomingMessage, outgoing: ServerResponse) => boolean {
  return (incoming, outgoing) => {
    if (incoming.method !== 'POST') return false;
    const url = incoming.url ?? '';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const handler = routes.get(path);
    if (handler === undefined) return false;
    const exchange = nodeExchange(incoming, outgoing, path);
    handler(exchange).catch((error: unknown) => answerError(exchange, error, logger));
    return true;
  };
}

/**
 * A failed request's answer: the OpenAI error body, its status and headers with the request id.
 * An error that is the gateway's fault (5xx) is logged with the request id and path. Shared with the
 * app's error handler.
 */
export function openAIErrorAnswer(error: unknown, requestId: string, path: string, logger: Logger): ErrorResponse {
  const response = toOpenAIErrorResponse(error);
  if (response.status >= 500) logger.error({ err: error, requestId, path }, 'request failed');
  return merged(response, { headers: merged(response.headers, { [REQUEST_ID_HEADER]: requestId }) });
}

function answerError(exchange: ApiExchange, error: unknown, logger: Logger): void {
  const response = openAIErrorAnswer(error, exchange.requestId, exchange.path, logger);
  const outgoing = exchange.outgoing;
  // An answer already under way cannot become an error body; cutting it short is the only signal left.
  if (outgoing?.headersSent) {
    outgoing.destroy();
    return;
  }
  try {
    sendJsonError(exchange, response.body, response.status, response.headers);
  } catch (sendError) {
    logger.error({ err: sendError, requestId: exchange.requestId }, 'error answer failed');
    outgoing?.destroy();
  }
}
