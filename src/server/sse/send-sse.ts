import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { once } from 'node:events';
import type { StreamEventReader } from '../../spec/stream-event.js';
import type { ApiExchange } from '../request-context.js';
import { streamEndedWithoutFinish, toTypedStreamError, type SseFormatter } from './sse-formatter.js';
import { SSE_HEADERS } from './sse-headers.js';
import { sseReadableStream } from './sse-readable-stream.js';
import { merged } from '../../spec/merged.js';
import { countWait } from '../../spec/wait-clock.js';

/** Past this many buffered characters a write goes out at once (and waits for drain if needed). */
const FLUSH_AT = 16_384;

/**
 * Answers with an SSE stream. On node it writes straight to the socket: frames that are ready in
 * the same turn of the event loop go out as one write, a slow client applies back-pressure to the
 * upstream, and a client that goes away cancels the upstream. In-process it returns a web Response.
 */
export function sendSse(
  exchange: ApiExchange,
  headers: Record<string, string>,
  events: StreamEventReader,
  formatter: SseFormatter,
): Response {
  const outgoing = exchange.outgoing;
  if (!outgoing) return new Response(sseReadableStream(events, formatter), { status: 200, headers: merged(SSE_HEADERS, headers) });

  const reader = events;
  const waitClock = exchange.waitClock;
  let buffer = '';
  let scheduled = false;
  let clientGone = false;
  const gone = new AbortController();
  const flush = () => {
    scheduled = false;
    if (buffer !== '' && !clientGone) outgoing.write(buffer);
    buffer = '';
  };
  /** Buffers text; returns a promise only when the client is slow and the socket must drain first. */
  const write = (text: string): Promise<unknown> | undefined => {
    buffer += text;
    if (buffer.length >= FLUSH_AT) {
      flush();
      if (outgoing.writableNeedDrain) return once(outgoing, 'drain', { signal: gone.signal });
    } else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
    return undefined;
  };
  outgoing.once('close', () => {
    if (outgoing.writableFinished) return;
    clientGone = true;
    gone.abort();
    reader.cancel(new Error('client disconnected')).catch(() => undefined);
  });

  outgoing.writeHead(200, merged(SSE_HEADERS, headers));
  void (async () => {
    try {
      for (;;) {
        const next = await reader.read();
        if (next.done) throw streamEndedWithoutFinish();
        const text = formatter.event(next.value);
        if (text !== '') {
          const drained = write(text);
          // Waiting for a slow client to read is not the gateway's own time.
          if (drained) await countWait(waitClock, drained);
        }
        if (next.value.type === 'finish') break;
      }
    } catch (error) {
      if (clientGone) return;
      buffer += formatter.error(toTypedStreamError(error));
      reader.cancel().catch(() => undefined);
    }
    // The last frames and the end of the chunked body go out in one write.
    const rest = buffer;
    buffer = '';
    if (clientGone) outgoing.end();
    else outgoing.end(rest === '' ? undefined : rest);
    waitClock?.finish();
  })();
  return RESPONSE_ALREADY_SENT;
}
