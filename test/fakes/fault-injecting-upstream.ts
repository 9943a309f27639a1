import type { ServerResponse } from 'node:http';
import { createTestServer, sse, type RecordedRequest, type TestServer } from '../support/create-test-server.js';

/**
 * A fake OpenAI-compatible upstream that misbehaves on purpose. Each chat request gets one fault
 * mode, drawn from a seeded, weighted mix (or taken from a queue of forced modes), and is answered
 * over real loopback HTTP in OpenAI's wire format — or, for the faults, exactly as a sick upstream
 * would: 429 with Retry-After and `x-ratelimit-*` headers, 500/503 with OpenAI's error body, a
 * reset socket, silence, a slow first token, a slow drip, a cut stream, garbage JSON or SSE.
 * Answers are labelled, so a test can tell which upstream wrote a text, and their usage is the
 * upstream's own, so a test can tell whose usage the gateway recorded.
 * @see https://platform.openai.com/docs/api-reference/chat/object
 * @see https://platform.openai.com/docs/api-reference/chat/streaming
 * @see https://platform.openai.com/docs/guides/error-codes (429/500/503 bodies)
 * @see https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers
 */

export const FAULT_MODES = [
  'healthy',
  'rate-limit',
  'server-error',
  'unavailable',
  'reset',
  'hang',
  'slow-first-token',
  'slow-drip',
  'stream-cut',
  'malformed-json',
  'malformed-chunk',
  'heavy-tail',
] as const;

export type FaultMode = (typeof FAULT_MODES)[number];

/** Relative weights; whatever the weights leave of 1 is `healthy` (or pass weights summing past 1). */
export type FaultMix = Partial<Record<FaultMode, number>>;

/** Extra latency on healthy answers: a lognormal draw, or a small share of requests held back a long time. */
export type LatencyModel =
  | { kind: 'none' }
  | { kind: 'lognormal'; medianMs: number; sigma: number }
  | { kind: 'spikes'; baseMs: number; share: number; spikeMs: number };

export interface FaultInjectingUpstreamOptions {
  /** Written into every answer so texts from different upstreams are told apart. */
  label: string;
  seed?: number;
  mix?: FaultMix;
  /** Usage this upstream reports on every answer. */
  usage?: { promptTokens: number; completionTokens: number };
  /** The Retry-After sent with a 429 (also as `retry-after-ms` and `x-ratelimit-reset-requests`). */
  retryAfterMs?: number;
  /** Delay of the first byte in `slow-first-token`. */
  slowFirstTokenMs?: number;
  /** Pause between chunks in `slow-drip` (a non-streaming answer waits chunks × this). */
  dripDelayMs?: number;
  /** In `stream-cut` and `malformed-chunk`: how many content chunks go out before the fault (0 = before any content). */
  faultAfterContentChunks?: number;
  /** Latency applied to `healthy` answers; `heavy-tail` answers use `heavyTail`. */
  latency?: LatencyModel;
  /** The long delay of a `heavy-tail` answer (default lognormal, median 150 ms, sigma 1). */
  heavyTail?: LatencyModel;
  /** Number of words in an answer (more words → more stream chunks). */
  answerWords?: number;
}

export interface ModeCounts {
  received: Record<FaultMode, number>;
  /** The response was written to the end (for a fault: the error or garbage was delivered in full). */
  completed: Record<FaultMode, number>;
  /** The gateway hung up before the response was complete (a timeout, a hedge that lost, a cut of ours). */
  abandoned: Record<FaultMode, number>;
}

export interface ReceivedRequest {
  mode: FaultMode;
  /** `performance.now()` when the request arrived. */
  at: number;
  stream: boolean;
  prompt: string;
}

export interface FaultInjectingUpstream {
  url: string;
  label: string;
  server: TestServer;
  /** Replaces the mix for requests that arrive from now on. */
  setMix(mix: FaultMix): void;
  /** Changes fault parameters (Retry-After, delays, …) for requests that arrive from now on. */
  configure(changes: Partial<Omit<FaultInjectingUpstreamOptions, 'label' | 'seed' | 'mix' | 'usage'>>): void;
  /** The next requests get these modes, in order, before the mix is consulted again. */
  force(...modes: FaultMode[]): void;
  counts: ModeCounts;
  /** Chat requests received, in arrival order. */
  received: ReceivedRequest[];
  /** The full text this upstream answers to a prompt (what a client must see, whole or not at all). */
  answerText(prompt: string): string;
  usage: { promptTokens: number; completionTokens: number };
  reset(): void;
  close(): Promise<void>;
}

const CHAT_PATH = '/v1/chat/completions';

export async function createFaultInjectingUpstream(initial: FaultInjectingUpstreamOptions): Promise<FaultInjectingUpstream> {
  const options = { ...initial };
  const server = await createTestServer();
  const random = mulberry32(options.seed ?? 1);
  const usage = options.usage ?? { promptTokens: 10, completionTokens: 20 };
  let mix: FaultMix = options.mix ?? {};
  const forced: FaultMode[] = [];
  const counts: ModeCounts = { received: zeroCounts(), completed: zeroCounts(), abandoned: zeroCounts() };
  const received: ReceivedRequest[] = [];

  const answerText = (prompt: string) =>
    `[${options.label}] ${prompt} :: ${Array.from({ length: options.answerWords ?? 6 }, (_, index) => `${options.label}-word-${index + 1}`).join(' ')}`;

  const pickMode = (): FaultMode => {
    const next = forced.shift();
    if (next) return next;
    const entries = Object.entries(mix) as Array<[FaultMode, number]>;
    const total = Math.max(1, entries.reduce((sum, [, weight]) => sum + weight, 0));
    let draw = random() * total;
    for (const [mode, weight] of entries) {
      if (draw < weight) return mode;
      draw -= weight;
    }
    return 'healthy';
  };

  const handle = async (request: RecordedRequest, response: ServerResponse) => {
    const body = (request.body ?? {}) as ChatBody;
    const mode = pickMode();
    const prompt = lastUserText(body);
    received.push({ mode, at: performance.now(), stream: body.stream === true, prompt });
    counts.received[mode] += 1;
    response.once('close', () => {
      if (response.writableFinished) counts.completed[mode] += 1;
      else counts.abandoned[mode] += 1;
    });
    const answer: Answer = {
      text: answerText(prompt),
      model: body.model ?? 'unknown',
      usage,
      stream: body.stream === true,
      includeUsage: body.stream_options?.include_usage === true,
    };
    await serveMode(mode, answer, response, options, random);
  };
  server.setDefault(CHAT_PATH, { type: 'handler', handle });

  return {
    url: server.url,
    label: options.label,
    server,
    setMix(next) {
      mix = next;
    },
    configure(changes) {
      Object.assign(options, changes);
    },
    force(...modes) {
      forced.push(...modes);
    },
    counts,
    received,
    answerText,
    usage,
    reset() {
      forced.length = 0;
      received.length = 0;
      server.requests.length = 0;
      for (const table of [counts.received, counts.completed, counts.abandoned]) for (const mode of FAULT_MODES) table[mode] = 0;
    },
    close: () => server.close(),
  };
}

interface ChatBody {
  model?: string;
  messages?: Array<{ role: string; content: unknown }>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
}

interface Answer {
  text: string;
  model: string;
  usage: { promptTokens: number; completionTokens: number };
  stream: boolean;
  includeUsage: boolean;
}

async function serveMode(mode: FaultMode, answer: Answer, response: ServerResponse, options: FaultInjectingUpstreamOptions, random: () => number): Promise<void> {
  switch (mode) {
    case 'healthy':
      await sleep(drawLatency(options.latency ?? { kind: 'none' }, random));
      return writeAnswer(answer, response, { chunkDelayMs: 0 });
    case 'heavy-tail':
      await sleep(drawLatency(options.heavyTail ?? { kind: 'lognormal', medianMs: 150, sigma: 1 }, random));
      return writeAnswer(answer, response, { chunkDelayMs: 0 });
    case 'rate-limit': {
      const retryAfterMs = options.retryAfterMs ?? 1000;
      return writeError(response, 429, 'rate_limit_exceeded', 'requests', 'Rate limit reached for requests', {
        'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
        'retry-after-ms': String(retryAfterMs),
        'x-ratelimit-limit-requests': '60',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': `${retryAfterMs}ms`,
        'x-ratelimit-limit-tokens': '150000',
        'x-ratelimit-remaining-tokens': '149000',
        'x-ratelimit-reset-tokens': '6m0s',
      });
    }
    case 'server-error':
      return writeError(response, 500, null, 'server_error', 'The server had an error while processing your request. Sorry about that!');
    case 'unavailable':
      return writeError(response, 503, null, 'server_error', 'The engine is currently overloaded, please try again later.');
    case 'reset':
      response.socket?.destroy();
      return;
    case 'hang':
      return;
    case 'slow-first-token':
      await sleep(options.slowFirstTokenMs ?? 500);
      return writeAnswer(answer, response, { chunkDelayMs: 0 });
    case 'slow-drip':
      return writeAnswer(answer, response, { chunkDelayMs: options.dripDelayMs ?? 20 });
    case 'stream-cut':
      return writeAnswer(answer, response, { chunkDelayMs: 0, cutAfterContentChunks: options.faultAfterContentChunks ?? 0 });
    case 'malformed-json':
      response.writeHead(200, { 'content-type': answer.stream ? 'text/event-stream' : 'application/json' });
      response.end(answer.stream ? 'data: {"id":"chatcmpl-broken","choices":[{"index":0,"delta":{"content":\n\n' : '{"id":"chatcmpl-broken","object":"chat.completion","choices":[{');
      return;
    case 'malformed-chunk':
      if (!answer.stream) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ id: 'chatcmpl-odd', object: 'chat.completion', choices: 'not-a-list' }));
        return;
      }
      return writeAnswer(answer, response, { chunkDelayMs: 0, malformedAfterContentChunks: options.faultAfterContentChunks ?? 0 });
  }
}

interface WriteOptions {
  chunkDelayMs: number;
  /** Destroy the socket after this many content chunks (streams) or halfway through the body (JSON). */
  cutAfterContentChunks?: number;
  /** Send a chunk that is not valid JSON after this many content chunks. */
  malformedAfterContentChunks?: number;
}

/** The OpenAI answer as JSON or as SSE chunks, optionally paced, cut, or corrupted. */
async function writeAnswer(answer: Answer, response: ServerResponse, options: WriteOptions): Promise<void> {
  const base = { id: `chatcmpl-${Math.random().toString(36).slice(2, 12)}`, created: 1_700_000_000, model: answer.model, system_fingerprint: 'fp_faults' };
  const usage = {
    prompt_tokens: answer.usage.promptTokens,
    completion_tokens: answer.usage.completionTokens,
    total_tokens: answer.usage.promptTokens + answer.usage.completionTokens,
  };
  const pieces = answer.text.match(/\S+\s*/g) ?? [answer.text];
  if (!answer.stream) {
    const body = JSON.stringify({
      ...base,
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: answer.text }, logprobs: null, finish_reason: 'stop' }],
      usage,
    });
    // A slow drip of a non-streaming answer is simply a slow answer.
    await sleep(options.chunkDelayMs * pieces.length);
    if (response.destroyed) return;
    response.writeHead(200, { 'content-type': 'application/json', 'x-ratelimit-remaining-requests': '999', 'x-ratelimit-limit-requests': '1000' });
    if (options.cutAfterContentChunks !== undefined) {
      response.write(body.slice(0, Math.floor(body.length / 2)));
      await sleep(10);
      response.socket?.destroy();
      return;
    }
    response.end(body);
    return;
  }
  const chunk = (delta: unknown, finishReason: string | null = null) =>
    sse({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });
  const frames = [chunk({ role: 'assistant', content: '' }), ...pieces.map((piece) => chunk({ content: piece })), chunk({}, 'stop')];
  if (answer.includeUsage) frames.push(sse({ ...base, object: 'chat.completion.chunk', choices: [], usage }));
  frames.push('data: [DONE]\n\n');
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const [index, frame] of frames.entries()) {
    // Frame 0 carries only the role; content chunk n is frame n.
    if (options.cutAfterContentChunks !== undefined && index === options.cutAfterContentChunks + 1) {
      // Let what was written reach the gateway first: a cut in the same tick would discard it unsent.
      await sleep(10);
      response.socket?.destroy();
      return;
    }
    if (options.malformedAfterContentChunks !== undefined && index === options.malformedAfterContentChunks + 1) {
      response.end('data: {"id":"chatcmpl-broken","choices":[{"delta":{"content":"unterminated\n\n');
      return;
    }
    if (response.destroyed) return;
    response.write(frame);
    if (options.chunkDelayMs > 0 && index < frames.length - 1) await sleep(options.chunkDelayMs);
  }
  response.end();
}

/** OpenAI's error body and status. */
function writeError(response: ServerResponse, status: number, code: string | null, type: string, message: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify({ error: { message, type, param: null, code } }));
}

function lastUserText(body: ChatBody): string {
  const last = [...(body.messages ?? [])].reverse().find((message) => message.role === 'user');
  if (!last) return '';
  return typeof last.content === 'string' ? last.content : JSON.stringify(last.content);
}

function drawLatency(model: LatencyModel, random: () => number): number {
  switch (model.kind) {
    case 'none':
      return 0;
    case 'lognormal':
      return model.medianMs * Math.exp(model.sigma * standardNormal(random));
    case 'spikes':
      return random() < model.share ? model.spikeMs : model.baseMs;
  }
}

/** Box–Muller: one standard normal draw from two uniform ones. */
function standardNormal(random: () => number): number {
  const u = Math.max(random(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** A small seeded PRNG, so a fault mix replays identically run after run. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function zeroCounts(): Record<FaultMode, number> {
  return Object.fromEntries(FAULT_MODES.map((mode) => [mode, 0])) as Record<FaultMode, number>;
}

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve());
