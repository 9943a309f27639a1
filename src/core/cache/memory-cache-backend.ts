import { DEFAULT_CACHE_MAX_BYTES, DEFAULT_CACHE_MAX_ENTRIES } from './cache-config.js';
import { decodeCachedEntry, encodeCachedEntry, type CacheBackend, type CachedEntry } from './cache-backend.js';

export interface MemoryCacheBackendOptions {
  maxEntries?: number;
  /** Bound on the UTF-8 size of all encoded entries together. */
  maxBytes?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  clock?: () => number;
}

interface Slot {
  text: string;
  bytes: number;
  expiresAt: number;
}

/**
 * A per-process cache, bounded by entry count and bytes, least recently used evicted first. A
 * `Map` keeps insertion order, so moving an entry to the end on every read makes its first key
 * the least recently used. Entries are kept encoded: each hit parses a fresh copy, so a caller
 * that changes its result never changes the cache, and the byte bound measures what is stored.
 */
export class MemoryCacheBackend implements CacheBackend {
  private readonly slots = new Map<string, Slot>();
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly clock: () => number;
  private bytes = 0;

  constructor(options: MemoryCacheBackendOptions = {}) {
    this.maxEntries = options.maxEntries ?? DEFAULT_CACHE_MAX_ENTRIES;
    this.maxBytes = options.maxBytes ?? DEFAULT_CACHE_MAX_BYTES;
    this.clock = options.clock ?? Date.now;
  }

  /** Number of entries held (expired ones included until they are read or evicted). */
  get size(): number {
    return this.slots.size;
  }

  /** Total encoded bytes held. */
  get totalBytes(): number {
    return this.bytes;
  }

  get(key: string): Promise<CachedEntry | undefined> {
    const slot = this.slots.get(key);
    if (!slot) return Promise.resolve(undefined);
    this.slots.delete(key);
    if (slot.expiresAt <= this.clock()) {
      this.bytes -= slot.bytes;
      return Promise.resolve(undefined);
    }
    this.slots.set(key, slot);
    return Promise.resolve(decodeCachedEntry(slot.text));
  }

  set(key: string, entry: CachedEntry, ttlMs: number): Promise<void> {
    const text = encodeCachedEntry(entry);
    const bytes = Buffer.byteLength(text);
    this.remove(key);
    // An entry that could never fit would only empty the cache on its way in.
    if (bytes > this.maxBytes || ttlMs <= 0) return Promise.resolve();
    this.slots.set(key, { text, bytes, expiresAt: this.clock() + ttlMs });
    this.bytes += bytes;
    this.evict();
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.slots.clear();
    this.bytes = 0;
    return Promise.resolve();
  }

  private remove(key: string): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    this.slots.delete(key);
    this.bytes -= slot.bytes;
  }

  /**
   * Drops the least recently used entries until both bounds hold. Expired entries are not hunted
   * down (that would scan the whole map on every write); unread, they drift to the front and go first.
   */
  private evict(): void {
    for (const key of this.slots.keys()) {
      if (this.slots.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.remove(key);
    }
  }
}
