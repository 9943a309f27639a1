import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { AuthenticationError, PermissionDeniedError } from '../../spec/errors.js';
import type { GatewayEnv } from '../gateway-context.js';
import { requestHeader } from '../request-context.js';

/** The key a client sent: OpenAI SDKs use `Authorization: Bearer`, Anthropic SDKs `x-api-key`. */
export function presentedKey(context: Context<GatewayEnv>): string | undefined {
  const authorization = requestHeader(context, 'authorization');
  if (authorization?.toLowerCase().startsWith('bearer ')) return authorization.slice(7).trim();
  return requestHeader(context, 'x-api-key') ?? undefined;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
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

/** Checks a client key for /v1 routes when keys are configured. */
export function authenticateClient(context: Context<GatewayEnv>, acceptedKeys: readonly string[]): void {
  if (acceptedKeys.length === 0) return;
  const key = presentedKey(context);
  if (!key) throw new AuthenticationError('Missing API key: send it as "Authorization: Bearer <key>" or "x-api-key".');
  if (!keyMatches(key, acceptedKeys)) throw new AuthenticationError('Invalid API key.');
}

/** Admin routes need the admin key; without one configured they answer only to loopback clients. */
export function authenticateAdmin(context: Context<GatewayEnv>, adminKey: string | undefined): void {
  if (adminKey) {
    const key = requestHeader(context, 'x-switchyard-admin-key') ?? presentedKey(context);
    if (!key) throw new AuthenticationError('Admin endpoints need the admin key (header x-switchyard-admin-key).');
    if (!keyMatches(key, [adminKey])) throw new AuthenticationError('Invalid admin key.');
    return;
  }
  const address = context.env?.incoming?.socket.remoteAddress;
  if (address !== undefined && !isLoopback(address)) {
    throw new PermissionDeniedError('Admin endpoints are open only to loopback clients until server.admin_key is set.');
  }
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
