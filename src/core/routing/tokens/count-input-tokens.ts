import type { ChatCall, ChatMessage, JsonObject, JsonValue, ToolDefinition } from '../../../spec/chat-call.js';
import { ESTIMATED_TOKENS_PER_MESSAGE, estimateTextTokens, utf8Bytes } from './estimate-text-tokens.js';
import { imageTokens, imageTokensUpperBound } from './image-tokens.js';
import { openAITokenizerIfReady } from './openai-encoders.js';
import { isExactFamily, type TokenizerFamily } from './tokenizer-family.js';

/**
 * Input tokens of a chat call as a model family would count them.
 *
 * OpenAI families are counted with the real encoding plus the chat framing from OpenAI's cookbook
 * ("How to count tokens with tiktoken"): 3 tokens per message, the role, +1 for a `name`, and 3
 * priming the reply. Tool definitions follow the cookbook's documented approximation (per function
 * 7 (o200k) / 10 (cl100k) + `name:description`; +3 if it has properties; per property 3 +
 * `key:type:description`; enums −3 + per item 3 + item; +12 after all functions); nested property
 * schemas, which the cookbook ignores, add the tokens of their JSON. Assistant tool calls count
 * their name and arguments + 3. A JSON-schema response format counts its name and schema JSON.
 * Every other family is an estimate (estimate-text-tokens.ts) over the same pieces.
 *
 * @see https://cookbook.openai.com/examples/how_to_count_tokens_with_tiktoken
 */

type TextCounter = (text: string) => number;

const OPENAI_TOKENS_PER_MESSAGE = 3;
const OPENAI_TOKENS_PER_NAME = 1;
const OPENAI_REPLY_PRIMING = 3;
const TOOL_CALL_FRAMING = 3;

/** Input tokens of a call as `family` counts them (no memo: a request keeps its counts in {@link CallTokenCounts}). */
export function countInputTokens(call: ChatCall, family: TokenizerFamily): number {
  return countWithExactness(call, family).tokens;
}

/**
 * One request's input-token counts: the cheap upper bound and each tokenizer family's count, each
 * computed at most once — routers, the context check and a cascade's tiers all ask about the same
 * call. The counts live with the request rather than in a module-level WeakMap keyed by the call:
 * every entry of such a map (a short-lived key in a long-lived table) is work for every
 * young-generation GC until the key dies (V8's ephemeron remembered set).
 */
export class CallTokenCounts {
  #upperBound: number | undefined;
  #byFamily: Map<TokenizerFamily, number> | undefined;

  constructor(readonly call: ChatCall) {}

  /** {@link inputTokensUpperBound} of the call. */
  upperBound(): number {
    return (this.#upperBound ??= inputTokensUpperBound(this.call));
  }

  /** {@link countInputTokens} of the call for `family`. */
  count(family: TokenizerFamily): number {
    const known = this.#byFamily?.get(family);
    if (known !== undefined) return known;
    const { tokens, final } = countWithExactness(this.call, family);
    if (final) (this.#byFamily ??= new Map()).set(family, tokens);
    return tokens;
  }
}

/** `final`: false when an estimate stands in for a tokenizer still loading (the next ask may be exact). */
function countWithExactness(call: ChatCall, family: TokenizerFamily): { tokens: number; final: boolean } {
  if (!isExactFamily(family)) return { tokens: countEstimated(call, family, (text) => estimateTextTokens(text, family)), final: true };
  const tokenizer = openAITokenizerIfReady(family);
  if (!tokenizer) return { tokens: countEstimated(call, family, (text) => estimateTextTokens(text, family)), final: false };
  return { tokens: countExact(call, family, (text) => tokenizer.count(text)), final: true };
}

function countExact(call: ChatCall, family: TokenizerFamily, count: TextCounter): number {
  let total = OPENAI_REPLY_PRIMING;
  for (const message of call.messages) {
    total += OPENAI_TOKENS_PER_MESSAGE + count(message.role) + contentTokens(message, family, count);
    if (message.role === 'user' && message.name !== undefined) total += count(message.name) + OPENAI_TOKENS_PER_NAME;
  }
  if (call.tools && call.tools.length > 0) total += openAIToolTokens(call.tools, family === 'o200k' ? 7 : 10, count);
  return total + responseFormatTokens(call, count);
}

function countEstimated(call: ChatCall, family: TokenizerFamily, count: TextCounter): number {
  let total = 0;
  for (const message of call.messages) {
    total += ESTIMATED_TOKENS_PER_MESSAGE + contentTokens(message, family, count);
    if (message.role === 'user' && message.name !== undefined) total += count(message.name);
  }
  for (const tool of call.tools ?? []) total += count(JSON.stringify(toolJson(tool)));
  return total + responseFormatTokens(call, count);
}

function contentTokens(message: ChatMessage, family: TokenizerFamily, count: TextCounter): number {
  let total = 0;
  for (const part of message.content) {
    switch (part.type) {
      case 'text':
      case 'reasoning':
        total += count(part.text);
        break;
      case 'image':
        total += imageTokens(part, family);
        break;
      case 'tool-call':
        total += TOOL_CALL_FRAMING + count(part.toolName) + count(part.input);
        break;
      case 'tool-result':
        total += count(part.output);
        break;
    }
  }
  return total;
}

function responseFormatTokens(call: ChatCall, count: TextCounter): number {
  const format = call.responseFormat;
  if (format?.type !== 'json-schema') return 0;
  return count(format.name) + count(JSON.stringify(format.schema)) + (format.description ? count(format.description) : 0);
}

function openAIToolTokens(tools: readonly ToolDefinition[], functionInit: number, count: TextCounter): number {
  let total = 0;
  for (const tool of tools) {
    total += functionInit + count(`${tool.name}:${withoutTrailingPeriod(tool.description ?? '')}`);
    const properties = asObject(tool.parameters['properties']);
    const keys = properties ? Object.keys(properties) : [];
    if (keys.length > 0) total += 3;
    for (const key of keys) {
      const property = asObject(properties![key]) ?? {};
      const { type, description, enum: enumValues, ...nested } = property;
      total += 3 + count(`${key}:${typeof type === 'string' ? type : JSON.stringify(type ?? '')}:${withoutTrailingPeriod(typeof description === 'string' ? description : '')}`);
      if (Array.isArray(enumValues)) {
        total -= 3;
        for (const item of enumValues) total += 3 + count(typeof item === 'string' ? item : JSON.stringify(item));
      }
      // The cookbook formula stops at flat properties; nested schemas (items, properties, anyOf) add their JSON.
      if (Object.keys(nested).length > 0) total += count(JSON.stringify(nested));
    }
  }
  return total + 12;
}

function withoutTrailingPeriod(text: string): string {
  return text.endsWith('.') ? text.slice(0, -1) : text;
}

function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

function toolJson(tool: ToolDefinition): JsonObject {
  return { name: tool.name, description: tool.description ?? '', parameters: tool.parameters };
}

/**
 * A cheap upper bound on what any family counts for this call, with no tokenizer: the UTF-8 length
 * of every text (no byte-level or byte-fallback tokenizer makes more tokens than bytes) plus each
 * family's largest framing and image counts. Context fit uses it to skip exact counting when even
 * the bound fits.
 */
export function inputTokensUpperBound(call: ChatCall): number {
  const perMessage = Math.max(OPENAI_TOKENS_PER_MESSAGE + 1 + OPENAI_TOKENS_PER_NAME, ESTIMATED_TOKENS_PER_MESSAGE);
  let total = OPENAI_REPLY_PRIMING;
  for (const message of call.messages) {
    total += perMessage + utf8Bytes(message.role);
    if (message.role === 'user' && message.name !== undefined) total += utf8Bytes(message.name);
    for (const part of message.content) {
      switch (part.type) {
        case 'text':
        case 'reasoning':
          total += utf8Bytes(part.text);
          break;
        case 'image':
          total += imageTokensUpperBound(part);
          break;
        case 'tool-call':
          total += TOOL_CALL_FRAMING + utf8Bytes(part.toolName) + utf8Bytes(part.input);
          break;
        case 'tool-result':
          total += utf8Bytes(part.output);
          break;
      }
    }
  }
  // Per tool, the JSON is longer than every counted piece; 25 covers the formula's fixed parts and 12 its end.
  for (const tool of call.tools ?? []) total += 25 + utf8Bytes(JSON.stringify(toolJson(tool)));
  if (call.tools && call.tools.length > 0) total += 12;
  const format = call.responseFormat;
  if (format?.type === 'json-schema') total += utf8Bytes(format.name) + utf8Bytes(JSON.stringify(format.schema)) + utf8Bytes(format.description ?? '');
  return total;
}
