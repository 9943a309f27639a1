import type { ChatResult } from '../../spec/chat-result.js';
import type { StreamEvent, StreamEventReader } from '../../spec/stream-event.js';
import { StreamResultCollector } from './collect-stream-result.js';

/** How a replayed stream ended: read to its `finish`, or cancelled by the client before it. */
export interface ReplayOutcome {
  cancelled: boolean;
  /** `performance.now()` when the first content event was read. */
  firstTokenAt: number | undefined;
}

/** Serves events from memory through the pipeline's stream reader interface, reporting its end once. */
export function replayEventReader(events: StreamEvent[], onEnd: (outcome: ReplayOutcome) => void): StreamEventReader {
  let index = 0;
  let firstTokenAt: number | undefined;
  let ended = false;
  const end = (cancelled: boolean) => {
    if (ended) return;
    ended = true;
    onEnd({ cancelled, firstTokenAt });
  };
  return {
    read() {
      const event = events[index++];
      if (event === undefined) {
        end(false);
        return Promise.resolve({ done: true as const });
      }
      if (firstTokenAt === undefined && event.type !== 'stream-start' && event.type !== 'response-metadata') firstTokenAt = performance.now();
      // Writers may stop reading at `finish`, the last event by contract.
      if (event.type === 'finish') end(false);
      return Promise.resolve({ done: false as const, value: event });
    },
    cancel() {
      end(index < events.length);
      return Promise.resolve();
    },
  };
}

/**
 * Passes a stream through unchanged while collecting it into a ChatResult, handed to `onFinish`
 * when the `finish` event passes. A stream that errors or is cancelled before it never calls it.
 */
export function collectingEventReader(reader: StreamEventReader, onFinish: (result: ChatResult) => void): StreamEventReader {
  const collector = new StreamResultCollector();
  let delivered = false;
  return {
    async read() {
      const next = await reader.read();
      if (next.done) return next;
      collector.add(next.value);
      if (next.value.type === 'finish' && !delivered) {
        delivered = true;
        const result = collector.result();
        if (result) onFinish(result);
      }
      return next;
    },
    cancel: (reason) => reader.cancel(reason),
  };
}
