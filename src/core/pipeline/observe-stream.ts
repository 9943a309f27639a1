import type { StreamEvent } from '../../spec/stream-event.js';
import type { Usage } from '../../spec/usage.js';

export interface StreamOutcome {
  usage?: Usage;
  finishReason?: string;
  error?: unknown;
  /** Milliseconds from `startedAt` to the first content event. */
  timeToFirstTokenMs?: number;
  /** The client went away before the stream finished. */
  cancelled?: boolean;
}

/**
 * Passes a stream through unchanged and reports, exactly once, how it ended. Pull-based, so it
 * adds no buffering; the report is made after the last event is handed on.
 */
export function observeStream(
  stream: ReadableStream<StreamEvent>,
  startedAt: number,
  onEnd: (outcome: StreamOutcome) => void,
): ReadableStream<StreamEvent> {
  const reader = stream.getReader();
  let firstTokenAt: number | undefined;
  let finish: Extract<StreamEvent, { type: 'finish' }> | undefined;
  let reported = false;
  const report = (outcome: StreamOutcome) => {
    if (reported) return;
    reported = true;
    const timeToFirstTokenMs = firstTokenAt === undefined ? undefined : firstTokenAt - startedAt;
    onEnd({ ...outcome, timeToFirstTokenMs });
  };
  return new ReadableStream<StreamEvent>(
    {
      async pull(controller) {
        let next: Awaited<ReturnType<typeof reader.read>>;
        try {
          next = await reader.read();
        } catch (error) {
          controller.error(error);
          report({ error, usage: finish?.usage });
          return;
        }
        if (next.done) {
          controller.close();
          report({ usage: finish?.usage, finishReason: finish?.finishReason.unified });
          return;
        }
        const event = next.value;
        if (firstTokenAt === undefined && (event.type === 'text-delta' || event.type === 'tool-input-start' || event.type === 'reasoning-delta')) {
          firstTokenAt = performance.now();
        }
        controller.enqueue(event);
        // `finish` is the last event by contract; writers may stop reading once they have it.
        if (event.type === 'finish') {
          finish = event;
          report({ usage: event.usage, finishReason: event.finishReason.unified });
        }
      },
      cancel(reason) {
        report({ cancelled: finish === undefined, usage: finish?.usage, finishReason: finish?.finishReason.unified });
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
