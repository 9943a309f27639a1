import type {
  AssistantMessage,
  ChatCall,
  ChatMessage,
  JsonObject,
  ProviderOptions,
  TextPart,
  ToolChoice,
  ToolResultPart,
  UserMessage,
} from '../../spec/chat-call.js';
import type { CallWarning } from '../../spec/chat-result.js';
import { InvalidRequestError } from '../../spec/errors.js';
import type {
  AnthropicInboundCacheControl,
  AnthropicInboundMessage,
  AnthropicMessagesRequestBody,
} from './anthropic-messages-request-schema.js';

/** What the server needs besides the ChatCall: how to route and how to answer. */
export interface AnthropicMessagesRequestMeta {
  model: string;
  stream: boolean;
  /** Used to report which stop sequence ended the answer when there is only one candidate. */
  stopSequences: string[];
  /** Settings dropped while converting, merged into the response's warnings header. */
  warnings: CallWarning[];
}

/**
 * Converts a validated Messages API request into a provider-neutral ChatCall. `cache_control`
 * survives as `providerOptions.anthropic.cacheControl` on the matching part, so an Anthropic
 * upstream keeps the client's prompt-cache breakpoints; other upstreams ignore it.
 * @see https://docs.anthropic.com/en/api/messages
 */
export function convertAnthropicMessagesRequest(request: AnthropicMessagesRequestBody): {
  call: ChatCall;
  meta: AnthropicMessagesRequestMeta;
} {
  const warnings: CallWarning[] = [];
  const messages: ChatMessage[] = [];
  const system = convertSystem(request.system);
  if (system) messages.push(system);
  messages.push(...convertMessages(request.messages, warnings));

  const call: ChatCall = { messages, maxOutputTokens: request.max_tokens };
  if (request.temperature !== undefined) call.temperature = request.temperature;
  if (request.top_p !== undefined) call.topP = request.top_p;
  if (request.top_k !== undefined) call.topK = request.top_k;
  if (request.stop_sequences !== undefined && request.stop_sequences.length > 0) call.stopSequences = request.stop_sequences;
  if (request.metadata?.user_id != null) call.user = request.metadata.user_id;

  if (request.tools && request.tools.length > 0) {
    call.tools = request.tools.map((tool) => ({
      type: 'function' as const,
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.input_schema as JsonObject,
      ...withCacheControl(tool.cache_control),
    }));
  }
  if (request.tool_choice !== undefined) {
    const converted = convertToolChoice(request.tool_choice, call.tools?.map((tool) => tool.name) ?? []);
    if (converted.toolChoice) call.toolChoice = converted.toolChoice;
    if (converted.disableParallelToolUse) call.parallelToolCalls = false;
  }

  const format = request.output_config?.format;
  if (format) call.responseFormat = { type: 'json-schema', name: 'response', schema: format.schema as JsonObject };
  if (request.output_config?.effort != null) warnings.push({ type: 'unsupported-setting', setting: 'output_config.effort' });

  const thinking = request.thinking;
  if (thinking?.type === 'enabled') {
    // Anthropic counts the thinking budget inside max_tokens; ChatCall's maxOutputTokens is the
    // visible answer's limit (the Anthropic adapter adds the budget back), so it is taken out here.
    // @see https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size
    if (thinking.budget_tokens >= request.max_tokens) {
      throw new InvalidRequestError('`max_tokens` must be greater than `thinking.budget_tokens`.', { param: 'thinking.budget_tokens' });
    }
    call.maxOutputTokens = request.max_tokens - thinking.budget_tokens;
    // Provider-neutral, so a deployment that cannot think reports it (400, or dropped with a warning).
    call.reasoningBudgetTokens = thinking.budget_tokens;
  } else if (thinking?.type === 'disabled') {
    call.providerOptions = { anthropic: { thinking: { type: 'disabled' } } };
  } else if (thinking?.type === 'adaptive') {
    warnings.push({ type: 'unsupported-setting', setting: 'thinking.adaptive' });
  }
  if (request.service_tier !== undefined) warnings.push({ type: 'unsupported-setting', setting: 'service_tier' });

  return {
    call,
    meta: { model: request.model, stream: request.stream === true, stopSequences: request.stop_sequences ?? [], warnings },
  };
}

function withCacheControl(cacheControl: AnthropicInboundCacheControl | null | undefined): { providerOptions?: ProviderOptions } {
  if (cacheControl == null) return {};
  const value = cacheControl.ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl: cacheControl.ttl };
  return { providerOptions: { anthropic: { cacheControl: value } } };
}

function textPart(text: string, cacheControl: AnthropicInboundCacheControl | null | undefined): TextPart {
  return { type: 'text', text, ...withCacheControl(cacheControl) };
}

function convertSystem(system: AnthropicMessagesRequestBody['system']): ChatMessage | undefined {
  if (system === undefined) return undefined;
  if (typeof system === 'string') return system === '' ? undefined : { role: 'system', content: [{ type: 'text', text: system }] };
  if (system.length === 0) return undefined;
  return { role: 'system', content: system.map((block) => textPart(block.text, block.cache_control)) };
}

/** @see https://docs.anthropic.com/en/api/messages#body-tool-choice */
function convertToolChoice(
  choice: NonNullable<AnthropicMessagesRequestBody['tool_choice']>,
  toolNames: string[],
): { toolChoice?: ToolChoice; disableParallelToolUse: boolean } {
  const disableParallelToolUse = choice.type !== 'none' && choice.disable_parallel_tool_use === true;
  switch (choice.type) {
    case 'none':
      return { toolChoice: { type: 'none' }, disableParallelToolUse };
    case 'auto':
      return toolNames.length === 0 ? { disableParallelToolUse } : { toolChoice: { type: 'auto' }, disableParallelToolUse };
    case 'any':
      if (toolNames.length === 0) {
        throw new InvalidRequestError("tool_choice 'any' needs at least one tool in 'tools'.", { param: 'tool_choice' });
      }
      return { toolChoice: { type: 'required' }, disableParallelToolUse };
    case 'tool':
      if (!toolNames.includes(choice.name)) {
        throw new InvalidRequestError(`tool_choice names tool '${choice.name}', which is not in 'tools'.`, { param: 'tool_choice.name' });
      }
      return { toolChoice: { type: 'tool', toolName: choice.name }, disableParallelToolUse };
  }
}

/**
 * Anthropic carries tool results as `tool_result` blocks inside a user turn; ChatCall has a tool
 * role for them, so one user turn may become a tool message followed by a user message. The
 * tool's name is looked up from the assistant's earlier `tool_use` block, as some upstreams
 * (Gemini) need it.
 */
function convertMessages(messages: AnthropicInboundMessage[], warnings: CallWarning[]): ChatMessage[] {
  const toolNames = new Map<string, string>();
  const converted: ChatMessage[] = [];
  for (const [messageIndex, message] of messages.entries()) {
    if (message.role === 'assistant') {
      converted.push(convertAssistant(message, messageIndex, toolNames, warnings));
      continue;
    }
    const toolResults: ToolResultPart[] = [];
    const userContent: UserMessage['content'] = [];
    for (const [blockIndex, block] of message.content.entries()) {
      switch (block.type) {
        case 'tool_result': {
          const toolName = toolNames.get(block.tool_use_id);
          toolResults.push({
            type: 'tool-result',
            toolCallId: block.tool_use_id,
            output: toolResultText(block.content),
            ...(toolName === undefined ? {} : { toolName }),
            ...(block.is_error === true ? { isError: true } : {}),
            ...withCacheControl(block.cache_control),
          });
          break;
        }
        case 'text':
          userContent.push(textPart(block.text, block.cache_control));
          break;
        case 'image':
          userContent.push({ type: 'image', url: imageUrl(block.source, `messages[${messageIndex}].content[${blockIndex}].source`), ...withCacheControl(block.cache_control) });
          break;
      }
    }
    if (toolResults.length > 0) converted.push({ role: 'tool', content: toolResults });
    if (userContent.length > 0 || toolResults.length === 0) converted.push({ role: 'user', content: userContent });
  }
  return converted;
}

function convertAssistant(
  message: Extract<AnthropicInboundMessage, { role: 'assistant' }>,
  messageIndex: number,
  toolNames: Map<string, string>,
  warnings: CallWarning[],
): AssistantMessage {
  const content: AssistantMessage['content'] = [];
  for (const [blockIndex, block] of message.content.entries()) {
    switch (block.type) {
      case 'text':
        content.push(textPart(block.text, block.cache_control));
        break;
      case 'tool_use':
        toolNames.set(block.id, block.name);
        content.push({ type: 'tool-call', toolCallId: block.id, toolName: block.name, input: JSON.stringify(block.input) });
        break;
      case 'thinking':
        content.push({ type: 'reasoning', text: block.thinking, ...(block.signature ? { signature: block.signature } : {}) });
        break;
      case 'redacted_thinking':
        // ChatCall has no encrypted-reasoning part; the block cannot be replayed to any upstream.
        warnings.push({ type: 'other', message: `messages[${messageIndex}].content[${blockIndex}]: redacted_thinking was dropped.` });
        break;
    }
  }
  return { role: 'assistant', content };
}

function toolResultText(content: string | Array<{ text: string }> | undefined): string {
  if (content === undefined) return '';
  return typeof content === 'string' ? content : content.map((block) => block.text).join('\n');
}

/** ImagePart carries one URL; inline base64 becomes a data URL, which every adapter understands. */
function imageUrl(source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string }, param: string): string {
  if (source.type === 'base64') return `data:${source.media_type};base64,${source.data}`;
  if (!/^https?:\/\//i.test(source.url)) throw new InvalidRequestError(`${param}.url must be an http(s) URL.`, { param: `${param}.url` });
  return source.url;
}
