import { describe, expect, it } from 'vitest';
import { batchLines, SerializedRecordQueue } from './serialized-record-queue.js';

describe('SerializedRecordQueue', () => {
  it('keeps JSON lines as UTF-8 bytes in batches of at most batchSize, oldest first', () => {
    const queue = new SerializedRecordQueue(2);
    const lines = ['{"id":"a"}', '{"id":"b","note":"é ✓ 𝄞"}', '{"id":"c"}'];
    for (const line of lines) queue.push(line);
    expect(queue.length).toBe(3);
    const first = queue.shift()!;
    expect(first.count).toBe(2);
    expect(Buffer.from(first.bytes).toString('utf8')).toBe(`${lines[0]}\n${lines[1]}\n`);
    expect(batchLines(first)).toEqual(lines.slice(0, 2));
    expect(queue.length).toBe(1);
    // The partly filled batch leaves too; records pushed after it start a new one.
    const second = queue.shift()!;
    queue.push('{"id":"d"}');
    expect(batchLines(second)).toEqual(['{"id":"c"}']);
    expect(queue.drain().map(batchLines)).toEqual([['{"id":"d"}']]);
    expect(queue.length).toBe(0);
    expect(queue.shift()).toBeUndefined();
  });

  it('grows a batch past its first buffer without losing or splitting records (one larger than the buffer too)', () => {
    const queue = new SerializedRecordQueue(1000);
    const big = JSON.stringify({ id: 'big', text: 'x'.repeat(200_000) });
    const lines = Array.from({ length: 300 }, (_value, index) => JSON.stringify({ id: `r${index}`, text: 'y'.repeat(index * 3) }));
    lines.splice(150, 0, big);
    for (const line of lines) queue.push(line);
    const batch = queue.shift()!;
    expect(batch.count).toBe(301);
    expect(batchLines(batch)).toEqual(lines);
  });

  it('keeps a record whose text holds escaped newlines as one line', () => {
    const queue = new SerializedRecordQueue(10);
    const line = JSON.stringify({ id: 'n', text: 'first\nsecond\r\n' });
    queue.push(line);
    expect(batchLines(queue.shift()!)).toEqual([line]);
  });

  it('sizes a new batch by the last one taken, so early flushes of a few records do not each get a full-batch buffer', () => {
    const queue = new SerializedRecordQueue(1000);
    const line = JSON.stringify({ id: 'r', text: 'z'.repeat(1000) });
    for (let index = 0; index <= 1000; index++) queue.push(line);
    // The 1001st record opened a batch sized like the full one before it (~1 MB).
    expect(queue.shift()!.count).toBe(1000);
    const early = queue.shift()!;
    expect(early.count).toBe(1);
    expect(early.bytes.buffer.byteLength).toBeGreaterThan(1_000_000);
    // Taken with one record in it: the next batch starts small again.
    queue.push(line);
    expect(queue.shift()!.bytes.buffer.byteLength).toBe(64 * 1024);
  });

  it('hands batches out as views of shared memory, and reuses a released batch buffer for a later batch', () => {
    const queue = new SerializedRecordQueue(2);
    queue.push('{"id":"a"}');
    queue.push('{"id":"b"}');
    const stored = queue.shift()!;
    // Shared, so posting it to the store's worker passes a reference instead of copying it.
    expect(stored.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    const storedMemory = stored.bytes.buffer;
    queue.release(stored);
    queue.push('{"id":"c"}');
    const next = queue.shift()!;
    expect(next.bytes.buffer).toBe(storedMemory);
    expect(batchLines(next)).toEqual(['{"id":"c"}']);
  });

  it('never reuses the buffer of a batch that was not released (one being spilled keeps its bytes)', () => {
    const queue = new SerializedRecordQueue(1);
    queue.push('{"id":"kept"}');
    const spilled = queue.shift()!;
    for (let index = 0; index < 20; index++) {
      queue.push(`{"id":"later-${index}"}`);
      queue.release(queue.shift()!);
    }
    expect(batchLines(spilled)).toEqual(['{"id":"kept"}']);
  });

  it('lets a released buffer of a batch of huge records go instead of keeping it', () => {
    const queue = new SerializedRecordQueue(1);
    queue.push(JSON.stringify({ id: 'huge', text: 'h'.repeat(3_000_000) }));
    const huge = queue.shift()!;
    const hugeMemory = huge.bytes.buffer;
    queue.release(huge);
    queue.push(JSON.stringify({ id: 'huge-again', text: 'h'.repeat(3_000_000) }));
    expect(queue.shift()!.bytes.buffer).not.toBe(hugeMemory);
  });
});
