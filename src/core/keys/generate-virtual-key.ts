import { randomBytes } from 'node:crypto';
import { hashVirtualKey } from './hash-virtual-key.js';

/** Prefix of generated keys, so they are recognisable in logs and by secret scanners. */
export const VIRTUAL_KEY_PREFIX = 'sy-';

export interface GeneratedVirtualKey {
  /** Shown once to the operator; never stored by the gateway. */
  key: string;
  /** Hex SHA-256 of `key`, for `key_sha256` in the config. */
  sha256: string;
}

/** A new key with 256 bits of entropy: `sy-` + 32 random bytes in base64url (43 characters). */
export function generateVirtualKey(): GeneratedVirtualKey {
  const key = `${VIRTUAL_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, sha256: hashVirtualKey(key) };
}
