import OpenAI from 'openai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFakeAnthropicUpstream } from '../fakes/fake-anthropic-upstream.js';
import { createFakeOpenAIUpstream } from '../fakes/fake-openai-upstream.js';
import type { TestServer } from '../support/create-test-server.js';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.js';
import { loggedRequest } from '../support/logged-request.js';

/**
 * The response cache and Anthropic prompt caching through a real gateway: hits skip the upstream,
 * streams replay from the cache, errors and sampled requests are not cached, and breakpoints
 * reach Anthropic with the cache tokens it reports recorded.
 */
let openaiUpstream: TestServer;
let anthropicUpstream: TestServer;
let gateway: TestGateway;
let client: OpenAI;
let directory: string;

const config = (openaiUrl: string, anthropicUrl: string, dir: string) => `providers:
  local: { type: openai, base_url: "${openaiUrl}/v1", api_key: sk-test }
  claude: { type: anthropic, base_url: "${anthropicUrl}/v1", api_key: sk-ant-test }
models:
  chat:
    deployments: [{ provider: local, model: gpt-4o, pricing: { input_per_mtok: 2.5, output_per_mtok: 10 } }]
  claude:
    deployments: [{ provider: claude, model: claude-sonnet-4-5, pricing: { input_per_mtok: 3, output_per_mtok: 15, cached_input_per_mtok: 0.3, cache_write_per_mtok: 3.75 } }]
workloads:
  faq:
    route: { model: chat }
    cache: { enabled: true, ttl_ms: 60000 }
  creative:
    route: { model: chat }
    cache: { enabled: true, ttl_ms: 60000, include_sampled: true }
  tiny-entries:
    route: { model: chat }
    cache: { enabled: true, ttl_ms: 60000, max_entry_bytes: 64 }
  plain:
    route: { model: chat }
  contracts:
    route: { model: claude }
    prompt_cache: { enabled: true, ttl: 1h }
storage: { type: sqlite, path: "${dir}/log.db" }
request_log: { flush_interval_ms: 50, spill_directory: "${dir}/spill" }
`;

beforeAll(async () => {
  openaiUpstream = await createFakeOpenAIUpstream();
  anthropicUpstream = await createFakeAnthropicUpstream();
  directory = await mkdtemp(join(tmpdir(), 'switchyard-cache-'));
  gateway = await startTestGateway(config(openaiUpstream.url, anthropicUpstream.url, directory), { recordRequests: true });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await openaiUpstream.close();
  await anthropicUpstream.close();
  await rm(directory, { recursive: true, force: true });
});
beforeEach(() => {
  openaiUpstream.requests.length = 0;
  anthropicUpstream.requests.length = 0;
  gateway.summaries.length = 0;
});

const chatRequests = () => openaiUpstream.requests.filter((request) => request.path === '/v1/chat/completions').length;

/** Writes go to the cache on a later turn of the event loop, after the answer: give them that turn. */
const afterCacheWrite = () => new Promise((resolve) => setTimeout(resolve, 20));

async function ask(model: string, content: string, extra: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {}) {
  const { data, response } = await client.chat.completions.create({ model, messages: [{ role: 'user', content }], temperature: 0, ...extra }).withResponse();
  await afterCacheWrite();
  return { completion: data, cache: response.headers.get('x-switchyard-cache'), requestId: response.headers.get('x-request-id')!, headers: response.headers };
}

async function askStreaming(model: string, content: string) {
  const { data: stream, response } = await client.chat.completions
    .create({ model, messages: [{ role: 'user', content }], temperature: 0, stream: true, stream_options: { include_usage: true } })
    .withResponse();
  let text = '';
  let usage: OpenAI.CompletionUsage | undefined | null;
  let finishReason: string | null | undefined;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
    if (chunk.usage) usage = chunk.usage;
  }
  await afterCacheWrite();
  return { text, usage, finishReason, cache: response.headers.get('x-switchyard-cache') };
}

const logged = (requestId: string) => loggedRequest(gateway.url, requestId);

describe('response cache', () => {
  it('answers the second identical request from the cache without calling the upstream', async () => {
    const first = await ask('workload/faq', 'What is the capital of France?');
    const second = await ask('workload/faq', 'What is the capital of France?');
    expect(first.cache).toBe('miss');
    expect(second.cache).toBe('hit');
    expect(chatRequests()).toBe(1);
    expect(second.completion.choices).toEqual(first.completion.choices);
    expect(second.completion.usage).toEqual(first.completion.usage);
    expect(second.headers.get('x-switchyard-attempts')).toBe('0');
    expect(second.headers.get('x-switchyard-deployment')).toBe('local/gpt-4o');

    await expect.poll(() => gateway.summaries.length).toBe(2);
    expect(gateway.summaries[1]).toMatchObject({ cacheHit: true, attempts: [], status: 200, deployment: 'local/gpt-4o', usage: { inputTokens: 12, outputTokens: 5 } });
    expect(gateway.summaries[0]!.cacheHit).toBeUndefined();

    // The log says it was a hit, with its usage, and that it cost nothing.
    const hit = await logged(second.requestId);
    expect(hit).toMatchObject({ cacheHit: true, status: 200, inputTokens: 12, outputTokens: 5, costUsd: 0, attempts: [] });
    const miss = await logged(first.requestId);
    expect(miss).toMatchObject({ cacheHit: false });
    expect(miss.costUsd).toBeCloseTo((12 * 2.5 + 5 * 10) / 1e6, 12);
  });

  it('misses when any generation parameter differs', async () => {
    await ask('workload/faq', 'Parameters matter');
    expect((await ask('workload/faq', 'Parameters matter', { max_tokens: 50 })).cache).toBe('miss');
    expect((await ask('workload/faq', 'Parameters matter', { seed: 3 })).cache).toBe('miss');
    expect((await ask('workload/faq', 'Parameters matter', { response_format: { type: 'json_object' } })).cache).toBe('miss');
    expect((await ask('workload/faq', 'Parameters matter', { max_tokens: 50 })).cache).toBe('hit');
    expect(chatRequests()).toBe(4);
  });

  it('replays a cached answer as a stream with the same text and usage', async () => {
    const generated = await ask('workload/faq', 'Stream me from the cache');
    const streamed = await askStreaming('workload/faq', 'Stream me from the cache');
    expect(streamed.cache).toBe('hit');
    expect(streamed.text).toBe(generated.completion.choices[0]!.message.content);
    expect(streamed.finishReason).toBe('stop');
    expect(streamed.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 5 });
    expect(chatRequests()).toBe(1);
    await expect.poll(() => gateway.summaries.length).toBe(2);
    expect(gateway.summaries[1]).toMatchObject({ stream: true, cacheHit: true, status: 200, attempts: [] });
  });

  it('stores a streamed answer once it finishes, for streamed and non-streamed requests alike', async () => {
    const first = await askStreaming('workload/faq', 'A streamed miss');
    expect(first.cache).toBe('miss');
    const second = await askStreaming('workload/faq', 'A streamed miss');
    expect(second).toMatchObject({ cache: 'hit', text: first.text, finishReason: 'stop' });
    const generated = await ask('workload/faq', 'A streamed miss');
    expect(generated.cache).toBe('hit');
    expect(generated.completion.choices[0]!.message.content).toBe(first.text);
    expect(chatRequests()).toBe(1);
  });

  it('never caches an error', async () => {
    openaiUpstream.enqueue('/v1/chat/completions', {
      type: 'json',
      status: 400,
      body: { error: { message: 'Invalid prompt', type: 'invalid_request_error', param: null, code: null } },
    });
    await expect(ask('workload/faq', 'Fails once')).rejects.toMatchObject({ status: 400 });
    const retried = await ask('workload/faq', 'Fails once');
    expect(retried.cache).toBe('miss');
    expect(retried.completion.choices[0]!.message.content).toBe('Echo: Fails once');
    expect(chatRequests()).toBe(2);
  });

  it('does not cache sampled requests unless the workload includes them', async () => {
    const sampled = { temperature: 0.7 };
    expect((await ask('workload/faq', 'Write a poem', sampled)).cache).toBe('bypass');
    expect((await ask('workload/faq', 'Write a poem', sampled)).cache).toBe('bypass');
    expect(chatRequests()).toBe(2);

    expect((await ask('workload/creative', 'Write a poem', sampled)).cache).toBe('miss');
    expect((await ask('workload/creative', 'Write a poem', sampled)).cache).toBe('hit');
    expect(chatRequests()).toBe(3);
  });

  it('leaves workloads without cache alone, and skips answers over max_entry_bytes', async () => {
    const plain = await ask('workload/plain', 'Not cached');
    expect(plain.cache).toBeNull();
    await ask('workload/plain', 'Not cached');
    await ask('workload/tiny-entries', 'Too big to keep');
    expect((await ask('workload/tiny-entries', 'Too big to keep')).cache).toBe('miss');
    expect(chatRequests()).toBe(4);
  });
});

describe('Anthropic prompt caching', () => {
  const document = `MASTER SERVICES AGREEMENT\n${'Clause: the supplier shall deliver. '.repeat(200)}`;

  it('places breakpoints on the last tool, the system prompt and the long document, and records cache reads', async () => {
    const { data, response } = await client.chat.completions
      .create({
        model: 'workload/contracts',
        messages: [
          { role: 'system', content: 'You review contracts.' },
          { role: 'user', content: [{ type: 'text', text: document }, { type: 'text', text: 'Who delivers?' }] },
        ],
        tools: [
          { type: 'function', function: { name: 'search_clauses', parameters: { type: 'object', properties: {} } } },
          { type: 'function', function: { name: 'cite', parameters: { type: 'object', properties: {} } } },
        ],
      })
      .withResponse();
    expect(data.choices[0]!.message.content).toMatch(/^Echo: MASTER SERVICES AGREEMENT[\s\S]*Who delivers\?$/);

    const body = anthropicUpstream.requests[0]!.body as {
      system: Array<{ text: string; cache_control?: unknown }>;
      tools: Array<{ name: string; cache_control?: unknown }>;
      messages: Array<{ content: Array<{ text: string; cache_control?: unknown }> }>;
    };
    const breakpoint = { type: 'ephemeral', ttl: '1h' };
    expect(body.tools.map((tool) => tool.cache_control)).toEqual([undefined, breakpoint]);
    expect(body.system).toEqual([{ type: 'text', text: 'You review contracts.', cache_control: breakpoint }]);
    expect(body.messages[0]!.content.map((block) => block.cache_control)).toEqual([breakpoint, undefined]);
    expect(JSON.stringify(body).match(/cache_control/g)).toHaveLength(3);

    // The fake upstream reports 100 tokens read from its cache when the request has breakpoints.
    const record = await logged(response.headers.get('x-request-id')!);
    expect(record).toMatchObject({ cacheHit: false, cachedInputTokens: 100, cacheWriteInputTokens: 0 });
    expect(record.attempts).toMatchObject([{ code: 'ok', cachedInputTokens: 100 }]);
    expect(gateway.summaries.at(-1)!.usage).toMatchObject({ cacheReadInputTokens: 100 });
  });

  it('leaves requests to other providers without breakpoints', async () => {
    await ask('workload/faq', document);
    expect(JSON.stringify(openaiUpstream.requests[0]!.body)).not.toContain('cache_control');
  });
});
