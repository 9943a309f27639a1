import type { CallWarning, ResponseInfo, TokenLogprob } from './chat-result.js';
import type { FinishReason } from './finish-reason.js';
import type { Usage } from './usage.js';

/**
 * One event of a streamed generation. Adapters emit them in this order:
 * `stream-start`, optionally `response-metadata`, any number of deltas, then exactly one `finish`.
 * A failure mid-stream errors the stream with a typed GatewayError instead of emitting an event.
 */
export type StreamEvent =
  | { type: 'stream-start'; warnings: CallWarning[] }
  | ({
      type: 'response-metadata';
      /** The prompt's token counts, where the provider sends them before the answer (Anthropic's `message_start`). */
      promptUsage?: Usage;
    } & ResponseInfo)
  | { type: 'text-delta'; delta: string; /** Part of a refusal (see TextPart.refusal). */ refusal?: boolean }
  | { type: 'reasoning-delta'; delta: string; signature?: string }
  /** A tool call begins. `toolCallId` links later deltas to it. */
  | { type: 'tool-input-start'; toolCallId: string; toolName: string }
  /** A fragment of the tool call's JSON arguments. */
  | { type: 'tool-input-delta'; toolCallId: string; delta: string }
  | { type: 'logprobs'; content: TokenLogprob[] }
  | { type: 'finish'; finishReason: FinishReason; usage: Usage };

export type StreamEventType = StreamEvent['type'];

/**
 * A pull-based source of stream events: the read half of a ReadableStream (a web stream's reader
 * satisfies it) without a web stream of its own, which costs measurable CPU per request on node 20.
 * One read at a time, like an async iterator. After `done`, reads stay done; after an error, they
 * keep failing with it; `cancel` releases the upstream and ends the reader.
 */
export interface StreamEventReader {
  read(): Promise<{ done: true; value?: StreamEvent } | { done: false; value: StreamEvent }>;
  cancel(reason?: unknown): Promise<void>;
}
