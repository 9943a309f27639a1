import { hash, timingSafeEqual } from 'node:crypto';
import { AuthenticationError, PermissionDeniedError } from '../../spec/errors.js';
import type { VirtualKey, VirtualKeyRegistry } from '../../core/keys/virtual-key-registry.js';
import { remoteAddress, requestHeader, type ApiExchange } from '../request-context.js';

/** The key a client sent: OpenAI SDKs use `Authorization: Bearer`, Anthropic SDKs `x-api-key`. */
export function presentedKey(exchange: ApiExchange): string | undefined {
  const authorization = requestHeader(exchange, 'authorization');
  if (authorization?.toLowerCase().startsWith('bearer ')) return authorization.slice(7).trim();
  return requestHeader(exchange, 'x-api-key') ?? undefined;
}

function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}

/** Digests of the accepted keys, computed once per config (the arrays are frozen with it). */
const acceptedDigests = new WeakMap<readonly string[], Buffer[]>();

/** Constant-time membership check, comparing digests so lengths leak nothing either. */
export function keyMatches(presented: string, accepted: readonly string[]): boolean {
  let digests = acceptedDigests.get(accepted);
  if (!digests) {
    digests = accepted.map(digest);
    acceptedDigests.set(accepted, digests);
  }
  const presentedDigest = digest(presented);
  let found = false;
  for (const keyDigest of digests) found = timingSafeEqual(presentedDigest, keyDigest) || found;
  return found;
}

/**
 * Identifies the client of a /v1 request by its virtual key. Without configured keys the gateway
 * is open and the client is anonymous (undefined).
 */
export function authenticateClient(exchange: ApiExchange, keys: VirtualKeyRegistry): VirtualKey | undefined {
  if (keys.size === 0) return undefined;
  const key = presentedKey(exchange);
  if (!key) throw new AuthenticationError('Missing API key: send it as "Authorization: Bearer <key>" or "x-api-key".');
  const client = keys.authenticate(key);
  if (!client) throw new AuthenticationError('Invalid API key.');
  return client;
}

/** Admin routes need the admin key; without one configured they answer only to loopback clients. */
export function authenticateAdmin(exchange: ApiExchange, adminKey: string | undefined): void {
  if (adminKey) {
    const key = requestHeader(exchange, 'x-switchyard-admin-key') ?? presentedKey(exchange);
    if (!key) throw new AuthenticationError('Admin endpoints need the admin key (header x-switchyard-admin-key).');
    if (!keyMatches(key, [adminKey])) throw new AuthenticationError('Invalid admin key.');
    return;
  }
  const address = remoteAddress(exchange);
  if (address !== undefined && !isLoopback(address)) {
    throw new PermissionDeniedError('Admin endpoints are open only to loopback clients until server.admin_key is set.');
  }
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
