import { describe, expect, it } from 'vitest';
import type { CachedEntry } from './cache-backend.js';
import { decodeCachedEntry, encodeCachedEntry } from './cache-backend.js';
import { MemoryCacheBackend } from './memory-cache-backend.js';

function entry(text: string): CachedEntry {
  return {
    result: {
      content: [{ type: 'text', text }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: { inputTokens: 3, outputTokens: 2 },
      response: { id: 'resp-1', modelId: 'm-2024' },
      warnings: [],
    },
    deploymentId: 'p/m',
    modelVersion: 'm-2024',
    storedAt: 1,
  };
}

const bytesOf = (value: CachedEntry) => Buffer.byteLength(encodeCachedEntry(value));

describe('MemoryCacheBackend', () => {
  it('returns what was stored, as a fresh copy each time', async () => {
    const cache = new MemoryCacheBackend();
    await cache.set('k', entry('hello'), 1000);
    const first = await cache.get('k');
    expect(first).toEqual(entry('hello'));
    first!.result.content.push({ type: 'text', text: 'changed by a caller' });
    expect(await cache.get('k')).toEqual(entry('hello'));
    expect(await cache.get('missing')).toBeUndefined();
  });

  it('expires entries after their TTL', async () => {
    let now = 1_000;
    const cache = new MemoryCacheBackend({ clock: () => now });
    await cache.set('short', entry('a'), 100);
    await cache.set('long', entry('b'), 10_000);
    now += 99;
    expect(await cache.get('short')).toBeDefined();
    now += 1;
    expect(await cache.get('short')).toBeUndefined();
    expect(cache.size).toBe(1);
    expect(cache.totalBytes).toBe(bytesOf(entry('b')));
    expect(await cache.get('long')).toBeDefined();
  });

  it('evicts the least recently used entry beyond max entries', async () => {
    const cache = new MemoryCacheBackend({ maxEntries: 2 });
    await cache.set('a', entry('a'), 10_000);
    await cache.set('b', entry('b'), 10_000);
    await cache.get('a'); // a is now more recent than b
    await cache.set('c', entry('c'), 10_000);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBeDefined();
    expect(await cache.get('c')).toBeDefined();
    expect(cache.size).toBe(2);
  });

  it('evicts by bytes, keeps the byte count exact on overwrite, and refuses an entry larger than the whole cache', async () => {
    const size = bytesOf(entry('xxxx'));
    const cache = new MemoryCacheBackend({ maxBytes: size * 2 });
    await cache.set('a', entry('xxxx'), 10_000);
    await cache.set('b', entry('yyyy'), 10_000);
    await cache.set('b', entry('zzzz'), 10_000);
    expect(cache.totalBytes).toBe(size * 2);
    await cache.set('c', entry('wwww'), 10_000);
    expect(await cache.get('a')).toBeUndefined();
    expect(cache.totalBytes).toBe(size * 2);

    await cache.set('huge', entry('x'.repeat(size * 3)), 10_000);
    expect(await cache.get('huge')).toBeUndefined();
    // The oversized entry did not push anything out.
    expect(await cache.get('b')).toEqual(entry('zzzz'));
    expect(await cache.get('c')).toBeDefined();
  });

  it('empties on close', async () => {
    const cache = new MemoryCacheBackend();
    await cache.set('a', entry('a'), 10_000);
    await cache.close();
    expect(cache.size).toBe(0);
    expect(await cache.get('a')).toBeUndefined();
  });
});

describe('decodeCachedEntry', () => {
  it('answers undefined for text that is not an entry', () => {
    expect(decodeCachedEntry('not json')).toBeUndefined();
    expect(decodeCachedEntry('{"result":{}}')).toBeUndefined();
    expect(decodeCachedEntry(encodeCachedEntry(entry('ok')))).toEqual(entry('ok'));
  });
});
