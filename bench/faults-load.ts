/**
 * The load generator of `bench:faults`: drives chat requests through the gateway with bounded
 * concurrency and time, and checks every answer (status, the whole text of exactly one upstream,
 * a stream that ends in [DONE] without an error frame) rather than trusting a 200.
 */
import { Agent, request } from 'undici';

export interface LoadRequest {
  /** `model` field: a model or `workload/<name>`. */
  model: string;
  stream: boolean;
  prompt: string;
}

export interface RequestOutcome {
  ok: boolean;
  stream: boolean;
  latencyMs: number;
  status: number;
  /** From `x-switchyard-attempts`: upstream attempts the gateway made (hedges included). */
  attempts: number;
  /** From `x-switchyard-deployment`. */
  deployment: string | undefined;
  /** Why a request counts as failed. */
  problem?: string;
}

export interface LoadOptions {
  url: string;
  requests: number;
  concurrency: number;
  /** Stop starting new requests after this long; requests still running are awaited. */
  maxSeconds: number;
  build(index: number): LoadRequest;
  /** The full text a deployment answers to a prompt, to detect partial or spliced answers. */
  expectedText(deployment: string, prompt: string): string | undefined;
  onProgress?(done: number, total: number, failed: number): void;
}

export interface LoadResult {
  outcomes: RequestOutcome[];
  wallMs: number;
  /** Requests not started because the time ran out. */
  skipped: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const dispatcher = new Agent({ connections: options.concurrency * 2, keepAliveTimeout: 10_000 });
  const outcomes: RequestOutcome[] = [];
  const startedAt = performance.now();
  const deadline = startedAt + options.maxSeconds * 1000;
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < options.requests && performance.now() < deadline) {
      const index = next++;
      const outcome = await send(options, dispatcher, options.build(index));
      outcomes.push(outcome);
      if (!outcome.ok) failed += 1;
      options.onProgress?.(outcomes.length, options.requests, failed);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.requests) }, worker));
  await dispatcher.close();
  return { outcomes, wallMs: performance.now() - startedAt, skipped: options.requests - outcomes.length };
}

async function send(options: LoadOptions, dispatcher: Agent, load: LoadRequest): Promise<RequestOutcome> {
  const startedAt = performance.now();
  const body = JSON.stringify({
    model: load.model,
    messages: [{ role: 'user', content: load.prompt }],
    ...(load.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
  const outcome: RequestOutcome = { ok: false, stream: load.stream, latencyMs: 0, status: 0, attempts: 0, deployment: undefined };
  try {
    const response = await request(`${options.url}/v1/chat/completions`, {
      method: 'POST',
      dispatcher,
      headers: { 'content-type': 'application/json', authorization: 'Bearer bench-faults' },
      body,
      signal: AbortSignal.timeout(15_000),
    });
    outcome.status = response.statusCode;
    outcome.attempts = Number(header(response.headers, 'x-switchyard-attempts') ?? 0);
    outcome.deployment = header(response.headers, 'x-switchyard-deployment');
    const text = await response.body.text();
    outcome.latencyMs = performance.now() - startedAt;
    if (response.statusCode !== 200) {
      outcome.problem = `HTTP ${response.statusCode}: ${text.slice(0, 160)}`;
      return outcome;
    }
    const answer = load.stream ? readStream(text) : readCompletion(text);
    if (typeof answer !== 'string') {
      outcome.problem = answer.problem;
      return outcome;
    }
    const expected = outcome.deployment === undefined ? undefined : options.expectedText(outcome.deployment, load.prompt);
    if (answer !== expected) {
      outcome.problem = `answer is not ${outcome.deployment}'s whole text: ${answer.slice(0, 120)}`;
      return outcome;
    }
    outcome.ok = true;
  } catch (error) {
    outcome.latencyMs = performance.now() - startedAt;
    outcome.problem = error instanceof Error ? error.message : String(error);
  }
  return outcome;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readCompletion(text: string): string | { problem: string } {
  try {
    const completion = JSON.parse(text) as { choices?: Array<{ message?: { content?: unknown } }> };
    const content = completion.choices?.[0]?.message?.content;
    return typeof content === 'string' ? content : { problem: 'completion without text' };
  } catch {
    return { problem: `completion is not JSON: ${text.slice(0, 120)}` };
  }
}

/** Joins the content deltas of an SSE answer; an error frame or a missing [DONE] is a failure. */
function readStream(text: string): string | { problem: string } {
  let content = '';
  let done = false;
  for (const frame of text.split('\n\n')) {
    const data = frame
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => line.slice(6))
      .join('\n');
    if (data === '') continue;
    if (data === '[DONE]') {
      done = true;
      continue;
    }
    let chunk: { error?: { message?: string }; choices?: Array<{ delta?: { content?: unknown } }> };
    try {
      chunk = JSON.parse(data) as typeof chunk;
    } catch {
      return { problem: `stream frame is not JSON: ${data.slice(0, 120)}` };
    }
    if (chunk.error) return { problem: `stream ended with an error: ${chunk.error.message ?? 'unknown'}` };
    const delta = chunk.choices?.[0]?.delta?.content;
    if (typeof delta === 'string') content += delta;
  }
  return done ? content : { problem: 'stream ended without [DONE]' };
}
