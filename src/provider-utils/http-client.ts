import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import {
  GatewayError,
  InvalidProviderResponseError,
  ProviderConnectionError,
  ProviderTimeoutError,
} from '../spec/errors.js';
import type { HeaderBag } from './retry-after.js';
import { merged } from '../spec/merged.js';
import type { WaitClock } from '../spec/wait-clock.js';
import { UpstreamDeadline } from './upstream-deadline.js';

/** Timeouts for one upstream call; 0 turns a limit off. */
export interface HttpTimeouts {
  connectMs?: number;
  /** Time until response headers arrive: for a non-streaming call, the whole generation. */
  headersMs?: number;
  /** Longest silence between two body chunks while the body's reader waits for one. */
  idleMs?: number;
}

const DEFAULT_TIMEOUTS: Required<HttpTimeouts> = { connectMs: 10_000, headersMs: 600_000, idleMs: 300_000 };

/** An adapter passes the same timeouts object on every call: resolved against the defaults once, not per request. */
const resolvedTimeouts = new WeakMap<HttpTimeouts, Required<HttpTimeouts>>();

export function resolveTimeouts(timeouts: HttpTimeouts | undefined): Required<HttpTimeouts> {
  if (timeouts === undefined) return DEFAULT_TIMEOUTS;
  let resolved = resolvedTimeouts.get(timeouts);
  if (resolved === undefined) {
    resolved = merged(DEFAULT_TIMEOUTS, timeouts);
    resolvedTimeouts.set(timeouts, resolved);
  }
  return resolved;
}

/** Shared agents by connect timeout: undici takes the connect timeout per agent, not per request. */
const sharedDispatchers = new Map<number, Agent>();

/**
 * One keep-alive connection pool per upstream origin, shared by every adapter (one agent per
 * distinct connect timeout; providers rarely use more than a couple). Created lazily so importing
 * the library opens nothing.
 */
export function getSharedDispatcher(connectMs: number = DEFAULT_TIMEOUTS.connectMs): Agent {
  let dispatcher = sharedDispatchers.get(connectMs);
  if (dispatcher === undefined) {
    dispatcher = new Agent({ connections: 256, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connect: { timeout: connectMs } });
    sharedDispatchers.set(connectMs, dispatcher);
  }
  return dispatcher;
}

/** Closes the shared pools (used on shutdown and by tests). */
export async function closeSharedDispatcher(): Promise<void> {
  const dispatchers = [...sharedDispatchers.values()];
  sharedDispatchers.clear();
  await Promise.all(dispatchers.map((dispatcher) => dispatcher.close()));
}

/** What a provider's error body says, as its adapter reads it. */
export type UpstreamErrorMapper = (failure: UpstreamFailure) => GatewayError;

export interface UpstreamFailure {
  provider: string;
  status: number;
  headers: HeaderBag;
  /** Raw body text, truncated to a few KB. */
  bodyText: string;
}

export interface UpstreamRequest {
  provider: string;
  url: string;
  method?: 'POST' | 'GET';
  headers: Record<string, string>;
  body?: unknown;
  abortSignal?: AbortSignal;
  /** The request's wait clock (`ChatCall.waitClock`): counts the time this call keeps the gateway waiting. */
  waitClock?: WaitClock;
  timeouts?: HttpTimeouts;
  dispatcher?: Dispatcher;
  mapError: UpstreamErrorMapper;
}

export interface UpstreamResponse {
  status: number;
  headers: HeaderBag;
  body: Dispatcher.ResponseData['body'];
  /**
   * The call's idle limit and abort signal: whoever reads `body` passes it to the reader
   * (`createBodyChunkReader`, `createSseEventStream`), which restarts the idle clock as it waits
   * and ends the call when the body ends.
   */
  deadline: UpstreamDeadline;
}

const MAX_ERROR_BODY = 8192;

/**
 * Sends one request upstream and returns the open response. A non-2xx status is read, mapped by
 * the adapter's error mapper and thrown; transport failures become typed timeout/connection errors.
 */
export async function sendUpstream(upstream: UpstreamRequest): Promise<UpstreamResponse> {
  const timeouts = resolveTimeouts(upstream.timeouts);
  const dispatcher = upstream.dispatcher ?? getSharedDispatcher(timeouts.connectMs);
  const deadline = new UpstreamDeadline(upstream.provider, upstream.abortSignal, timeouts.headersMs, timeouts.idleMs, upstream.waitClock);
  let response: Dispatcher.ResponseData;
  try {
    const { origin, path } = originAndPath(upstream.url);
    // The dispatcher's own `request`, not undici's top-level `request(url, …)`: that wrapper's
    // per-call objects outlived many requests (found by V8's young-generation survival statistics);
    // at one connection the extra scavenge work put 2–5 ms on about 2% of requests.
    const pending = dispatcher.request({
      origin,
      path,
      method: upstream.method ?? 'POST',
      headers: upstream.body === undefined ? upstream.headers : { 'content-type': 'application/json', ...upstream.headers },
      body: upstream.body === undefined ? undefined : JSON.stringify(upstream.body),
      signal: deadline as unknown as AbortSignal,
      // Off: the deadline enforces both (see UpstreamDeadline for why undici's are not used).
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    // undici has written the request (on an idle keep-alive connection, within that call): waiting starts.
    deadline.requestSent();
    response = await pending;
  } catch (error) {
    deadline.finish();
    throw mapTransportError(error, upstream.provider, upstream.abortSignal);
  }
  deadline.headersReceived();
  if (response.statusCode < 200 || response.statusCode >= 300) {
    let bodyText = '';
    try {
      // An error body is read only as far as the error message needs: a huge one is not buffered.
      bodyText = await readBodyText(response.body, deadline, MAX_ERROR_BODY);
    } catch {
      // The status alone still classifies the failure.
    }
    throw upstream.mapError({
      provider: upstream.provider,
      status: response.statusCode,
      headers: response.headers,
      bodyText,
    });
  }
  return { status: response.statusCode, headers: response.headers, body: response.body, deadline };
}

/**
 * Reads a body as UTF-8 text under the call's idle limit (each chunk restarts it), and ends the
 * call's deadline. Flowing mode with plain listeners: one promise per body, where a chunk reader
 * pays one per chunk (this is every non-streaming answer). Past `maxBytes` it stops reading, drops
 * the rest (the connection closes) and returns what it has.
 */
export function readBodyText(body: Dispatcher.ResponseData['body'], deadline: UpstreamDeadline, maxBytes = Number.POSITIVE_INFINITY): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    let settled = false;
    const text = () => (chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, length).toString('utf8'));
    const fail = (error: unknown) => {
      deadline.finish();
      if (settled) return;
      settled = true;
      reject(error);
    };
    body.on('data', (chunk: Buffer) => {
      if (settled) return;
      if (length + chunk.length >= maxBytes) {
        chunks.push(chunk.subarray(0, maxBytes - length));
        length = maxBytes;
        settled = true;
        resolve(text());
        body.destroy();
        return;
      }
      chunks.push(chunk);
      length += chunk.length;
      deadline.bodyWaiting();
    });
    body.once('end', () => {
      deadline.finish();
      if (settled) return;
      settled = true;
      resolve(text());
    });
    body.on('error', fail);
    // Destroyed without 'end' or 'error' (a premature close): a failure, not an empty body.
    body.once('close', () => fail(new Error('upstream body closed before it ended')));
    // From here until 'end' the gateway only waits for the body.
    deadline.bodyWaiting();
  });
}

/** Upstream URLs are few (a provider's endpoints, a model name in some paths): parsed once each. */
const parsedUrls = new Map<string, { origin: string; path: string }>();
const PARSED_URLS_KEPT = 1024;

/** The origin and path (with query) of an upstream URL; throws a TypeError for an invalid one. */
function originAndPath(url: string): { origin: string; path: string } {
  let parsed = parsedUrls.get(url);
  if (parsed === undefined) {
    const { origin, pathname, search } = new URL(url);
    parsed = { origin, path: `${pathname}${search}` };
    if (parsedUrls.size >= PARSED_URLS_KEPT) parsedUrls.clear();
    parsedUrls.set(url, parsed);
  }
  return parsed;
}

/** Sends a request and parses the JSON answer; a body that is not JSON is a bad provider response. */
export async function postJson(upstream: UpstreamRequest): Promise<{ headers: HeaderBag; json: unknown }> {
  const response = await sendUpstream(upstream);
  let text: string;
  try {
    text = await readBodyText(response.body, response.deadline);
  } catch (error) {
    throw mapTransportError(error, upstream.provider, upstream.abortSignal);
  }
  try {
    return { headers: response.headers, json: JSON.parse(text) };
  } catch (error) {
    throw new InvalidProviderResponseError(
      `Upstream ${upstream.provider} returned invalid JSON: ${truncate(text, 200)}`,
      { provider: upstream.provider, cause: error },
    );
  }
}

/** Maps undici's transport errors to our typed errors; an abort by our own signal is rethrown as is. */
export function mapTransportError(error: unknown, provider: string, abortSignal?: AbortSignal): unknown {
  if (GatewayError.isInstance(error)) return error;
  if (abortSignal?.aborted) return abortSignal.reason ?? error;
  if (error instanceof undiciErrors.HeadersTimeoutError) {
    return new ProviderTimeoutError(`Upstream ${provider} sent no response headers in time`, { provider, phase: 'first-token', cause: error });
  }
  if (error instanceof undiciErrors.BodyTimeoutError) {
    return new ProviderTimeoutError(`Upstream ${provider} went silent mid-response`, { provider, phase: 'idle', cause: error });
  }
  if (error instanceof undiciErrors.ConnectTimeoutError) {
    return new ProviderTimeoutError(`Connecting to upstream ${provider} timed out`, { provider, phase: 'connect', cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string } | null)?.code;
  return new ProviderConnectionError(
    `Upstream ${provider} unreachable or closed the connection${code ? ` (${code})` : ''}: ${message}`,
    { provider, cause: error },
  );
}

export function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length)}…`;
}

/** Flattens undici's header bag into plain strings, for ResponseInfo. */
export function flattenHeaders(headers: HeaderBag): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
