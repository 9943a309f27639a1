import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StreamEvent, StreamEventReader } from '../../spec/stream-event.js';
import { WaitClock } from '../../spec/wait-clock.js';
import type { ApiExchange } from '../request-context.js';
import type { SseFormatter } from './sse-formatter.js';
import { sendSse } from './send-sse.js';

/** Node's ServerResponse as sendSse uses it, with a socket that is full after the first write until drained. */
class SlowClientResponse extends EventEmitter {
  written: string[] = [];
  writableNeedDrain = false;
  writableFinished = false;
  ended = false;
  writeHead(): this {
    return this;
  }
  write(text: string): boolean {
    this.written.push(text);
    this.writableNeedDrain = this.written.length === 1;
    return !this.writableNeedDrain;
  }
  end(text?: string): this {
    if (text !== undefined) this.written.push(text);
    this.ended = true;
    this.writableFinished = true;
    return this;
  }
}

function readerOf(events: StreamEvent[]): StreamEventReader {
  let index = 0;
  return {
    read: async () => (index < events.length ? { done: false, value: events[index++]! } : { done: true }),
    cancel: async () => undefined,
  };
}

const formatter: SseFormatter = {
  event: (event) => (event.type === 'text-delta' ? `data: ${event.delta}\n\n` : event.type === 'finish' ? 'data: [DONE]\n\n' : ''),
  error: () => 'data: error\n\n',
};

/** Lets the writer's promise chain run (vi.waitFor would move the faked clock while it polls). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('sendSse', () => {
  it("counts waiting for a slow client's socket to drain as waiting, and finishes the wait clock with the response", async () => {
    const outgoing = new SlowClientResponse();
    const waitClock = new WaitClock();
    const exchange = { outgoing, waitClock } as unknown as ApiExchange;
    const big = 'x'.repeat(20_000);
    const startedAt = performance.now();
    sendSse(
      exchange,
      {},
      readerOf([
        { type: 'text-delta', id: '0', delta: big },
        { type: 'text-delta', id: '0', delta: 'tail' },
        { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: { inputTokens: 1, outputTokens: 1 } },
      ] as StreamEvent[]),
      formatter,
    );
    await settle();
    expect(outgoing.written).toHaveLength(1);
    expect(waitClock.finished).toBe(false);
    // The client takes 250 ms to read what it was sent.
    vi.advanceTimersByTime(250);
    outgoing.writableNeedDrain = false;
    outgoing.emit('drain');
    await settle();
    expect(outgoing.ended).toBe(true);
    expect(outgoing.written.join('')).toBe(`data: ${big}\n\ndata: tail\n\ndata: [DONE]\n\n`);
    expect(waitClock.finished).toBe(true);
    expect(waitClock.waitedUntil(performance.now())).toBe(250);
    expect(waitClock.ownTimeMs(startedAt)).toBe(0);
  });
});
