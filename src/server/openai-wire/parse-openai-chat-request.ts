import { isJsonRecord } from '../../spec/is-json-record.js';
import { parseWireRequest } from '../parse-wire-request.js';
import { hasOnlyCheckedFields, isBoolean, isNonEmptyString, isPositiveInteger, isString, nullable, numberBetween, type FieldCheck } from '../wire-field-checks.js';
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

/** Top-level fields the fast path knows, each with the schema's rule for it. */
const FIELDS: ReadonlyMap<string, FieldCheck> = new Map([
  ['model', isNonEmptyString],
  ['messages', isTextMessages],
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

const REQUIRED = ['model', 'messages'];

function isPlainChatRequest(body: unknown): body is OpenAIChatRequest {
  return isJsonRecord(body) && hasOnlyCheckedFields(body, FIELDS, REQUIRED);
}

/** At least one message, each `{ role, content: string, name?: string }` with a role that takes text. */
function isTextMessages(value: unknown): boolean {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (const message of value) {
    if (!isJsonRecord(message) || !TEXT_ROLES.has(message['role']) || typeof message['content'] !== 'string') return false;
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
  if (!isJsonRecord(value)) return false;
  for (const key in value) {
    if (key !== 'include_usage' || !Object.hasOwn(value, key) || typeof value[key] !== 'boolean') return false;
  }
  return true;
}
