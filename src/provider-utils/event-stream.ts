import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { Readable } from 'node:stream';
import { GatewayError, InvalidProviderResponseError, StreamInterruptedError } from '../spec/errors.js';
import type { StreamEvent } from '../spec/stream-event.js';
import { createBodyChunkReader } from './body-chunk-reader.js';
import { mapTransportError, truncate } from './http-client.js';

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
  /**
   * Validates one SSE frame into a typed chunk, or returns SKIP_EVENT. Throws a typed error for
   * frames that are malformed or that carry a provider error.
   */
  parseEvent: (message: EventSourceMessage) => TChunk | typeof SKIP_EVENT;
  mapper: StreamChunkMapper<TChunk>;
  abortSignal?: AbortSignal;
}

/**
 * Turns an upstream SSE body into a ReadableStream of StreamEvents. SSE framing is done once here;
 * the stream is pull-based, so a slow client applies back-pressure to the upstream, and
 * cancelling it (client disconnect) destroys the upstream connection.
 */
export function createSseEventStream<TChunk>(options: SseStreamOptions<TChunk>): ReadableStream<StreamEvent> {
  const { provider, body, parseEvent, mapper } = options;
  const iterator = createBodyChunkReader(body);
  const decoder = new TextDecoder();
  const pending: StreamEvent[] = [];
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
  let deferredError: { error: unknown } | undefined;
  // Erroring a ReadableStream drops chunks already enqueued but not yet read, so events decoded
  // before a failure are delivered first and the error is raised on the next pull.
  const fail = (controller: ReadableStreamDefaultController<StreamEvent>, error: unknown): void => {
    if (pending.length === 0) {
      controller.error(error);
      return;
    }
    flushPending(controller);
    deferredError = { error };
  };

  return new ReadableStream<StreamEvent>(
    {
      async pull(controller) {
        if (deferredError !== undefined) {
          controller.error(deferredError.error);
          return;
        }
        if (!started) {
          started = true;
          mapper.start?.(emit);
        }
        while (pending.length === 0) {
          let next: IteratorResult<Buffer>;
          try {
            next = await iterator.next();
          } catch (error) {
            fail(controller, toStreamError(mapTransportError(error, provider, options.abortSignal), provider));
            return;
          }
          if (next.done) {
            parser.feed(decoder.decode() + '\n\n');
            try {
              if (failure === undefined) mapper.flush(emit);
            } catch (error) {
              failure = error;
            }
            if (failure !== undefined) {
              fail(controller, failure);
              return;
            }
            flushPending(controller);
            controller.close();
            return;
          }
          parser.feed(decoder.decode(next.value, { stream: true }));
          if (failure !== undefined) {
            body.destroy();
            fail(controller, failure);
            return;
          }
        }
        flushPending(controller);
      },
      cancel() {
        body.destroy();
      },
    },
    { highWaterMark: 0 },
  );

  function flushPending(controller: ReadableStreamDefaultController<StreamEvent>): void {
    for (const event of pending) controller.enqueue(event);
    pending.length = 0;
  }
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
