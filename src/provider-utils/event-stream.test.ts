import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../spec/stream-event.js';
import { createSseEventStream, SKIP_EVENT, streamEndedEarly, type StreamChunkMapper } from './event-stream.js';

interface Chunk {
  text: string;
}

/** Maps `{"text": ...}` frames to text deltas; `{"done": true}` finishes; anything else is malformed. */
function textMapper(): StreamChunkMapper<Chunk> & { finished: boolean } {
  const mapper = {
    finished: false,
    start(emit: (event: StreamEvent) => void) {
      emit({ type: 'stream-start', warnings: [] });
    },
    transform(chunk: Chunk, emit: (event: StreamEvent) => void) {
      emit({ type: 'text-delta', delta: chunk.text });
    },
    flush(emit: (event: StreamEvent) => void) {
      if (!mapper.finished) throw streamEndedEarly('fake');
      emit({ type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: { inputTokens: 1, outputTokens: 2 } });
    },
  };
  return mapper;
}

function open(body: PassThrough, mapper = textMapper()) {
  return createSseEventStream<Chunk>({
    provider: 'fake',
    body,
    mapper,
    parseEvent(message) {
      const data = JSON.parse(message.data) as { text?: string; done?: boolean; bad?: boolean };
      if (data.bad) throw new Error('malformed frame');
      if (data.done) {
        mapper.finished = true;
        return SKIP_EVENT;
      }
      return { text: data.text ?? '' };
    },
  });
}

const frame = (data: object) => `data: ${JSON.stringify(data)}\n\n`;

describe('createSseEventStream', () => {
  it('reads the first event of a body that starts with a byte-order mark, cut inside the mark', async () => {
    const body = new PassThrough();
    const reader = open(body);
    const bytes = Buffer.from(`\uFEFF${frame({ text: 'Hi' })}`, 'utf8');
    body.write(bytes.subarray(0, 2));
    body.write(bytes.subarray(2));
    expect(await reader.read()).toEqual({ done: false, value: { type: 'stream-start', warnings: [] } });
    expect(await reader.read()).toEqual({ done: false, value: { type: 'text-delta', delta: 'Hi' } });
  });

  it('reads events in order, one upstream chunk at a time, and stays done after the end', async () => {
    const body = new PassThrough();
    const reader = open(body);
    body.write(frame({ text: 'Hel' }) + frame({ text: 'lo' }));
    expect(await reader.read()).toEqual({ done: false, value: { type: 'stream-start', warnings: [] } });
    expect(await reader.read()).toEqual({ done: false, value: { type: 'text-delta', delta: 'Hel' } });
    expect(await reader.read()).toEqual({ done: false, value: { type: 'text-delta', delta: 'lo' } });
    const pendingRead = reader.read();
    body.end(frame({ done: true }));
    expect(await pendingRead).toMatchObject({ done: false, value: { type: 'finish' } });
    expect(await reader.read()).toEqual({ done: true });
    expect(await reader.read()).toEqual({ done: true });
  });

  it('delivers the events decoded before a failure first, then fails on every later read', async () => {
    const body = new PassThrough();
    const reader = open(body);
    body.write(frame({ text: 'a' }) + frame({ bad: true }));
    expect((await reader.read()).value?.type).toBe('stream-start');
    expect(await reader.read()).toEqual({ done: false, value: { type: 'text-delta', delta: 'a' } });
    await expect(reader.read()).rejects.toThrow('malformed frame');
    await expect(reader.read()).rejects.toThrow('malformed frame');
    // The upstream connection is released at once.
    expect(body.destroyed).toBe(true);
  });

  it('fails with a typed error when the body ends before the provider signalled completion', async () => {
    const body = new PassThrough();
    const reader = open(body);
    body.end(frame({ text: 'cut' }));
    const events: StreamEvent[] = [];
    const error = await (async () => {
      for (;;) {
        const next = await reader.read();
        if (next.done) return undefined;
        events.push(next.value);
      }
    })().catch((caught: unknown) => caught);
    expect(events.map((event) => event.type)).toEqual(['stream-start', 'text-delta']);
    expect(error).toMatchObject({ code: 'stream_interrupted' });
  });

  it('turns a connection that breaks mid-body into a stream_interrupted error', async () => {
    const body = new PassThrough();
    const reader = open(body);
    body.write(frame({ text: 'x' }));
    expect((await reader.read()).value?.type).toBe('stream-start');
    expect((await reader.read()).value?.type).toBe('text-delta');
    const pendingRead = reader.read();
    body.destroy(Object.assign(new Error('socket hang up'), { code: 'UND_ERR_SOCKET' }));
    await expect(pendingRead).rejects.toMatchObject({ code: 'stream_interrupted' });
  });

  it('refuses a second read while one is pending', async () => {
    const body = new PassThrough();
    const reader = open(body);
    expect((await reader.read()).value?.type).toBe('stream-start');
    const first = reader.read();
    await expect(reader.read()).rejects.toThrow('another read');
    body.end(frame({ text: 'late' }) + frame({ done: true }));
    expect(await first).toEqual({ done: false, value: { type: 'text-delta', delta: 'late' } });
  });

  it('cancel destroys the upstream body and ends the reader, even with a read pending', async () => {
    const body = new PassThrough();
    const reader = open(body);
    body.write(frame({ text: 'one' }) + frame({ text: 'two' }));
    expect((await reader.read()).value?.type).toBe('stream-start');
    await reader.cancel(new Error('client went away'));
    expect(body.destroyed).toBe(true);
    expect(await reader.read()).toEqual({ done: true });

    const second = new PassThrough();
    const waiting = open(second);
    expect((await waiting.read()).value?.type).toBe('stream-start');
    const pendingRead = waiting.read();
    await waiting.cancel();
    expect(await pendingRead).toEqual({ done: true });
    expect(second.destroyed).toBe(true);
  });
});
