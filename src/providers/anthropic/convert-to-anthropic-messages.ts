import type { AssistantMessage, ChatMessage, ImagePart, ToolMessage, UserMessage } from '../../spec/chat-call.js';
import type { CallWarning } from '../../spec/chat-result.js';
import { InvalidRequestError } from '../../spec/errors.js';
import type {
  AnthropicAssistantBlock,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicTextBlock,
  AnthropicUserBlock,
} from './anthropic-api.js';
import { readAnthropicCacheControl } from './anthropic-provider-options.js';
import { merged } from '../../spec/merged.js';

export interface AnthropicPrompt {
  /** Top-level system prompt as text blocks, so each can carry `cache_control`. */
  system: AnthropicTextBlock[] | undefined;
  messages: AnthropicMessage[];
  warnings: CallWarning[];
}

/**
 * Converts ChatMessages to the Messages API shape. Anthropic has no system role inside
 * `messages`, requires user and assistant turns to alternate, and carries tool results as
 * `tool_result` blocks in a user turn, so system messages are hoisted, tool messages become user
 * turns, and consecutive same-role turns are merged.
 * @see https://docs.anthropic.com/en/api/messages#body-messages
 * @see https://docs.anthropic.com/en/docs/build-with-claude/tool-use/implement-tool-use#handling-tool-use-and-tool-result-content-blocks
 */
export function convertToAnthropicMessages(messages: ChatMessage[]): AnthropicPrompt {
  const system: AnthropicTextBlock[] = [];
  const converted: AnthropicMessage[] = [];
  const warnings: CallWarning[] = [];
  let seenConversation = false;
  let warnedName = false;

  for (const [messageIndex, message] of messages.entries()) {
    const where = `messages[${messageIndex}]`;
    switch (message.role) {
      case 'system':
        if (seenConversation) {
          warnings.push({
            type: 'other',
            message: `${where}: Anthropic accepts one system prompt; this system message was moved to the top-level system prompt.`,
          });
        }
        for (const [partIndex, part] of message.content.entries()) {
          if (part.text === '') continue;
          system.push(textBlock(part.text, readAnthropicCacheControl(part.providerOptions, `${where}.content[${partIndex}]`)));
        }
        break;
      case 'user':
        seenConversation = true;
        if (message.name !== undefined && !warnedName) {
          warnedName = true;
          warnings.push({ type: 'unsupported-setting', setting: 'messages[].name' });
        }
        appendTurn(converted, { role: 'user', content: convertUserContent(message, where) });
        break;
      case 'tool':
        seenConversation = true;
        appendTurn(converted, { role: 'user', content: convertToolResults(message, where) });
        break;
      case 'assistant':
        seenConversation = true;
        appendTurn(converted, { role: 'assistant', content: convertAssistantContent(message, where, warnings) });
        break;
    }
  }

  for (const message of converted) {
    if (message.role === 'user') putToolResultsFirst(message.content);
  }
  trimFinalAssistantTurn(converted);
  if (converted.length === 0) {
    throw new InvalidRequestError('Anthropic needs at least one user or assistant message with content.', { param: 'messages' });
  }
  return { system: system.length > 0 ? system : undefined, messages: converted, warnings };
}

/** Merges a turn into the previous one when the roles match; empty turns are dropped (Anthropic rejects them). */
function appendTurn(converted: AnthropicMessage[], turn: AnthropicMessage): void {
  if (turn.content.length === 0) return;
  const previous = converted.at(-1);
  if (previous?.role === 'user' && turn.role === 'user') previous.content.push(...turn.content);
  else if (previous?.role === 'assistant' && turn.role === 'assistant') previous.content.push(...turn.content);
  else converted.push(turn);
}

function convertUserContent(message: UserMessage, where: string): AnthropicUserBlock[] {
  const blocks: AnthropicUserBlock[] = [];
  for (const [partIndex, part] of message.content.entries()) {
    const partWhere = `${where}.content[${partIndex}]`;
    const cacheControl = readAnthropicCacheControl(part.providerOptions, partWhere);
    if (part.type === 'text') {
      if (part.text !== '') blocks.push(textBlock(part.text, cacheControl));
    } else {
      const image = convertImage(part, `${partWhere}.url`);
      blocks.push(cacheControl === undefined ? image : merged(image, { cache_control: cacheControl }));
    }
  }
  return blocks;
}

function convertToolResults(message: ToolMessage, where: string): AnthropicUserBlock[] {
  return message.content.map((part, partIndex) => {
    const cacheControl = readAnthropicCacheControl(part.providerOptions, `${where}.content[${partIndex}]`);
    return {
      type: 'tool_result' as const,
      tool_use_id: part.toolCallId,
      content: part.output,
      ...(part.isError === true ? { is_error: true } : {}),
      ...(cacheControl === undefined ? {} : { cache_control: cacheControl }),
    };
  });
}

function convertAssistantContent(message: AssistantMessage, where: string, warnings: CallWarning[]): AnthropicAssistantBlock[] {
  const blocks: AnthropicAssistantBlock[] = [];
  for (const [partIndex, part] of message.content.entries()) {
    const partWhere = `${where}.content[${partIndex}]`;
    switch (part.type) {
      case 'text':
        if (part.text !== '') blocks.push(textBlock(part.text, readAnthropicCacheControl(part.providerOptions, partWhere)));
        break;
      case 'tool-call':
        blocks.push({ type: 'tool_use', id: part.toolCallId, name: part.toolName, input: parseToolInput(part.input, `${partWhere}.input`) });
        break;
      case 'reasoning':
        // Anthropic verifies the signature of every thinking block it is sent back; one without a
        // signature (e.g. reasoning from another provider) would be rejected, so it is dropped.
        if (part.signature === undefined || part.signature === '') {
          warnings.push({ type: 'other', message: `${partWhere}: reasoning without an Anthropic signature was not sent.` });
        } else {
          blocks.push({ type: 'thinking', thinking: part.text, signature: part.signature });
        }
        break;
    }
  }
  return blocks;
}

/**
 * Anthropic wants `tool_use.input` as an object; our ToolCallPart carries the raw JSON text.
 * An empty string is how OpenAI clients send a call without arguments.
 */
function parseToolInput(input: string, param: string): { [key: string]: unknown } {
  if (input.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch (error) {
    throw new InvalidRequestError(`${param} is not valid JSON: ${input.slice(0, 100)}`, { param, cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidRequestError(`${param} must be a JSON object, got: ${input.slice(0, 100)}`, { param });
  }
  return value as { [key: string]: unknown };
}

/** @see https://docs.anthropic.com/en/docs/build-with-claude/vision */
function convertImage(part: ImagePart, param: string): AnthropicImageBlock {
  const url = part.url;
  if (url.startsWith('data:')) {
    const comma = url.indexOf(',');
    const header = comma === -1 ? [] : url.slice('data:'.length, comma).split(';');
    const mediaType = header[0];
    if (comma === -1 || !mediaType || !header.includes('base64')) {
      throw new InvalidRequestError(`${param} must be a base64 data URL (data:<media type>;base64,<data>).`, { param });
    }
    return { type: 'image', source: { type: 'base64', media_type: mediaType, data: url.slice(comma + 1) } };
  }
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw new InvalidRequestError(`${param} must be an http(s) URL or a data URL.`, { param });
}

/** Anthropic requires a user turn's `tool_result` blocks to come before any other content. */
function putToolResultsFirst(content: AnthropicUserBlock[]): void {
  const toolResults = content.filter((block) => block.type === 'tool_result');
  if (toolResults.length === 0 || toolResults.length === content.length) return;
  const others = content.filter((block) => block.type !== 'tool_result');
  content.splice(0, content.length, ...toolResults, ...others);
}

/**
 * A final assistant turn is a prefill that the model continues; Anthropic rejects it when it ends
 * in whitespace.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-engineering/prefill-claudes-response
 */
function trimFinalAssistantTurn(converted: AnthropicMessage[]): void {
  const last = converted.at(-1);
  if (last?.role !== 'assistant') return;
  const lastBlock = last.content.at(-1);
  if (lastBlock?.type !== 'text') return;
  lastBlock.text = lastBlock.text.trimEnd();
  if (lastBlock.text === '') last.content.pop();
  if (last.content.length === 0) converted.pop();
}

function textBlock(text: string, cacheControl: AnthropicTextBlock['cache_control']): AnthropicTextBlock {
  return cacheControl === undefined ? { type: 'text', text } : { type: 'text', text, cache_control: cacheControl };
}
