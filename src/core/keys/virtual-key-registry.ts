import type { LimitsConfig } from '../limits/limit-config.js';
import { hashVirtualKey } from './hash-virtual-key.js';
import type { VirtualKeyConfig } from './virtual-key-config.js';

/** An authenticated caller: what it may use and how much. */
export interface VirtualKey {
  readonly name: string;
  readonly limits: LimitsConfig | undefined;
  /**
   * Whether this key may call `workload` (a request to `workload/<name>`) and/or the model it
   * names directly. Each list absent means all; both given must both allow.
   */
  allows(workload?: string, model?: string): boolean;
}

/**
 * Virtual keys by digest. Only SHA-256 digests are held, so a memory dump or a leaked config
 * reveals no usable key.
 */
export class VirtualKeyRegistry {
  private constructor(
    private readonly byDigest: ReadonlyMap<string, VirtualKey>,
    readonly size: number,
  ) {}

  static fromConfig(entries: readonly VirtualKeyConfig[]): VirtualKeyRegistry {
    const byDigest = new Map<string, VirtualKey>();
    for (const entry of entries) {
      // A disabled key is left out, so it is refused exactly like an unknown one.
      if (entry.disabled) continue;
      byDigest.set(entry.key_sha256.toLowerCase(), createVirtualKey(entry));
    }
    return new VirtualKeyRegistry(byDigest, entries.length);
  }

  /**
   * The key's owner, or undefined for an unknown or disabled key.
   *
   * No constant-time comparison is needed: the lookup is by SHA-256 digest of the presented key.
   * Whatever timing a Map lookup leaks concerns the digest of the attacker's own guess, and since
   * the attacker cannot choose inputs whose digests share a prefix with a stored digest (that
   * would need preimage attacks on SHA-256), learning how far a digest matched reveals nothing
   * about the key. Timing attacks need the compared value to be steerable byte by byte; a digest is not.
   */
  authenticate(presentedKey: string): VirtualKey | undefined {
    if (presentedKey.length === 0) return undefined;
    return this.byDigest.get(hashVirtualKey(presentedKey));
  }
}

function createVirtualKey(entry: VirtualKeyConfig): VirtualKey {
  const workloads = entry.workloads === undefined ? undefined : new Set(entry.workloads);
  const models = entry.models === undefined ? undefined : new Set(entry.models);
  return Object.freeze({
    name: entry.name,
    limits: entry.limits,
    allows(workload?: string, model?: string): boolean {
      if (workload !== undefined && workloads !== undefined && !workloads.has(workload)) return false;
      if (model !== undefined && models !== undefined && !models.has(model)) return false;
      return true;
    },
  });
}
