import type { StreamEvent, StreamEventReader } from '../../spec/stream-event.js';
import type { Usage } from '../../spec/usage.js';
import { merged } from '../../spec/merged.js';

export interface StreamOutcome {
  usage?: Usage;
  finishReason?: string;
  error?: unknown;
  /** Milliseconds from `startedAt` to the first content event. */
  timeToFirstTokenMs?: number;
  /** The client went away before the stream finished. */
  cancelled?: boolean;
}

/** Who wants to know how a stream ended, and from when to time its first token. */
export interface StreamObserver {
  startedAt: number;
  /** Every event passed on (used to restart the idle timer). */
  onEvent?(event: StreamEvent): void;
  onEnd(outcome: StreamOutcome): void;
}


/**
 * Continues a stream after the events already read (`held`), and reports to the observer, exactly
 * once, how it ended.
 */
export function resumeObservedEvents(
  held: StreamEvent[],
  reader: StreamEventReader,
  observer: StreamObserver | undefined,
): StreamEventReader {
  let index = 0;
  let firstTokenAt: number | undefined;
  let finish: Extract<StreamEvent, { type: 'finish' }> | undefined;
  let reported = false;
  const report = (outcome: StreamOutcome) => {
    if (reported || !observer) return;
    reported = true;
    const timeToFirstTokenMs = firstTokenAt === undefined ? undefined : firstTokenAt - observer.startedAt;
    observer.onEnd(merged(outcome, { timeToFirstTokenMs }));
  };
  const pass = (event: StreamEvent) => {
    observer?.onEvent?.(event);
    if (firstTokenAt === undefined && (event.type === 'text-delta' || event.type === 'tool-input-start' || event.type === 'reasoning-delta')) {
      firstTokenAt = performance.now();
    }
    // `finish` is the last event by contract; writers may stop reading once they have it.
    if (event.type === 'finish') {
      finish = event;
      report({ usage: event.usage, finishReason: event.finishReason.unified });
    }
    return { done: false as const, value: event };
  };
  return {
    read() {
      if (index < held.length) return Promise.resolve(pass(held[index++]!));
      return reader.read().then(
        (next) => {
          if (!next.done) return pass(next.value);
          report({ usage: finish?.usage, finishReason: finish?.finishReason.unified });
          return { done: true as const };
        },
        (error: unknown) => {
          report({ error, usage: finish?.usage });
          throw error;
        },
      );
    },
    cancel(reason) {
      report({ cancelled: finish === undefined, usage: finish?.usage, finishReason: finish?.finishReason.unified });
      return reader.cancel(reason);
    },
  };
}
