import OpenAI from 'openai';
import { expect } from 'vitest';
import type { RequestSummary } from '../../src/core/pipeline/request-summary.js';
import { createFaultInjectingUpstream, type FaultInjectingUpstream, type FaultInjectingUpstreamOptions } from '../fakes/fault-injecting-upstream.js';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.js';

/**
 * Shared set-up of the fault-injection suite: a faulty primary and a healthy fallback upstream,
 * a real gateway in front of them, and the official OpenAI SDK with its own retries off (every
 * retry and fallback the suite sees is the gateway's).
 */

export const PRIMARY_DEPLOYMENT = 'flaky/flaky-model';
export const FALLBACK_DEPLOYMENT = 'steady/steady-model';

export interface FaultRig {
  primary: FaultInjectingUpstream;
  fallback: FaultInjectingUpstream;
  gateway: TestGateway;
  client: OpenAI;
  close(): Promise<void>;
}

/**
 * `primary-model` (one deployment on the faulty upstream) falls back to `fallback-model` (one on
 * the healthy one); `pair` has one deployment on each, in that order, for hedging. `resilience` is the YAML body of the top-level `resilience:` section;
 * `extra` is appended as further top-level sections.
 */
export function faultConfig(primaryUrl: string, fallbackUrl: string, resilience: string, extra = '', primaryTimeouts?: string): string {
  return `providers:
  flaky:
    type: openai
    base_url: ${primaryUrl}/v1
    api_key: none${primaryTimeouts === undefined ? '' : `\n    timeouts: ${primaryTimeouts}`}
  steady:
    type: openai
    base_url: ${fallbackUrl}/v1
    api_key: none
models:
  primary-model:
    deployments:
      - provider: flaky
        model: flaky-model
    fallbacks: [fallback-model]
  fallback-model:
    deployments:
      - provider: steady
        model: steady-model
  pair:
    load_balancing: ordered
    deployments:
      - { id: pair-flaky, provider: flaky, model: flaky-model }
      - { id: pair-steady, provider: steady, model: steady-model }
resilience:
${resilience
  .trim()
  .split('\n')
  .map((line) => `  ${line}`)
  .join('\n')}
${extra}`;
}

export async function startFaultRig(
  resilience: string,
  options: {
    primary?: Partial<FaultInjectingUpstreamOptions>;
    fallback?: Partial<FaultInjectingUpstreamOptions>;
    extra?: string;
    apiKey?: string;
    warmUp?: boolean;
    /** The faulty provider's own `timeouts` mapping (YAML flow style). */
    providerTimeouts?: string;
  } = {},
): Promise<FaultRig> {
  const primary = await createFaultInjectingUpstream({ label: 'primary', seed: 7, usage: { promptTokens: 11, completionTokens: 7 }, ...options.primary });
  const fallback = await createFaultInjectingUpstream({ label: 'fallback', seed: 9, usage: { promptTokens: 23, completionTokens: 13 }, ...options.fallback });
  const gateway = await startTestGateway(faultConfig(primary.url, fallback.url, resilience, options.extra ?? '', options.providerTimeouts));
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: options.apiKey ?? 'unused-on-loopback', maxRetries: 0, timeout: 10_000 });
  if (options.warmUp ?? true) {
    // A cold process (module loading, first connections) can take longer than the suite's tight
    // timeouts; warm both paths to both upstreams so the tests measure faults, not start-up.
    // The rig is reset afterwards, so the counts start from zero.
    const warm = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: options.apiKey ?? 'unused-on-loopback', maxRetries: 0 });
    await Promise.all(
      ['primary-model', 'fallback-model'].flatMap((model) =>
        [true, false, true, false].map((stream) => chat(warm, 'warm-up', { stream, model })),
      ),
    );
    primary.reset();
    fallback.reset();
    gateway.summaries.length = 0;
  }
  return {
    primary,
    fallback,
    gateway,
    client,
    async close() {
      await gateway.close();
      await primary.close();
      await fallback.close();
    },
  };
}

export interface ChatOutcome {
  ok: boolean;
  stream: boolean;
  prompt: string;
  /** The text the client received (for a broken stream: what arrived before the error). */
  text: string;
  requestId: string | undefined;
  deployment: string | undefined;
  attemptsHeader: number | undefined;
  usage: { prompt_tokens: number; completion_tokens: number } | undefined;
  error: unknown;
  latencyMs: number;
}

/** One chat request through the SDK, streaming or not; failures are returned, not thrown. */
export async function chat(client: OpenAI, prompt: string, options: { stream: boolean; model?: string }): Promise<ChatOutcome> {
  const model = options.model ?? 'primary-model';
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: prompt }];
  const startedAt = performance.now();
  const outcome: ChatOutcome = {
    ok: false,
    stream: options.stream,
    prompt,
    text: '',
    requestId: undefined,
    deployment: undefined,
    attemptsHeader: undefined,
    usage: undefined,
    error: undefined,
    latencyMs: 0,
  };
  const readHeaders = (headers: Headers) => {
    outcome.requestId = headers.get('x-request-id') ?? undefined;
    outcome.deployment = headers.get('x-switchyard-deployment') ?? undefined;
    const attempts = headers.get('x-switchyard-attempts');
    outcome.attemptsHeader = attempts === null ? undefined : Number(attempts);
  };
  try {
    if (options.stream) {
      const { data, response } = await client.chat.completions
        .create({ model, messages, stream: true, stream_options: { include_usage: true } })
        .withResponse();
      readHeaders(response.headers);
      for await (const chunk of data) {
        outcome.text += chunk.choices[0]?.delta.content ?? '';
        if (chunk.usage) outcome.usage = chunk.usage;
      }
    } else {
      const { data, response } = await client.chat.completions.create({ model, messages }).withResponse();
      readHeaders(response.headers);
      outcome.text = data.choices[0]?.message.content ?? '';
      if (data.usage) outcome.usage = data.usage;
    }
    outcome.ok = true;
  } catch (error) {
    outcome.error = error;
    if (error instanceof OpenAI.APIError && error.headers && outcome.requestId === undefined) readHeaders(error.headers);
  }
  outcome.latencyMs = performance.now() - startedAt;
  return outcome;
}

/** Waits until the gateway has recorded a summary for every request id (stream summaries come at stream end). */
export async function summariesFor(gateway: TestGateway, requestIds: Array<string | undefined>, timeoutMs = 3000): Promise<RequestSummary[]> {
  const wanted = requestIds.filter((id): id is string => id !== undefined);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const byId = new Map(gateway.summaries.map((summary) => [summary.requestId, summary]));
    if (wanted.every((id) => byId.has(id))) return wanted.map((id) => byId.get(id)!);
    if (Date.now() > deadline) throw new Error(`no summary for ${wanted.filter((id) => !byId.has(id)).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The invariants every answered request must keep, whatever failed on the way:
 * - the text is exactly one upstream's full answer to this prompt (never a splice, never partial);
 * - the response headers name the deployment that wrote it;
 * - at most one attempt in the summary has code 'ok', and it is that deployment's;
 * - the usage the client got and the usage recorded are the answering upstream's own.
 */
export function expectSingleCleanAnswer(outcome: ChatOutcome, summary: RequestSummary, rig: Pick<FaultRig, 'primary' | 'fallback'>): void {
  expect(outcome.error, `request ${outcome.prompt} failed`).toBeUndefined();
  const writer = outcome.deployment === PRIMARY_DEPLOYMENT ? rig.primary : rig.fallback;
  expect([PRIMARY_DEPLOYMENT, FALLBACK_DEPLOYMENT]).toContain(outcome.deployment);
  expect(outcome.text).toBe(writer.answerText(outcome.prompt));
  const answered = summary.attempts.filter((attempt) => attempt.code === 'ok');
  expect(answered, JSON.stringify(summary.attempts)).toHaveLength(1);
  expect(answered[0]!.deployment).toBe(outcome.deployment);
  expect(summary.deployment).toBe(outcome.deployment);
  const expectedUsage = { inputTokens: writer.usage.promptTokens, outputTokens: writer.usage.completionTokens };
  expect(summary.usage).toMatchObject(expectedUsage);
  expect(answered[0]!.usage).toMatchObject(expectedUsage);
  expect(outcome.usage).toMatchObject({ prompt_tokens: writer.usage.promptTokens, completion_tokens: writer.usage.completionTokens });
  // The header counts the attempts actually sent upstream (breaker skips excluded).
  expect(outcome.attemptsHeader).toBe(summary.attempts.filter((attempt) => attempt.code !== 'circuit_open').length);
}

/** Runs `count` requests with at most `concurrency` in flight, in order of index. */
export async function runConcurrently<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
