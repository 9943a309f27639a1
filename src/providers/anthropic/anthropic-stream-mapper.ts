import type { EventSourceMessage } from 'eventsource-parser';
import {
  parseProviderResponse,
  parseSseJson,
  SKIP_EVENT,
  streamEndedEarly,
  type EmitEvent,
  type StreamChunkMapper,
} from '../../provider-utils/index.js';
import type { CallWarning } from '../../spec/chat-result.js';
import { InvalidProviderResponseError } from '../../spec/errors.js';
import {
  ANTHROPIC_STREAM_EVENT_TYPES,
  anthropicStreamChunkSchema,
  isPlainAnthropicDelta,
  type AnthropicStreamChunk,
  type AnthropicUsage,
} from './anthropic-api.js';
import { mapAnthropicStreamError } from './anthropic-error.js';
import { convertAnthropicUsage } from './convert-anthropic-usage.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { JSON_RESPONSE_TOOL_NAME } from './prepare-anthropic-tools.js';

/**
 * Validates one SSE frame of a Messages stream. `error` events become typed errors (they arrive on
 * a 200 response, e.g. `overloaded_error` mid-generation); `ping` and event types we do not know
 * are skipped.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming#event-types
 */
export function parseAnthropicStreamEvent(provider: string, message: EventSourceMessage): AnthropicStreamChunk | typeof SKIP_EVENT {
  const json = parseSseJson(provider, message.data);
  const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
  if (typeof type !== 'string') {
    throw new InvalidProviderResponseError(`Upstream ${provider} sent a stream event without a type: ${message.data.slice(0, 200)}`, {
      provider,
    });
  }
  if (!ANTHROPIC_STREAM_EVENT_TYPES.has(type)) return SKIP_EVENT;
  const chunk = isPlainAnthropicDelta(json) ? json : parseProviderResponse(provider, anthropicStreamChunkSchema, json);
  if (chunk.type === 'error') throw mapAnthropicStreamError(provider, chunk.error, message.data);
  if (chunk.type === 'ping') return SKIP_EVENT;
  return chunk;
}

type BlockState =
  | { kind: 'text' }
  | { kind: 'reasoning' }
  /** A tool call the caller must run. */
  | { kind: 'tool'; toolCallId: string; sentInput: boolean }
  /** The `json` tool standing in for JSON mode: its input streams out as text. */
  | { kind: 'json'; sentInput: boolean }
  /** Blocks we do not surface (redacted thinking, server tools). */
  | { kind: 'ignored' };

/**
 * Maps Messages API stream events to StreamEvents. Content blocks are tracked by `index` because
 * deltas name only the index. Exactly one `finish` is emitted, at `message_stop`.
 * @see https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
export function createAnthropicStreamMapper(options: {
  provider: string;
  warnings: CallWarning[];
  usesJsonResponseTool: boolean;
}): StreamChunkMapper<AnthropicStreamChunk> {
  const blocks = new Map<number, BlockState>();
  let usage: AnthropicUsage = {};
  let stopReason: string | null | undefined;
  let calledUserTool = false;
  let finished = false;

  return {
    start(emit) {
      emit({ type: 'stream-start', warnings: options.warnings });
    },
    transform(chunk, emit) {
      if (finished) return;
      switch (chunk.type) {
        case 'message_start': {
          const { id, model } = chunk.message;
          usage = mergeUsage(usage, chunk.message.usage);
          const promptUsage = chunk.message.usage ? convertAnthropicUsage(usage) : undefined;
          emit({ type: 'response-metadata', ...(id ? { id } : {}), ...(model ? { modelId: model } : {}), ...(promptUsage && { promptUsage }) });
          break;
        }
        case 'content_block_start':
          blocks.set(chunk.index, startBlock(chunk.content_block, emit));
          break;
        case 'content_block_delta':
          applyDelta(blockAt(chunk.index), chunk.delta, emit);
          break;
        case 'content_block_stop': {
          const block = blockAt(chunk.index);
          // A tool called without arguments streams no JSON at all; `{}` keeps its input parseable.
          if (block.kind === 'tool' && !block.sentInput) emit({ type: 'tool-input-delta', toolCallId: block.toolCallId, delta: '{}' });
          if (block.kind === 'json' && !block.sentInput) emit({ type: 'text-delta', delta: '{}' });
          blocks.delete(chunk.index);
          break;
        }
        case 'message_delta':
          stopReason = chunk.delta.stop_reason ?? stopReason;
          usage = mergeUsage(usage, chunk.usage);
          break;
        case 'message_stop':
          finished = true;
          emit({
            type: 'finish',
            finishReason: mapAnthropicStopReason(stopReason, { isJsonResponse: options.usesJsonResponseTool && !calledUserTool }),
            usage: convertAnthropicUsage(usage),
          });
          break;
        case 'ping':
        case 'error':
          // Handled in parseAnthropicStreamEvent.
          break;
      }
    },
    flush() {
      if (!finished) throw streamEndedEarly(options.provider);
    },
  };

  function blockAt(index: number): BlockState {
    const block = blocks.get(index);
    if (block === undefined) {
      throw new InvalidProviderResponseError(`Upstream ${options.provider} sent an event for content block ${index}, which was never started`, {
        provider: options.provider,
      });
    }
    return block;
  }

  function startBlock(contentBlock: Extract<AnthropicStreamChunk, { type: 'content_block_start' }>['content_block'], emit: EmitEvent): BlockState {
    if ('text' in contentBlock && contentBlock.type === 'text') {
      if (contentBlock.text) emit({ type: 'text-delta', delta: contentBlock.text });
      return { kind: 'text' };
    }
    if ('thinking' in contentBlock && contentBlock.type === 'thinking') {
      if (contentBlock.thinking) emit({ type: 'reasoning-delta', delta: contentBlock.thinking });
      return { kind: 'reasoning' };
    }
    if ('id' in contentBlock && contentBlock.type === 'tool_use') {
      if (options.usesJsonResponseTool && contentBlock.name === JSON_RESPONSE_TOOL_NAME) return { kind: 'json', sentInput: false };
      calledUserTool = true;
      emit({ type: 'tool-input-start', toolCallId: contentBlock.id, toolName: contentBlock.name });
      return { kind: 'tool', toolCallId: contentBlock.id, sentInput: false };
    }
    return { kind: 'ignored' };
  }
}

function applyDelta(
  block: BlockState,
  delta: Extract<AnthropicStreamChunk, { type: 'content_block_delta' }>['delta'],
  emit: EmitEvent,
): void {
  if ('text' in delta && delta.type === 'text_delta') {
    if (block.kind === 'text' && delta.text !== '') emit({ type: 'text-delta', delta: delta.text });
  } else if ('partial_json' in delta && delta.type === 'input_json_delta') {
    if (delta.partial_json === '') return;
    if (block.kind === 'tool') {
      block.sentInput = true;
      emit({ type: 'tool-input-delta', toolCallId: block.toolCallId, delta: delta.partial_json });
    } else if (block.kind === 'json') {
      block.sentInput = true;
      emit({ type: 'text-delta', delta: delta.partial_json });
    }
  } else if ('thinking' in delta && delta.type === 'thinking_delta') {
    if (block.kind === 'reasoning' && delta.thinking !== '') emit({ type: 'reasoning-delta', delta: delta.thinking });
  } else if ('signature' in delta && delta.type === 'signature_delta') {
    if (block.kind === 'reasoning') emit({ type: 'reasoning-delta', delta: '', signature: delta.signature });
  }
}

/**
 * `message_start` carries the prompt counts and `message_delta` the (cumulative) output count;
 * newer API versions repeat the prompt counts in `message_delta`, so later non-null values win.
 */
function mergeUsage(current: AnthropicUsage, next: AnthropicUsage | null | undefined): AnthropicUsage {
  if (next === null || next === undefined) return current;
  // Not `{ ...current }`: a spread clone that is then extended outlives young GCs on node 20 (src/spec/merged.ts).
  const merged: AnthropicUsage = Object.assign({}, current);
  for (const [key, value] of Object.entries(next)) {
    if (value !== null && value !== undefined) merged[key] = value;
  }
  return merged;
}
