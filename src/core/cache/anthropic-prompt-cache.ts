import type { ChatCall, ChatMessage, ProviderOptions, TextPart, ToolDefinition, UserMessage } from '../../spec/chat-call.js';
import type { GatewayRuntime } from '../registry/gateway-runtime.js';
import type { RoutePlan } from '../routing/resolve-route.js';
import type { PromptCacheConfig } from './cache-config.js';
import { merged } from '../../spec/merged.js';

/**
 * Anthropic accepts at most four cache breakpoints per request.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#cache-limitations
 */
export const ANTHROPIC_MAX_CACHE_BREAKPOINTS = 4;

type CacheControl = { type: 'ephemeral'; ttl?: '1h' };

/**
 * Places Anthropic prompt-cache breakpoints on the stable prefix of a call, in the order
 * Anthropic builds its cache prefix (tools, then system, then messages): the last tool definition,
 * the last non-empty system part, then long documents in the first user message (last one first,
 * since a breakpoint caches everything before it). Breakpoints the client set itself are kept
 * and count towards the limit of four. Returns a new call; the original is not changed (it has
 * already been hashed for the response cache).
 *
 * The marks live in `providerOptions.anthropic`, which every other adapter ignores, so a route
 * that mixes Anthropic and other deployments can carry them to all of them.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#structuring-your-prompt
 */
export function withAnthropicPromptCache(call: ChatCall, config: PromptCacheConfig): ChatCall {
  let budget = ANTHROPIC_MAX_CACHE_BREAKPOINTS - countBreakpoints(call);
  if (budget <= 0) return call;
  const cacheControl: CacheControl = config.ttl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' };
  // Not `{ ...call }`: a spread clone that is then extended outlives young GCs on node 20 (src/spec/merged.ts).
  const next: ChatCall = Object.assign({}, call);

  const lastTool = call.tools?.at(-1);
  if (call.tools && lastTool && !hasBreakpoint(lastTool.providerOptions)) {
    next.tools = [...call.tools.slice(0, -1), marked(lastTool, cacheControl)];
    budget--;
  }

  let messages: ChatMessage[] = call.messages;
  const replace = (index: number, message: ChatMessage) => {
    if (messages === call.messages) messages = [...call.messages];
    messages[index] = message;
  };

  const system = lastNonEmptySystemPart(call.messages);
  if (budget > 0 && system && !hasBreakpoint(system.part.providerOptions)) {
    const message = call.messages[system.messageIndex] as Extract<ChatMessage, { role: 'system' }>;
    const content = [...message.content];
    content[system.partIndex] = marked(system.part, cacheControl);
    replace(system.messageIndex, merged(message, { content }));
    budget--;
  }

  const userIndex = call.messages.findIndex((message) => message.role === 'user');
  if (budget > 0 && userIndex >= 0) {
    const message = call.messages[userIndex] as UserMessage;
    const content = [...message.content];
    let changed = false;
    for (let index = content.length - 1; index >= 0 && budget > 0; index--) {
      const part = content[index]!;
      if (part.type !== 'text' || part.text.length < config.min_document_chars || hasBreakpoint(part.providerOptions)) continue;
      content[index] = marked(part, cacheControl);
      changed = true;
      budget--;
    }
    if (changed) replace(userIndex, merged(message, { content }));
  }

  next.messages = messages;
  return next;
}

function lastNonEmptySystemPart(messages: ChatMessage[]): { messageIndex: number; partIndex: number; part: TextPart } | undefined {
  for (let messageIndex = messages.length - 1; messageIndex >= 0; messageIndex--) {
    const message = messages[messageIndex]!;
    if (message.role !== 'system') continue;
    for (let partIndex = message.content.length - 1; partIndex >= 0; partIndex--) {
      const part = message.content[partIndex]!;
      // The adapter drops empty system text, and a breakpoint with it.
      if (part.text !== '') return { messageIndex, partIndex, part };
    }
  }
  return undefined;
}

function marked<T extends TextPart | ToolDefinition>(item: T, cacheControl: CacheControl): T {
  const providerOptions: ProviderOptions = merged(item.providerOptions, { anthropic: merged(item.providerOptions?.anthropic, { cacheControl }) });
  return merged(item, { providerOptions }) as T;
}

function hasBreakpoint(providerOptions: ProviderOptions | undefined): boolean {
  const anthropic = providerOptions?.anthropic;
  return anthropic !== undefined && (anthropic.cacheControl !== undefined || anthropic.cache_control !== undefined);
}

/** Breakpoints already on the call: on tools and on any message part that carries provider options. */
function countBreakpoints(call: ChatCall): number {
  let count = call.tools?.filter((tool) => hasBreakpoint(tool.providerOptions)).length ?? 0;
  for (const message of call.messages) {
    for (const part of message.content) {
      if ('providerOptions' in part && hasBreakpoint(part.providerOptions)) count++;
    }
  }
  return count;
}

/**
 * The call to execute on `plan`: with prompt-cache breakpoints when the request's workload turns
 * `prompt_cache` on and its route reaches an Anthropic deployment, else the call unchanged.
 */
export function withPromptCacheForRoute(runtime: GatewayRuntime, plan: RoutePlan, call: ChatCall): ChatCall {
  const config = plan.workload === undefined ? undefined : runtime.config.workloads[plan.workload]?.promptCache;
  if (!config?.enabled) return call;
  const reachesAnthropic = plan.groups.some((group) => group.targets.some((target) => target.deployment.providerConfig.type === 'anthropic'));
  return reachesAnthropic ? withAnthropicPromptCache(call, config) : call;
}
