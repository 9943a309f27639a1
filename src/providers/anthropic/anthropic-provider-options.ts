import { z } from 'zod';
import type { ProviderOptions } from '../../spec/chat-call.js';
import { InvalidRequestError } from '../../spec/errors.js';
import type { AnthropicCacheControl } from './anthropic-api.js';

/**
 * `providerOptions.anthropic` on a part or tool: a prompt-cache breakpoint. `cache_control` is
 * accepted as well because that is how clients of Anthropic's own wire format spell it.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching
 */
const cacheControlSchema = z.object({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).optional() });

const partOptionsSchema = z.object({
  cacheControl: cacheControlSchema.optional(),
  cache_control: cacheControlSchema.optional(),
});

/**
 * `providerOptions.anthropic` on the call: extended thinking.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking
 */
const callOptionsSchema = z.object({
  thinking: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('enabled'), budgetTokens: z.number().int().min(1) }),
      z.object({ type: z.literal('disabled') }),
    ])
    .optional(),
});

export type AnthropicCallOptions = z.infer<typeof callOptionsSchema>;

/** Reads the cache breakpoint of a part, or undefined. `where` names the field in errors. */
export function readAnthropicCacheControl(
  providerOptions: ProviderOptions | undefined,
  where: string,
): AnthropicCacheControl | undefined {
  const options = parseOptions(partOptionsSchema, providerOptions?.anthropic, `${where}.providerOptions.anthropic`);
  const cacheControl = options?.cacheControl ?? options?.cache_control;
  if (cacheControl === undefined) return undefined;
  return cacheControl.ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl: cacheControl.ttl };
}

export function readAnthropicCallOptions(providerOptions: ProviderOptions | undefined): AnthropicCallOptions {
  return parseOptions(callOptionsSchema, providerOptions?.anthropic, 'providerOptions.anthropic') ?? {};
}

function parseOptions<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> | undefined {
  if (value === undefined) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue && issue.path.length > 0 ? `${where}.${issue.path.join('.')}` : where;
  throw new InvalidRequestError(`Invalid ${param}: ${issue?.message ?? 'invalid value'}`, { param });
}
