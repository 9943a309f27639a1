import { z } from 'zod';
import { isJsonRecord, isNullishString, isRecordOfNullishNumbers } from '../../provider-utils/json-shape-checks.js';

/**
 * Loose wire schemas for the Anthropic Messages API: only the fields we read. Unknown content
 * block and delta types (server tools, citations, …) validate through a catch-all branch so that
 * new API features do not break old gateways.
 * @see https://docs.anthropic.com/en/api/messages
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */

/** Usage is kept loose (`looseObject`) so `Usage.raw` holds everything Anthropic reported. */
export const anthropicUsageSchema = z.looseObject({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
});

export type AnthropicUsage = z.infer<typeof anthropicUsageSchema>;

/**
 * A block or delta type we do not read. Known types are refused here, so a malformed known block
 * fails validation instead of slipping through as "unknown".
 */
const KNOWN_TYPES = new Set(['text', 'tool_use', 'thinking', 'text_delta', 'input_json_delta', 'thinking_delta', 'signature_delta']);
const otherBlockSchema = z.object({
  type: z.string().refine((type) => !KNOWN_TYPES.has(type), { message: 'malformed content block' }),
});

const responseContentBlockSchema = z.union([
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
  z.object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().nullish() }),
  otherBlockSchema,
]);

export const anthropicMessagesResponseSchema = z.object({
  id: z.string().nullish(),
  model: z.string().nullish(),
  content: z.array(responseContentBlockSchema),
  stop_reason: z.string().nullish(),
  usage: anthropicUsageSchema,
});

export type AnthropicMessagesResponse = z.infer<typeof anthropicMessagesResponseSchema>;

/** `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`, as a body or an SSE event. */
export const anthropicErrorBodySchema = z.object({
  type: z.literal('error').optional(),
  error: z.object({ type: z.string().nullish(), message: z.string().nullish() }),
});

export type AnthropicErrorBody = z.infer<typeof anthropicErrorBodySchema>;

const streamContentBlockSchema = z.union([
  z.object({ type: z.literal('text'), text: z.string().nullish() }),
  z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string() }),
  z.object({ type: z.literal('thinking'), thinking: z.string().nullish() }),
  otherBlockSchema,
]);

const streamDeltaSchema = z.union([
  z.object({ type: z.literal('text_delta'), text: z.string() }),
  z.object({ type: z.literal('input_json_delta'), partial_json: z.string() }),
  z.object({ type: z.literal('thinking_delta'), thinking: z.string() }),
  z.object({ type: z.literal('signature_delta'), signature: z.string() }),
  otherBlockSchema,
]);

/** The SSE event types we act on; any other `type` is skipped before validation. */
export const anthropicStreamChunkSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message_start'),
    message: z.object({ id: z.string().nullish(), model: z.string().nullish(), usage: anthropicUsageSchema.nullish() }),
  }),
  z.object({ type: z.literal('content_block_start'), index: z.number(), content_block: streamContentBlockSchema }),
  z.object({ type: z.literal('content_block_delta'), index: z.number(), delta: streamDeltaSchema }),
  z.object({ type: z.literal('content_block_stop'), index: z.number() }),
  z.object({
    type: z.literal('message_delta'),
    delta: z.object({ stop_reason: z.string().nullish() }),
    usage: anthropicUsageSchema.nullish(),
  }),
  z.object({ type: z.literal('message_stop') }),
  z.object({ type: z.literal('ping') }),
  z.object({ type: z.literal('error'), error: anthropicErrorBodySchema.shape.error }),
]);

export type AnthropicStreamChunk = z.infer<typeof anthropicStreamChunkSchema>;

export const ANTHROPIC_STREAM_EVENT_TYPES: ReadonlySet<string> = new Set(
  anthropicStreamChunkSchema.options.map((option) => option.shape.type.value),
);

/*
 * Hand checks for the shapes almost every answer and stream event has. What passes is used as parsed:
 * the schemas would walk it and copy every object in it, per request and per event. Each accepts
 * nothing its schema rejects (the tests hold them to it, field by field); anything else, and every
 * error message, is the schema's.
 */

const USAGE_FIELDS = ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens'] as const;

/** A text, tool-input or thinking delta of one content block: most of what a stream carries. */
export function isPlainAnthropicDelta(value: unknown): value is AnthropicStreamChunk {
  if (!isJsonRecord(value) || value.type !== 'content_block_delta' || typeof value.index !== 'number') return false;
  const delta = value.delta;
  if (!isJsonRecord(delta)) return false;
  switch (delta.type) {
    case 'text_delta':
      return typeof delta.text === 'string';
    case 'input_json_delta':
      return typeof delta.partial_json === 'string';
    case 'thinking_delta':
      return typeof delta.thinking === 'string';
    default:
      return false;
  }
}

/** An answer made of text, tool-use, thinking and unread blocks, with its usage. */
export function isPlainAnthropicResponse(value: unknown): value is AnthropicMessagesResponse {
  if (!isJsonRecord(value) || !isNullishString(value.id) || !isNullishString(value.model) || !isNullishString(value.stop_reason)) return false;
  if (!isRecordOfNullishNumbers(value.usage, USAGE_FIELDS) || !Array.isArray(value.content)) return false;
  for (const block of value.content as unknown[]) {
    if (!isJsonRecord(block)) return false;
    switch (block.type) {
      case 'text':
        if (typeof block.text !== 'string') return false;
        break;
      case 'tool_use':
        // The schema's `input: z.unknown()` still requires the key.
        if (typeof block.id !== 'string' || typeof block.name !== 'string' || !Object.hasOwn(block, 'input')) return false;
        break;
      case 'thinking':
        if (typeof block.thinking !== 'string' || !isNullishString(block.signature)) return false;
        break;
      default:
        // A block type we do not read (redacted thinking, server tools): the schema's catch-all rule.
        if (typeof block.type !== 'string' || KNOWN_TYPES.has(block.type)) return false;
    }
  }
  return true;
}

/* ----- Request wire types (we build them, so plain types suffice). ----- */

/** @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching */
export interface AnthropicCacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
}

export interface AnthropicTextBlock {
  type: 'text';
  text: string;
  cache_control?: AnthropicCacheControl;
}

export interface AnthropicImageBlock {
  type: 'image';
  source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
  cache_control?: AnthropicCacheControl;
}

export interface AnthropicToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: { [key: string]: unknown };
}

export interface AnthropicToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content: string;
  is_error?: boolean;
  cache_control?: AnthropicCacheControl;
}

export interface AnthropicThinkingBlock {
  type: 'thinking';
  thinking: string;
  signature: string;
}

export type AnthropicUserBlock = AnthropicTextBlock | AnthropicImageBlock | AnthropicToolResultBlock;
export type AnthropicAssistantBlock = AnthropicTextBlock | AnthropicToolUseBlock | AnthropicThinkingBlock;

export type AnthropicMessage =
  | { role: 'user'; content: AnthropicUserBlock[] }
  | { role: 'assistant'; content: AnthropicAssistantBlock[] };

export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: { [key: string]: unknown };
  cache_control?: AnthropicCacheControl;
}

/** @see https://docs.anthropic.com/en/api/messages#body-tool-choice */
export type AnthropicToolChoice =
  | { type: 'auto'; disable_parallel_tool_use?: boolean }
  | { type: 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

export interface AnthropicMessagesRequest {
  model: string;
  max_tokens: number;
  system?: AnthropicTextBlock[];
  messages: AnthropicMessage[];
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  metadata?: { user_id: string };
  thinking?: { type: 'enabled'; budget_tokens: number } | { type: 'disabled' };
  stream?: boolean;
}
