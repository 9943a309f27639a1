import { parseWireRequest } from '../parse-wire-request.js';
import { openAIChatRequestSchema, type OpenAIChatRequest } from './openai-chat-request-schema.js';

/**
 * Validates an inbound Chat Completions body. Most requests are plain chat: text messages and a few
 * scalar settings. Those are checked by hand, at a fraction of the cost of the zod schema's walk
 * (which took about 4% of the gateway's CPU per request, by an interleaved A/B of
 * `bench/overhead-ab.ts`); everything else, and anything the hand check is not sure of, goes to the
 * schema, which alone decides what is rejected and how the error reads. The fast path accepts only
 * bodies the schema accepts unchanged, so both give the same result.
 */
export function parseOpenAIChatRequest(body: unknown): OpenAIChatRequest {
  return isPlainChatRequest(body) ? body : parseWireRequest(openAIChatRequestSchema, body);
}

type Check = (value: unknown) => boolean;

const isString: Check = (value) => typeof value === 'string';
const isBoolean: Check = (value) => typeof value === 'boolean';
const nullable =
  (check: Check): Check =>
  (value) =>
    value === null || check(value);
const numberBetween =
  (low: number, high: number): Check =>
  (value) =>
    typeof value === 'number' && value >= low && value <= high;
// zod's `.int()` accepts safe integers only.
const isPositiveInteger: Check = (value) => Number.isSafeInteger(value) && (value as number) > 0;

/** Top-level fields the fast path knows, each with the schema's rule for it. */
const SCALAR_FIELDS: ReadonlyMap<string, Check> = new Map([
  ['stream', nullable(isBoolean)],
  ['max_tokens', nullable(isPositiveInteger)],
  ['max_completion_tokens', nullable(isPositiveInteger)],
  ['temperature', nullable(numberBetween(0, 2))],
  ['top_p', nullable(numberBetween(0, 1))],
  ['n', nullable(Number.isSafeInteger)],
  ['seed', nullable(Number.isSafeInteger)],
  ['user', nullable(isString)],
  ['stream_options', nullable(isStreamOptions)],
]);

const TEXT_ROLES: ReadonlySet<unknown> = new Set(['system', 'developer', 'user', 'assistant']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPlainChatRequest(body: unknown): body is OpenAIChatRequest {
  if (!isPlainObject(body)) return false;
  let sawModel = false;
  let sawMessages = false;
  for (const key in body) {
    if (!Object.hasOwn(body, key)) return false;
    const value = body[key];
    if (key === 'model') {
      if (typeof value !== 'string' || value === '') return false;
      sawModel = true;
    } else if (key === 'messages') {
      if (!isTextMessages(value)) return false;
      sawMessages = true;
    } else {
      const check = SCALAR_FIELDS.get(key);
      if (check === undefined || !check(value)) return false;
    }
  }
  return sawModel && sawMessages;
}

/** At least one message, each `{ role, content: string, name?: string }` with a role that takes text. */
function isTextMessages(value: unknown): boolean {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (const message of value) {
    if (!isPlainObject(message) || !TEXT_ROLES.has(message['role']) || typeof message['content'] !== 'string') return false;
    for (const key in message) {
      // Unknown message fields are stripped by the schema: leave those bodies to it.
      if (!Object.hasOwn(message, key)) return false;
      if (key === 'name') {
        if (typeof message[key] !== 'string') return false;
      } else if (key !== 'role' && key !== 'content') return false;
    }
  }
  return true;
}

function isStreamOptions(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  for (const key in value) {
    if (key !== 'include_usage' || !Object.hasOwn(value, key) || typeof value[key] !== 'boolean') return false;
  }
  return true;
}
