import { merged } from '../../spec/merged.js';
import { isJsonRecord } from '../../spec/is-json-record.js';
import { parseWireRequest } from '../parse-wire-request.js';
import { hasOnlyCheckedFields, hasOnlyKeys, isBoolean, isNonEmptyString, isPositiveInteger, isString, numberBetween, type FieldCheck } from '../wire-field-checks.js';
import { anthropicMessagesRequestSchema, type AnthropicInboundMessage, type AnthropicMessagesRequestBody } from './anthropic-messages-request-schema.js';

/**
 * Validates an inbound Messages API body. Most requests are plain: text messages (a string or text
 * blocks), a string system prompt and a few scalar settings. Those are checked by hand and only their
 * string contents are normalised to text blocks, as the schema's preprocess does; everything else,
 * and anything the hand check is not sure of, goes to the schema, which alone decides what is
 * rejected and how the error reads. Both give the same result (the tests hold the fast path to the
 * schema's output for every body one field away from a plain one).
 */
export function parseAnthropicMessagesRequest(body: unknown): AnthropicMessagesRequestBody {
  if (isJsonRecord(body) && hasOnlyCheckedFields(body, FIELDS, REQUIRED)) {
    return merged(body, { messages: (body['messages'] as PlainMessage[]).map(asTextBlocks) }) as AnthropicMessagesRequestBody;
  }
  return parseWireRequest(anthropicMessagesRequestSchema, body);
}

/** Top-level fields the fast path knows, each with the schema's rule for it. */
const FIELDS: ReadonlyMap<string, FieldCheck> = new Map([
  ['model', isNonEmptyString],
  ['messages', isTextMessages],
  ['max_tokens', isPositiveInteger],
  ['system', isString],
  ['temperature', numberBetween(0, 1)],
  ['top_p', numberBetween(0, 1)],
  ['top_k', isPositiveInteger],
  ['stop_sequences', (value) => Array.isArray(value) && value.every(isString)],
  ['stream', isBoolean],
  ['metadata', isPlainMetadata],
]);

const REQUIRED = ['model', 'messages', 'max_tokens'];

const MESSAGE_KEYS: ReadonlySet<string> = new Set(['role', 'content']);
const TEXT_BLOCK_KEYS: ReadonlySet<string> = new Set(['type', 'text']);
const METADATA_KEYS: ReadonlySet<string> = new Set(['user_id']);

/** A message the fast path took: its content a string or plain text blocks. */
type PlainMessage = { role: 'user' | 'assistant'; content: string | Array<{ type: 'text'; text: string }> };

/** String content as one text block, as the schema's preprocess makes it. */
function asTextBlocks(message: PlainMessage): AnthropicInboundMessage {
  return typeof message.content === 'string' ? { role: message.role, content: [{ type: 'text', text: message.content }] } : (message as AnthropicInboundMessage);
}

/** At least one `{ role, content }` of text: a string, or `{ type: 'text', text }` blocks. */
function isTextMessages(value: unknown): boolean {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (const message of value as unknown[]) {
    if (!isJsonRecord(message) || !hasOnlyKeys(message, MESSAGE_KEYS)) return false;
    const { role, content } = message;
    if (role !== 'user' && role !== 'assistant') return false;
    if (typeof content !== 'string' && !(Array.isArray(content) && content.every(isPlainTextBlock))) return false;
  }
  return true;
}

/** `{ type: 'text', text }` and nothing else (a block with more is the schema's to strip or check). */
function isPlainTextBlock(block: unknown): boolean {
  return isJsonRecord(block) && block['type'] === 'text' && typeof block['text'] === 'string' && hasOnlyKeys(block, TEXT_BLOCK_KEYS);
}

function isPlainMetadata(value: unknown): boolean {
  if (!isJsonRecord(value) || !hasOnlyKeys(value, METADATA_KEYS)) return false;
  const userId = value['user_id'];
  return userId === undefined || userId === null || typeof userId === 'string';
}
