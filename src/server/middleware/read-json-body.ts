import type { Context } from 'hono';
import { InvalidRequestError, PayloadTooLargeError } from '../../spec/errors.js';
import type { GatewayEnv } from '../gateway-context.js';
import { invalidJsonError } from '../openai-wire/openai-error-body.js';

/**
 * Reads and parses a JSON request body, refusing it as soon as it passes `limitBytes` (checked
 * against Content-Length first, then while reading). Reads the node stream directly when running
 * on node, which avoids building a web Request for every call.
 */
export async function readJsonBody(context: Context<GatewayEnv>, limitBytes: number): Promise<unknown> {
  const declared = Number(context.req.header('content-length') ?? Number.NaN);
  if (declared > limitBytes) throw new PayloadTooLargeError(limitBytes);
  const contentType = context.req.header('content-type');
  if (contentType !== undefined && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType)) {
    throw new InvalidRequestError(`Content-Type must be application/json, got '${contentType}'.`, { code: 'unsupported_media_type' });
  }
  let text: string;
  const incoming = context.env?.incoming;
  if (incoming) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of incoming) {
      size += (chunk as Buffer).length;
      if (size > limitBytes) throw new PayloadTooLargeError(limitBytes);
      chunks.push(chunk as Buffer);
    }
    text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
  } else {
    text = await context.req.text();
    if (Buffer.byteLength(text) > limitBytes) throw new PayloadTooLargeError(limitBytes);
  }
  if (text.trim() === '') throw new InvalidRequestError('Request body is empty; expected a JSON object.', { code: 'invalid_json' });
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidJsonError(error);
  }
}
