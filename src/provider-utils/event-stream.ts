import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { Readable } from 'node:stream';
import { GatewayError, InvalidProviderResponseError, StreamInterruptedError } from '../spec/errors.js';
import type { StreamEvent, StreamEventReader } from '../spec/stream-event.js';
import { createBodyChunkReader } from './body-chunk-reader.js';
import { mapTransportError, truncate } from './http-client.js';
import type { UpstreamDeadline } from './upstream-deadline.js';
import { Utf8ChunkDecoder } from './utf8-chunk-decoder.js';

/** Emits a StreamEvent to the consumer. */
export type EmitEvent = (event: StreamEvent) => void;

/**
 * A provider's stream logic: it receives the provider's typed chunks (already framed and parsed)
 * and emits StreamEvents. `flush` runs when the upstream body ends and must throw if the stream
 * ended before the provider signalled completion.
 */
export interface StreamChunkMapper<TChunk> {
  start?(emit: EmitEvent): void;
  transform(chunk: TChunk, emit: EmitEvent): void;
  flush(emit: EmitEvent): void;
}

/** Returned by `parseEvent` for frames to skip (keep-alives, `[DONE]`, unknown event types). */
export const SKIP_EVENT = Symbol('skip-event');

export interface SseStreamOptions<TChunk> {
  provider: string;
  /** The upstream response body. */
  body: Readable;
  /** The upstream call's deadline (`UpstreamResponse.deadline`): the idle limit runs while the stream waits for data. */
  deadline?: UpstreamDeadline;
  /**
   * Validates one SSE frame into a typed chunk, or returns SKIP_EVENT. Throws a typed error for
   * frames that are malformed or that carry a provider error.
   */
  parseEvent: (message: EventSourceMessage) => TChunk | typeof SKIP_EVENT;
  mapper: StreamChunkMapper<TChunk>;
  abortSignal?: AbortSignal;
}

/**
 * Turns an upstream SSE body into a reader of StreamEvents. SSE framing is done once here; reading
 * is pull-based, so a slow client applies back-pressure to the upstream, and cancelling it (client
 * disconnect) destroys the upstream connection. It is a plain reader rather than a web
 * ReadableStream: on node 20 a web stream per request (its construction, transfer wiring and
 * promise machinery) cost about 5% of a streamed request's CPU.
 */
export function createSseEventStream<TChunk>(options: SseStreamOptions<TChunk>): StreamEventReader {
  const { provider, body, parseEvent, mapper } = options;
  const iterator = createBodyChunkReader(body, options.deadline);
  const decoder = new Utf8ChunkDecoder();
  // Events decoded but not yet read; `head` is the next one to hand out.
  let pending: StreamEvent[] = [];
  let head = 0;
  const emit: EmitEvent = (event) => {
    pending.push(event);
  };
  let failure: unknown;
  const parser = createParser({
    onEvent(message) {
      if (failure !== undefined) return;
      try {
        const chunk = parseEvent(message);
        if (chunk !== SKIP_EVENT) mapper.transform(chunk, emit);
      } catch (error) {
        failure = error;
      }
    },
  });
  let started = false;
  let ended = false;
  let cancelled = false;
  let reading = false;
  // Events decoded before a failure are delivered first; the error is raised once they are read,
  // and on every read after that.
  let terminalError: { error: unknown } | undefined;

  const take = (): { done: false; value: StreamEvent } => {
    const value = pending[head]!;
    head += 1;
    if (head === pending.length) {
      pending = [];
      head = 0;
    }
    return { done: false, value };
  };

  /** Feeds upstream chunks to the parser until an event is ready, the body ends or it fails. */
  const fill = async (): Promise<void> => {
    if (!started) {
      started = true;
      mapper.start?.(emit);
    }
    while (head === pending.length && !ended && terminalError === undefined && !cancelled) {
      let next: IteratorResult<Buffer>;
      try {
        next = await iterator.next();
      } catch (error) {
        if (!cancelled) terminalError = { error: toStreamError(mapTransportError(error, provider, options.abortSignal), provider) };
        return;
      }
      if (next.done) {
        ended = true;
        parser.feed(decoder.end() + '\n\n');
        try {
          if (failure === undefined) mapper.flush(emit);
        } catch (error) {
          failure = error;
        }
        if (failure !== undefined) terminalError = { error: failure };
        return;
      }
      parser.feed(decoder.decode(next.value));
      if (failure !== undefined) {
        body.destroy();
        terminalError = { error: failure };
        return;
      }
    }
  };

  const settle = (): Promise<{ done: true } | { done: false; value: StreamEvent }> => {
    if (head < pending.length && !cancelled) return Promise.resolve(take());
    if (terminalError !== undefined) return Promise.reject(terminalError.error);
    return Promise.resolve({ done: true });
  };

  return {
    read() {
      if (reading) return Promise.reject(new Error('read() called while another read of this stream is pending'));
      if (cancelled || ended || head < pending.length || terminalError !== undefined) return settle();
      reading = true;
      return fill().then(
        () => {
          reading = false;
          return settle();
        },
        (error: unknown) => {
          reading = false;
          terminalError ??= { error };
          return settle();
        },
      );
    },
    cancel() {
      if (!cancelled) {
        cancelled = true;
        pending = [];
        head = 0;
        body.destroy();
      }
      return Promise.resolve();
    },
  };
}

function toStreamError(error: unknown, provider: string): unknown {
  if (GatewayError.isInstance(error)) {
    if (error.code === 'provider_unreachable') {
      return new StreamInterruptedError(`Upstream ${provider} closed the stream mid-way: ${error.message}`, { cause: error });
    }
    return error;
  }
  return error;
}

/** Parses one SSE data payload as JSON, throwing a typed error naming the provider when it is not. */
export function parseSseJson(provider: string, data: string): unknown {
  try {
    return JSON.parse(data);
  } catch (error) {
    throw new InvalidProviderResponseError(`Upstream ${provider} sent a malformed stream chunk: ${truncate(data, 200)}`, {
      provider,
      cause: error,
    });
  }
}

/** Thrown by `flush` when the upstream body ended without its completion marker. */
export function streamEndedEarly(provider: string): StreamInterruptedError {
  return new StreamInterruptedError(`Upstream ${provider} ended the stream before it was complete`);
}
