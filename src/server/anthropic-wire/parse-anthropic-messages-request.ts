import { merged } from '../../spec/merged.js';
import { parseWireRequest } from '../parse-wire-request.js';
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
  if (isPlainObject(body)) {
    const messages = plainMessages(body);
    if (messages) return merged(body, { messages }) as AnthropicMessagesRequestBody;
  }
  return parseWireRequest(anthropicMessagesRequestSchema, body);
}

type Check = (value: unknown) => boolean;

const isString: Check = (value) => typeof value === 'string';
const isBoolean: Check = (value) => typeof value === 'boolean';
const numberBetween =
  (low: number, high: number): Check =>
  (value) =>
    typeof value === 'number' && value >= low && value <= high;
// zod's `.int()` accepts safe integers only.
const isPositiveInteger: Check = (value) => Number.isSafeInteger(value) && (value as number) >= 1;
const isStringArray: Check = (value) => Array.isArray(value) && value.every(isString);

/** Top-level fields the fast path knows besides `model` and `messages`, each with the schema's rule. */
const SCALAR_FIELDS: ReadonlyMap<string, Check> = new Map([
  ['max_tokens', isPositiveInteger],
  ['system', isString],
  ['temperature', numberBetween(0, 1)],
  ['top_p', numberBetween(0, 1)],
  ['top_k', isPositiveInteger],
  ['stop_sequences', isStringArray],
  ['stream', isBoolean],
  ['metadata', isPlainMetadata],
]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body's messages, normalised as the schema would, when the whole body is plain; else undefined. */
function plainMessages(body: Record<string, unknown>): AnthropicInboundMessage[] | undefined {
  let messages: AnthropicInboundMessage[] | undefined;
  let sawModel = false;
  let sawMaxTokens = false;
  for (const key in body) {
    if (!Object.hasOwn(body, key)) return undefined;
    const value = body[key];
    if (key === 'model') {
      if (typeof value !== 'string' || value === '') return undefined;
      sawModel = true;
    } else if (key === 'messages') {
      messages = textMessages(value);
      if (!messages) return undefined;
    } else {
      const check = SCALAR_FIELDS.get(key);
      if (check === undefined || !check(value)) return undefined;
      if (key === 'max_tokens') sawMaxTokens = true;
    }
  }
  return sawModel && sawMaxTokens ? messages : undefined;
}

/** At least one `{ role, content }` of text: a string (made one text block) or `{ type: 'text', text }` blocks. */
function textMessages(value: unknown): AnthropicInboundMessage[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const messages: AnthropicInboundMessage[] = [];
  for (const message of value as unknown[]) {
    if (!isPlainObject(message) || !hasOnlyKeys(message, MESSAGE_KEYS)) return undefined;
    const { role, content } = message;
    if (role !== 'user' && role !== 'assistant') return undefined;
    if (typeof content === 'string') {
      messages.push({ role, content: [{ type: 'text', text: content }] });
    } else if (Array.isArray(content) && content.every(isPlainTextBlock)) {
      messages.push(message as AnthropicInboundMessage);
    } else {
      return undefined;
    }
  }
  return messages;
}

/** `{ type: 'text', text }` and nothing else (a block with more is the schema's to strip or check). */
function isPlainTextBlock(block: unknown): boolean {
  return isPlainObject(block) && block['type'] === 'text' && typeof block['text'] === 'string' && hasOnlyKeys(block, TEXT_BLOCK_KEYS);
}

function isPlainMetadata(value: unknown): boolean {
  if (!isPlainObject(value) || !hasOnlyKeys(value, METADATA_KEYS)) return false;
  const userId = value['user_id'];
  return userId === undefined || userId === null || typeof userId === 'string';
}

const MESSAGE_KEYS: ReadonlySet<string> = new Set(['role', 'content']);
const TEXT_BLOCK_KEYS: ReadonlySet<string> = new Set(['type', 'text']);
const METADATA_KEYS: ReadonlySet<string> = new Set(['user_id']);

/** Every own key is one of `keys`, and there are no inherited enumerable ones. */
function hasOnlyKeys(value: Record<string, unknown>, keys: ReadonlySet<string>): boolean {
  for (const key in value) {
    if (!Object.hasOwn(value, key) || !keys.has(key)) return false;
  }
  return true;
}
