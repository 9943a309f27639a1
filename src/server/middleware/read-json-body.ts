import type { IncomingMessage } from 'node:http';
import { InvalidRequestError, PayloadTooLargeError } from '../../spec/errors.js';
import { invalidJsonError } from '../openai-wire/openai-error-body.js';
import { requestHeader, type ApiExchange } from '../request-context.js';

/**
 * Reads and parses a JSON request body, refusing it as soon as it passes `limitBytes` (checked
 * against Content-Length first, then while reading). Reads the node stream directly when running
 * on node, which avoids building a web Request for every call.
 */
export async function readJsonBody(exchange: ApiExchange, limitBytes: number): Promise<unknown> {
  const declared = Number(requestHeader(exchange, 'content-length') ?? Number.NaN);
  if (declared > limitBytes) throw new PayloadTooLargeError(limitBytes);
  const contentType = requestHeader(exchange, 'content-type');
  if (contentType !== undefined && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType)) {
    throw new InvalidRequestError(`Content-Type must be application/json, got '${contentType}'.`, { code: 'unsupported_media_type' });
  }
  let text: string;
  if (exchange.incoming) {
    text = await readIncoming(exchange.incoming, limitBytes);
  } else {
    text = await exchange.context.req.text();
    if (Buffer.byteLength(text) > limitBytes) throw new PayloadTooLargeError(limitBytes);
  }
  if (text.trim() === '') throw new InvalidRequestError('Request body is empty; expected a JSON object.', { code: 'invalid_json' });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw invalidJsonError(error);
  }
  // Nesting needs two bytes a level, so a small body cannot be deep enough to matter.
  if (text.length > 2 * MAX_NESTING) assertNestingWithin(body, MAX_NESTING);
  return body;
}

/**
 * How deep a request body may nest. Every later step (validation, token counting, the upstream
 * request's JSON) walks it recursively, and a body nested thousands of levels deep (a tool schema,
 * say) would overflow the stack there: a 500 for what is bad input.
 */
export const MAX_NESTING = 256;

/** Throws a 400 when `value` nests deeper than `limit` arrays/objects; iterative, so it cannot overflow itself. */
function assertNestingWithin(value: unknown, limit: number): void {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.value === null || typeof next.value !== 'object') continue;
    if (next.depth >= limit) throw new InvalidRequestError(`Request body nests more than ${limit} levels deep.`, { code: 'invalid_json' });
    for (const child of Array.isArray(next.value) ? next.value : Object.values(next.value)) {
      if (child !== null && typeof child === 'object') pending.push({ value: child, depth: next.depth + 1 });
    }
  }
}

/** Collects the body with plain listeners (cheaper than an async iterator), stopping at the limit. */
function readIncoming(incoming: IncomingMessage, limitBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        cleanup();
        incoming.resume();
        reject(new PayloadTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
  });
}
