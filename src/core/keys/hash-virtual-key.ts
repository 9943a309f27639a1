import { createHash } from 'node:crypto';

/** Lowercase hex SHA-256 of a virtual key: the form stored in config and in memory. */
export function hashVirtualKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
