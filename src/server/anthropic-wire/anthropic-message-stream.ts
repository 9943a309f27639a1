import { StreamInterruptedError, type GatewayError } from '../../spec/errors.js';
import type { SseFormatter } from '../sse/sse-formatter.js';
import { sseReadableStream } from '../sse/sse-readable-stream.js';
import type { StreamEvent } from '../../spec/stream-event.js';
import { toAnthropicErrorResponse } from './anthropic-error-body.js';
import {
  matchedStopSequence,
  toAnthropicStopReason,
  toAnthropicUsage,
  type AnthropicMessageIdentity,
} from './anthropic-message-response.js';
import { merged } from '../../spec/merged.js';

export interface AnthropicStreamOptions {
  identity: AnthropicMessageIdentity;
}

type OpenBlock = { index: number; kind: 'text' | 'thinking' } | { index: number; kind: 'tool_use'; toolCallId: string };

/** One SSE frame; Anthropic names every event and repeats the name as `type` in the data. */
function frame(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/**
 * Writes StreamEvents as Messages API SSE: `message_start`, then per content block
 * `content_block_start` / `content_block_delta`… / `content_block_stop`, then `message_delta`
 * (stop reason and usage) and `message_stop`. Our events carry no block boundaries, so a block
 * opens when the kind of delta changes and closes when the next one opens or the stream finishes.
 * `message_start` carries the prompt's counts when the upstream sent them first (an Anthropic
 * upstream does), else zeros; `message_delta` carries the totals (the SDKs overwrite the snapshot's
 * counts with those present in `message_delta`).
 * A failure after the stream began becomes a final `event: error` frame.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export function createAnthropicSseFormatter(options: AnthropicStreamOptions): SseFormatter {
  const { identity } = options;
  let model = identity.model;
  let promptUsage: ReturnType<typeof toAnthropicUsage> | undefined;
  let started = false;
  let current: OpenBlock | undefined;
  let nextIndex = 0;
  const toolBlocks = new Map<string, number>();

  const start = (): string => {
    if (started) return '';
    started = true;
    const message = {
      id: identity.id,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: promptUsage ?? { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    };
    return frame('message_start', { message });
  };
  const closeBlock = (): string => {
    if (!current) return '';
    const out = frame('content_block_stop', { index: current.index });
    current = undefined;
    return out;
  };
  const openBlock = (block: OpenBlock, contentBlock: Record<string, unknown>): string => {
    const out = closeBlock() + frame('content_block_start', { index: block.index, content_block: contentBlock });
    current = block;
    return out;
  };
  const delta = (index: number, value: Record<string, unknown>) => frame('content_block_delta', { index, delta: value });

  /** The frames for one event ('' when it produces none). */
  const write = (event: StreamEvent): string => {
    switch (event.type) {
      case 'stream-start':
      case 'logprobs':
        return '';
      case 'response-metadata':
        if (!started && event.modelId) model = event.modelId;
        if (!started && event.promptUsage) promptUsage = merged(toAnthropicUsage(event.promptUsage), { output_tokens: 0 });
        return '';
      case 'text-delta': {
        if (event.delta === '') return '';
        let out = start();
        if (current?.kind !== 'text') out += openBlock({ index: nextIndex++, kind: 'text' }, { type: 'text', text: '' });
        return out + delta(current!.index, { type: 'text_delta', text: event.delta });
      }
      case 'reasoning-delta': {
        if (event.delta === '' && event.signature === undefined) return '';
        let out = start();
        if (current?.kind !== 'thinking') out += openBlock({ index: nextIndex++, kind: 'thinking' }, { type: 'thinking', thinking: '' });
        const index = current!.index;
        if (event.delta !== '') out += delta(index, { type: 'thinking_delta', thinking: event.delta });
        if (event.signature !== undefined) out += delta(index, { type: 'signature_delta', signature: event.signature });
        return out;
      }
      case 'tool-input-start': {
        const index = nextIndex++;
        toolBlocks.set(event.toolCallId, index);
        return (
          start() +
          openBlock({ index, kind: 'tool_use', toolCallId: event.toolCallId }, { type: 'tool_use', id: event.toolCallId, name: event.toolName, input: {} })
        );
      }
      case 'tool-input-delta': {
        if (event.delta === '') return '';
        // Deltas of an earlier, interleaved tool call go to that call's block: clients accumulate by index.
        const index = current?.kind === 'tool_use' && current.toolCallId === event.toolCallId ? current.index : toolBlocks.get(event.toolCallId);
        if (index === undefined) throw new StreamInterruptedError(`Tool input for unknown tool call '${event.toolCallId}'.`);
        return start() + delta(index, { type: 'input_json_delta', partial_json: event.delta });
      }
      case 'finish': {
        const stopReason = toAnthropicStopReason(event.finishReason);
        return (
          start() +
          closeBlock() +
          frame('message_delta', {
            delta: { stop_reason: stopReason, stop_sequence: matchedStopSequence(stopReason, identity.stopSequences) },
            usage: toAnthropicUsage(event.usage),
          }) +
          frame('message_stop', {})
        );
      }
    }
  };

  return {
    event: write,
    error: (error: GatewayError) => frame('error', { error: toAnthropicErrorResponse(error).body.error }),
  };
}

/** The same stream as web bytes, for consumers that are not node's HTTP server. */
export function toAnthropicMessageStream(events: ReadableStream<StreamEvent>, options: AnthropicStreamOptions): ReadableStream<Uint8Array> {
  return sseReadableStream(events.getReader(), createAnthropicSseFormatter(options));
}
