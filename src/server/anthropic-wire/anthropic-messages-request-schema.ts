import { z } from 'zod';

/**
 * The inbound Messages API request, as Anthropic documents it. The top level is strict, so a
 * misspelt or unsupported parameter is reported by name instead of silently ignored; content
 * blocks accept extra fields, because SDKs send back whole response blocks (`citations: null`, …).
 * @see https://docs.anthropic.com/en/api/messages
 */
const cacheControl = z.object({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).optional() });

const textBlock = z.object({ type: z.literal('text'), text: z.string(), cache_control: cacheControl.nullish() });

/** @see https://docs.anthropic.com/en/docs/build-with-claude/vision */
const imageBlock = z.object({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [
    z.object({ type: z.literal('base64'), media_type: z.string().min(1), data: z.string() }),
    z.object({ type: z.literal('url'), url: z.string().min(1) }),
  ]),
  cache_control: cacheControl.nullish(),
});

const toolUseBlock = z.object({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControl.nullish(),
});

/** @see https://docs.anthropic.com/en/docs/build-with-claude/tool-use/implement-tool-use#handling-tool-use-and-tool-result-content-blocks */
const toolResultBlock = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(textBlock)]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl.nullish(),
});

/** @see https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking */
const thinkingBlock = z.object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().optional() });
const redactedThinkingBlock = z.object({ type: z.literal('redacted_thinking'), data: z.string() });

const userContentBlock = z.discriminatedUnion('type', [textBlock, imageBlock, toolResultBlock]);
const assistantContentBlock = z.discriminatedUnion('type', [textBlock, toolUseBlock, thinkingBlock, redactedThinkingBlock]);

/**
 * String content is shorthand for one text block. Normalising it before validation (rather than
 * a string-or-array union) lets an error name the exact block and field at fault.
 */
function blocksOrText<T extends z.ZodType>(block: T) {
  return z.preprocess((value) => (typeof value === 'string' ? [{ type: 'text', text: value }] : value), z.array(block));
}

export const anthropicInboundMessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('user'), content: blocksOrText(userContentBlock) }),
  z.object({ role: z.literal('assistant'), content: blocksOrText(assistantContentBlock) }),
]);

const toolDefinition = z.object({
  name: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1-128 letters, digits, underscores or dashes'),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()),
  cache_control: cacheControl.nullish(),
  // Server tools (`web_search_20250305`, …) have a type; custom tools may send `custom` or nothing.
  type: z.literal('custom').optional(),
});

/** @see https://docs.anthropic.com/en/api/messages#body-tool-choice */
const toolChoice = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('tool'), name: z.string().min(1), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('none') }),
]);

const thinkingConfig = z.discriminatedUnion('type', [
  z.object({ type: z.literal('enabled'), budget_tokens: z.number().int().min(1) }),
  z.object({ type: z.literal('disabled') }),
  z.object({ type: z.literal('adaptive') }),
]);

export const anthropicMessagesRequestSchema = z
  .object({
    model: z.string().min(1, 'must not be empty'),
    messages: z.array(anthropicInboundMessageSchema).min(1, 'must contain at least one message'),
    max_tokens: z.number().int().min(1),
    system: z.union([z.string(), z.array(textBlock)]).optional(),
    temperature: z.number().min(0).max(1).optional(),
    top_p: z.number().min(0).max(1).optional(),
    top_k: z.number().int().min(1).optional(),
    stop_sequences: z.array(z.string()).optional(),
    stream: z.boolean().optional(),
    tools: z.array(toolDefinition).optional(),
    tool_choice: toolChoice.optional(),
    metadata: z.object({ user_id: z.string().nullish() }).optional(),
    thinking: thinkingConfig.optional(),
    /** Structured output: `format` becomes a JSON-schema response format. */
    output_config: z
      .object({
        format: z.object({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) }).nullish(),
        effort: z.string().nullish(),
      })
      .optional(),
    service_tier: z.enum(['auto', 'standard_only']).optional(),
  })
  .strict();

export type AnthropicMessagesRequestBody = z.infer<typeof anthropicMessagesRequestSchema>;
export type AnthropicInboundMessage = z.infer<typeof anthropicInboundMessageSchema>;
export type AnthropicInboundCacheControl = z.infer<typeof cacheControl>;
