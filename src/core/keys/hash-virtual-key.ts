import { hash } from 'node:crypto';

/**
 * Lowercase hex SHA-256 of a virtual key: the form stored in config and in memory.
 * One-shot `hash` (not `createHash`): it runs per request, and a Hash object is a native handle that
 * every young-generation GC has to visit.
 */
export function hashVirtualKey(key: string): string {
  return hash('sha256', key, 'hex');
}
