import type { ChatCall, ChatMessage, ToolDefinition } from '../../spec/chat-call.js';
import type { FinishReason } from '../../spec/finish-reason.js';
import { InvalidRequestError } from '../../spec/errors.js';
import { exampleFromJsonSchema } from './example-from-json-schema.js';
import { createSeededRandom, hashString, type RandomSource } from '../../provider-utils/seeded-random.js';

/** A tool call the simulated model decided to make; `input` is JSON text. */
export interface SimulatedToolCall {
  toolCallId: string;
  toolName: string;
  input: string;
}

/** What the simulated model answers, before any pacing: the text already split into tokens. */
export type SimulatedContent =
  | { kind: 'text'; text: string; tokens: string[]; finishReason: FinishReason }
  | { kind: 'tool-calls'; toolCalls: SimulatedToolCall[]; outputTokens: number; finishReason: FinishReason };

export interface SimulatedContentContext {
  modelId: string;
  /** Range for the length of free-text answers, in tokens. */
  outputTokens: { min: number; max: number };
}

/** Words of at most four letters, so each is one simulated token and answers cut at word ends. */
const FILLER_WORDS = [
  'the', 'data', 'flow', 'gate', 'node', 'path', 'load', 'link', 'fast', 'safe', 'open', 'rate', 'mode',
  'plan', 'test', 'echo', 'byte', 'call', 'sync', 'wave', 'unit', 'grid', 'core', 'and', 'with', 'more',
  'each', 'then', 'some', 'was', 'can', 'will', 'step', 'lane', 'yard', 'rail', 'hub', 'key', 'map', 'set',
];

const SUMMARY_WORDS = 12;

/**
 * Decides the simulated answer. Everything is derived from the prompt (and the call's `seed`), never
 * from the provider's random source, so the same request always gets the same answer: caches,
 * evals and snapshot tests see stable output while latency and faults still vary.
 */
export function generateSimulatedContent(call: ChatCall, context: SimulatedContentContext): SimulatedContent {
  const promptHash = hashString(promptFingerprint(call.messages)) ^ ((call.seed ?? 0) >>> 0);
  const random = createSeededRandom(promptHash);

  const toolsToCall = chooseTools(call);
  if (toolsToCall.length > 0) {
    const toolCalls = toolsToCall.map((tool, index) => ({
      toolCallId: `call_simulated_${(promptHash >>> 0).toString(16)}_${index}`,
      toolName: tool.name,
      input: JSON.stringify(exampleFromJsonSchema(tool.parameters)),
    }));
    const outputTokens = toolCalls.reduce((total, toolCall) => total + tokenize(toolCall.input).length, 0);
    return { kind: 'tool-calls', toolCalls, outputTokens, finishReason: { unified: 'tool-calls', raw: 'tool_calls' } };
  }

  const naturalText = composeAnswer(call, context, random);
  return limitAnswer(naturalText, call);
}

/**
 * Splits text into simulated tokens: each is optional leading whitespace plus up to four visible
 * characters, which tracks real tokenizers' ~4 characters per token closely enough for usage numbers.
 * Joining the tokens gives back the text exactly.
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = text.match(/\s*\S{1,4}/g) ?? [];
  const consumed = tokens.reduce((length, token) => length + token.length, 0);
  if (consumed < text.length) {
    // Trailing whitespace belongs to the last token (or is a token of its own).
    const rest = text.slice(consumed);
    if (tokens.length === 0) tokens.push(rest);
    else tokens[tokens.length - 1] += rest;
  }
  return tokens;
}

/** Prompt size as a real tokenizer would roughly count it: ceil(characters / 4) of all message text. */
export function estimateInputTokens(messages: ChatMessage[]): number {
  const characters = messages.reduce((total, message) => total + messageText(message).length, 0);
  return Math.ceil(characters / 4);
}

function chooseTools(call: ChatCall): ToolDefinition[] {
  const tools = call.tools ?? [];
  const choice = call.toolChoice ?? { type: 'auto' };
  if (choice.type === 'none') return [];
  if (choice.type === 'tool') {
    const tool = tools.find((candidate) => candidate.name === choice.toolName);
    if (tool === undefined) {
      throw new InvalidRequestError(`tool_choice names '${choice.toolName}', which is not among the tools.`, {
        param: 'tool_choice',
      });
    }
    return [tool];
  }
  if (tools.length === 0) {
    if (choice.type === 'required') {
      throw new InvalidRequestError("tool_choice is 'required' but no tools were given.", { param: 'tool_choice' });
    }
    return [];
  }
  const named = toolsNamedInLastUserMessage(call.messages, tools);
  const chosen = named.length > 0 ? named : choice.type === 'required' ? tools.slice(0, 1) : [];
  return call.parallelToolCalls === false ? chosen.slice(0, 1) : chosen;
}

/** A user writing "use get_weather" in the last turn asks for that tool, as a demo script would. */
function toolsNamedInLastUserMessage(messages: ChatMessage[], tools: ToolDefinition[]): ToolDefinition[] {
  const last = messages.at(-1);
  if (last?.role !== 'user') return [];
  const text = messageText(last);
  return tools.filter((tool) => new RegExp(`(^|[^\\w-])${escapeRegExp(tool.name)}($|[^\\w-])`).test(text));
}

function composeAnswer(call: ChatCall, context: SimulatedContentContext, random: RandomSource): string {
  const format = call.responseFormat;
  if (format?.type === 'json-schema') return JSON.stringify(exampleFromJsonSchema(format.schema));
  const summary = describeLastMessage(call.messages);
  if (format?.type === 'json') {
    return JSON.stringify({ simulated: true, model: context.modelId, summary });
  }

  const { min, max } = context.outputTokens;
  const target = min + Math.floor(random() * (max - min + 1));
  let text = `[simulated ${context.modelId}] ${summary}`;
  let tokenCount = tokenize(text).length;
  let wordsInSentence = 0;
  while (tokenCount < target) {
    const word = FILLER_WORDS[Math.floor(random() * FILLER_WORDS.length)] ?? 'the';
    const startsSentence = wordsInSentence === 0;
    wordsInSentence = random() < 0.12 ? 0 : wordsInSentence + 1;
    const piece = ` ${startsSentence ? capitalize(word) : word}${wordsInSentence === 0 ? '.' : ''}`;
    text += piece;
    tokenCount += tokenize(piece).length;
  }
  return tokenize(text).slice(0, target).join('');
}

/** Applies stop sequences, then `maxOutputTokens`, in the order a real decoder meets them. */
function limitAnswer(naturalText: string, call: ChatCall): SimulatedContent {
  let text = naturalText;
  let finishReason: FinishReason = { unified: 'stop', raw: 'stop' };
  const stopAt = earliestStop(text, call.stopSequences ?? []);
  if (stopAt !== undefined) {
    text = text.slice(0, stopAt);
    finishReason = { unified: 'stop', raw: 'stop_sequence' };
  }
  let tokens = tokenize(text);
  const limit = call.maxOutputTokens;
  if (limit !== undefined && tokens.length > limit) {
    tokens = tokens.slice(0, Math.max(0, limit));
    text = tokens.join('');
    finishReason = { unified: 'length', raw: 'max_tokens' };
  }
  return { kind: 'text', text, tokens, finishReason };
}

function earliestStop(text: string, stopSequences: string[]): number | undefined {
  let earliest: number | undefined;
  for (const sequence of stopSequences) {
    if (sequence === '') continue;
    const index = text.indexOf(sequence);
    if (index !== -1 && (earliest === undefined || index < earliest)) earliest = index;
  }
  return earliest;
}

/** A one-line echo of what the model is answering, so demo output visibly depends on the prompt. */
function describeLastMessage(messages: ChatMessage[]): string {
  const last = messages.at(-1);
  if (last === undefined) return 'No messages were sent.';
  if (last.role === 'tool') {
    const names = last.content.map((part) => part.toolName ?? part.toolCallId).join(', ');
    return `Got ${last.content.length} tool result(s) from ${names}: "${shorten(messageText(last))}".`;
  }
  const images = last.role === 'user' ? last.content.filter((part) => part.type === 'image').length : 0;
  const imageNote = images > 0 ? ` (with ${images} image${images === 1 ? '' : 's'})` : '';
  return `You said: "${shorten(messageText(last))}"${imageNote}.`;
}

function shorten(text: string): string {
  const words = text.split(/\s+/).filter(Boolean);
  return words.length > SUMMARY_WORDS ? `${words.slice(0, SUMMARY_WORDS).join(' ')}…` : words.join(' ');
}

function messageText(message: ChatMessage): string {
  const pieces: string[] = [];
  for (const part of message.content) {
    if (part.type === 'text' || part.type === 'reasoning') pieces.push(part.text);
    else if (part.type === 'tool-call') pieces.push(part.toolName, part.input);
    else if (part.type === 'tool-result') pieces.push(part.output);
  }
  return pieces.join('\n');
}

function promptFingerprint(messages: ChatMessage[]): string {
  return messages.map((message) => `${message.role}\u0000${messageText(message)}`).join('\u0001');
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
