import type { StreamEventReader } from '../../spec/stream-event.js';
import { streamEndedWithoutFinish, toTypedStreamError, type SseFormatter } from './sse-formatter.js';

const encoder = new TextEncoder();

/**
 * Formats a StreamEvent stream as SSE bytes in a web ReadableStream, pulled by the consumer. Used
 * where the gateway does not run on node's HTTP server (in-process `app.request`, other runtimes).
 */
export function sseReadableStream(events: StreamEventReader, formatter: SseFormatter): ReadableStream<Uint8Array> {
  const reader = events;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let out = '';
        try {
          while (out === '') {
            const next = await reader.read();
            if (next.done) throw streamEndedWithoutFinish();
            out = formatter.event(next.value);
            if (next.value.type === 'finish') {
              controller.enqueue(encoder.encode(out));
              controller.close();
              return;
            }
          }
          controller.enqueue(encoder.encode(out));
        } catch (error) {
          controller.enqueue(encoder.encode(out + formatter.error(toTypedStreamError(error))));
          controller.close();
          reader.cancel().catch(() => undefined);
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
