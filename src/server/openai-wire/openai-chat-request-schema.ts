import { z } from 'zod';

/**
 * The inbound Chat Completions request, as the OpenAI API documents it. The top level is strict,
 * so a misspelt or unsupported parameter is reported by name instead of silently ignored;
 * message objects accept extra fields, as SDKs add new optional ones often.
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
const textPart = z.object({ type: z.literal('text'), text: z.string() });
const imagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({ url: z.string(), detail: z.enum(['auto', 'low', 'high']).optional() }),
});
const refusalPart = z.object({ type: z.literal('refusal'), refusal: z.string() });

const textContent = z.union([z.string(), z.array(textPart)]);

const toolCall = z.object({
  id: z.string(),
  type: z.literal('function').optional(),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

export const openAIMessageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: textContent, name: z.string().optional() }),
  z.object({ role: z.literal('developer'), content: textContent, name: z.string().optional() }),
  z.object({
    role: z.literal('user'),
    content: z.union([
      z.string(),
      z.array(
        z.discriminatedUnion('type', [
          textPart,
          imagePart,
          z.object({ type: z.literal('input_audio') }).loose(),
          z.object({ type: z.literal('file') }).loose(),
        ]),
      ),
    ]),
    name: z.string().optional(),
  }),
  z.object({
    role: z.literal('assistant'),
    content: z.union([z.string(), z.array(z.union([textPart, refusalPart]))]).nullish(),
    tool_calls: z.array(toolCall).nullish(),
    reasoning_content: z.string().nullish(),
    refusal: z.string().nullish(),
    name: z.string().optional(),
  }),
  z.object({ role: z.literal('tool'), tool_call_id: z.string(), content: textContent }),
]);

const jsonObject = z.record(z.string(), z.unknown());

export const openAIChatRequestSchema = z
  .object({
    model: z.string().min(1, 'must not be empty'),
    messages: z.array(openAIMessageSchema).min(1, 'must contain at least one message'),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
    tools: z
      .array(
        z.object({
          type: z.literal('function'),
          function: z.object({
            name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, underscores or dashes'),
            description: z.string().optional(),
            parameters: jsonObject.optional(),
            strict: z.boolean().nullish(),
          }),
        }),
      )
      .nullish(),
    tool_choice: z
      .union([
        z.enum(['auto', 'none', 'required']),
        z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) }),
      ])
      .nullish(),
    parallel_tool_calls: z.boolean().nullish(),
    response_format: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('text') }),
        z.object({ type: z.literal('json_object') }),
        z.object({
          type: z.literal('json_schema'),
          json_schema: z.object({
            name: z.string(),
            description: z.string().optional(),
            schema: jsonObject.optional(),
            strict: z.boolean().nullish(),
          }),
        }),
      ])
      .nullish(),
    max_tokens: z.number().int().positive().nullish(),
    max_completion_tokens: z.number().int().positive().nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    top_k: z.number().int().positive().nullish(),
    n: z.number().int().nullish(),
    stop: z.union([z.string(), z.array(z.string()).max(4)], { message: 'expected a string or an array of at most 4 strings' }).nullish(),
    seed: z.number().int().nullish(),
    logprobs: z.boolean().nullish(),
    top_logprobs: z.number().int().min(0).max(20).nullish(),
    frequency_penalty: z.number().min(-2).max(2).nullish(),
    presence_penalty: z.number().min(-2).max(2).nullish(),
    user: z.string().nullish(),
    metadata: z.record(z.string(), z.string()).nullish(),
    store: z.boolean().nullish(),
    service_tier: z.string().nullish(),
    reasoning_effort: z.string().nullish(),
    logit_bias: z.record(z.string(), z.number()).nullish(),
  })
  .strict();

export type OpenAIChatRequest = z.infer<typeof openAIChatRequestSchema>;
export type OpenAIMessage = z.infer<typeof openAIMessageSchema>;

export const openAIEmbeddingRequestSchema = z
  .object({
    model: z.string().min(1, 'must not be empty'),
    input: z.union([z.string(), z.array(z.string()).min(1, 'must not be empty')], {
      message: 'expected a string or a non-empty array of strings (token-id arrays are not supported: send the text)',
    }),
    dimensions: z.number().int().positive().optional(),
    encoding_format: z.enum(['float', 'base64']).optional(),
    user: z.string().optional(),
  })
  .strict();

export type OpenAIEmbeddingRequest = z.infer<typeof openAIEmbeddingRequestSchema>;
