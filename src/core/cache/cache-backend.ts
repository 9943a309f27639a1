import { z } from 'zod';
import type { ChatResult } from '../../spec/chat-result.js';

/**
 * One cached answer: the result as the adapter returned it (without upstream headers), and the
 * deployment and pinned model version that produced it, so a hit can be checked against the
 * current config and reported as that deployment's answer.
 */
export interface CachedEntry {
  result: ChatResult;
  deploymentId: string;
  /** The deployment's pinned version (`version`, else its model id) when the answer was made. */
  modelVersion: string;
  /** Unix milliseconds when the answer was stored. */
  storedAt: number;
}

/**
 * Where cached answers live, modelled on Portkey's `CacheBackend`
 * (`Portkey-AI/gateway:src/shared/services/cache/types.ts`). Implementations never throw for a
 * missing or expired key (they answer undefined); a store that is down may reject, and callers
 * treat that as a miss.
 */
export interface CacheBackend {
  get(key: string): Promise<CachedEntry | undefined>;
  /** Stores an entry for `ttlMs`. Resolves once stored (or dropped, when it does not fit). */
  set(key: string, entry: CachedEntry, ttlMs: number): Promise<void>;
  /** Releases connections; the backend is unusable afterwards. */
  close(): Promise<void>;
}

/** The stored form of an entry: JSON text, so every backend stores the same bytes. */
export function encodeCachedEntry(entry: CachedEntry): string {
  return JSON.stringify(entry);
}

// Only the fields a hit reads are checked; the rest of the result passes through as stored.
const cachedEntrySchema = z.object({
  result: z.object({
    content: z.array(z.object({ type: z.enum(['text', 'tool-call', 'reasoning']) })),
    finishReason: z.object({ unified: z.string() }),
    usage: z.object({}),
    response: z.object({}),
    warnings: z.array(z.unknown()),
  }),
  deploymentId: z.string(),
  modelVersion: z.string(),
  storedAt: z.number(),
});

/**
 * Parses stored text back into an entry, or undefined when it is not one (written by another
 * version of the gateway, or corrupted): a bad entry is a miss, never a failed request.
 */
export function decodeCachedEntry(text: string): CachedEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return cachedEntrySchema.safeParse(value).success ? (value as CachedEntry) : undefined;
}
