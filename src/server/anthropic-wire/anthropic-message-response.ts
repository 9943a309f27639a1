import { randomUUID } from 'node:crypto';
import type { ChatResult } from '../../spec/chat-result.js';
import type { FinishReason } from '../../spec/finish-reason.js';
import type { Usage } from '../../spec/usage.js';

/** Identity of the answer, decided by the server. */
export interface AnthropicMessageIdentity {
  id: string;
  model: string;
  /** The request's stop sequences, to name the one that matched when that is unambiguous. */
  stopSequences?: string[];
}

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal' | 'model_context_window_exceeded';

/** Anthropic message ids look like `msg_01XFDUDYJgAACzvnptvVoYEL`; upstream ids of that shape are kept. */
export function anthropicMessageId(upstreamId: string | undefined): string {
  if (upstreamId?.startsWith('msg_')) return upstreamId;
  return `msg_${randomUUID().replaceAll('-', '')}`;
}

/**
 * ChatResult → Messages API response object.
 * @see https://docs.anthropic.com/en/api/messages#response
 */
export function toAnthropicMessage(result: ChatResult, identity: AnthropicMessageIdentity): Record<string, unknown> {
  const content: Array<Record<string, unknown>> = [];
  for (const part of result.content) {
    const previous = content.at(-1);
    switch (part.type) {
      case 'text':
        if (part.text === '') break;
        if (previous?.type === 'text') previous.text = `${String(previous.text)}${part.text}`;
        else content.push({ type: 'text', text: part.text });
        break;
      case 'reasoning':
        content.push({ type: 'thinking', thinking: part.text, signature: part.signature ?? '' });
        break;
      case 'tool-call':
        content.push({ type: 'tool_use', id: part.toolCallId, name: part.toolName, input: parseToolInput(part.input) });
        break;
    }
  }
  const stopReason = toAnthropicStopReason(result.finishReason);
  return {
    id: identity.id,
    type: 'message',
    role: 'assistant',
    model: identity.model,
    content,
    stop_reason: stopReason,
    stop_sequence: matchedStopSequence(stopReason, identity.stopSequences),
    usage: toAnthropicUsage(result.usage),
  };
}

/**
 * Maps our finish reason to Anthropic's `stop_reason`. The unified reason decides; the raw one
 * only refines it (an Anthropic upstream's `stop_sequence` or `pause_turn`), because the raw
 * value of another provider means nothing here, and even Anthropic's `tool_use` can stand for a
 * finished JSON answer.
 * @see https://docs.anthropic.com/en/api/messages#response-stop-reason
 */
export function toAnthropicStopReason(finishReason: FinishReason): AnthropicStopReason {
  switch (finishReason.unified) {
    case 'stop':
      return finishReason.raw === 'stop_sequence' ? 'stop_sequence' : 'end_turn';
    case 'length':
      return finishReason.raw === 'model_context_window_exceeded' ? 'model_context_window_exceeded' : 'max_tokens';
    case 'tool-calls':
      return 'tool_use';
    case 'content-filter':
      return 'refusal';
    case 'other':
      return finishReason.raw === 'pause_turn' ? 'pause_turn' : 'end_turn';
    case 'error':
      return 'end_turn';
  }
}

/** ChatResult does not say which sequence matched; with a single candidate there is no doubt. */
export function matchedStopSequence(stopReason: AnthropicStopReason, stopSequences: string[] | undefined): string | null {
  return stopReason === 'stop_sequence' && stopSequences?.length === 1 ? stopSequences[0]! : null;
}

/**
 * Anthropic reports uncached, cache-read and cache-written prompt tokens separately, while our
 * `inputTokens` is their sum (src/spec/usage.ts), so the cached parts are subtracted.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance
 */
export function toAnthropicUsage(usage: Usage): {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
} {
  const cacheRead = usage.cacheReadInputTokens ?? 0;
  const cacheWrite = usage.cacheWriteInputTokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage.inputTokens ?? 0) - cacheRead - cacheWrite),
    output_tokens: usage.outputTokens ?? 0,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
  };
}

/**
 * `tool_use.input` is an object while our tool calls carry JSON text. Models behind other
 * providers occasionally emit broken JSON; the raw text is then passed on rather than lost
 * (the SDK types `input` as unknown).
 */
export function parseToolInput(input: string): unknown {
  if (input.trim() === '') return {};
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}
