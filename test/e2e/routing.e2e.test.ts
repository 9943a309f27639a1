import OpenAI from 'openai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFakeOpenAIUpstream } from '../fakes/fake-openai-upstream.js';
import type { TestServer } from '../support/create-test-server.js';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.js';
import { loggedRequest } from '../support/logged-request.js';

/**
 * Hybrid routing through a real gateway with the official OpenAI SDK: a rule sends tool calls to
 * the frontier model, a cascade answers with the open model and escalates a refusal (streamed too),
 * and the decision shows in the response headers, the request log and the usage report.
 */
let cheapUpstream: TestServer;
let frontierUpstream: TestServer;
let gateway: TestGateway;
let client: OpenAI;
let directory: string;

const config = (cheapUrl: string, frontierUrl: string, dir: string) => `providers:
  vllm: { type: vllm, base_url: "${cheapUrl}/v1" }
  openai: { type: openai, base_url: "${frontierUrl}/v1", api_key: sk-test }
models:
  llama:
    deployments: [{ provider: vllm, model: llama-3-8b, context_window: 8192, pricing: { input_per_mtok: 0.2, output_per_mtok: 0.2 } }]
  gpt-4o:
    deployments: [{ provider: openai, model: gpt-4o, pricing: { input_per_mtok: 2.5, output_per_mtok: 10 } }]
workloads:
  qa:
    route: { model: llama }
    reference_model: gpt-4o
    routing:
      rules:
        - { name: tools, when: { has: [tools] }, model: gpt-4o }
      cascade:
        tiers: [llama, gpt-4o]
        checks: [refusal]
storage: { type: sqlite, path: "${dir}/log.db" }
request_log: { flush_interval_ms: 50, spill_directory: "${dir}/spill" }
`;

const REFUSAL = "I'm sorry, but I can't help with that.";

/** A vLLM chat completion with the given text, as the fake's own answers are shaped. */
function cheapAnswer(text: string) {
  return {
    type: 'json' as const,
    body: {
      id: 'chatcmpl-cheap',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'llama-3-8b',
      choices: [{ index: 0, message: { role: 'assistant', content: text }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
    },
  };
}

beforeAll(async () => {
  cheapUpstream = await createFakeOpenAIUpstream();
  frontierUpstream = await createFakeOpenAIUpstream();
  directory = await mkdtemp(join(tmpdir(), 'switchyard-routing-e2e-'));
  gateway = await startTestGateway(config(cheapUpstream.url, frontierUpstream.url, directory), { recordRequests: true });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await cheapUpstream.close();
  await frontierUpstream.close();
  await rm(directory, { recursive: true, force: true });
});
beforeEach(() => {
  cheapUpstream.requests.length = 0;
  frontierUpstream.requests.length = 0;
});

const chatCalls = (server: TestServer) => server.requests.filter((request) => request.path === '/v1/chat/completions').length;

const logged = (requestId: string) => loggedRequest(gateway.url, requestId);

describe('hybrid routing end to end', () => {
  it('answers with the open model when its answer passes the checks', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'workload/qa', messages: [{ role: 'user', content: 'What is 2 + 2?' }] })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe('Echo: What is 2 + 2?');
    expect(response.headers.get('x-switchyard-router')).toBe('cascade');
    expect(response.headers.get('x-switchyard-model')).toBe('llama');
    expect(response.headers.get('x-switchyard-route')).toBe('cascade llama -> gpt-4o; llama accepted');
    expect(chatCalls(frontierUpstream)).toBe(0);
    const record = await logged(response.headers.get('x-request-id')!);
    expect(record).toMatchObject({ router: 'cascade', cascade: { tiers: ['llama', 'gpt-4o'], tier: 0 }, deployment: 'vllm/llama-3-8b' });
  });

  it('escalates a refusal to the frontier model and records both tiers, their costs and the escalation', async () => {
    cheapUpstream.enqueue('/v1/chat/completions', cheapAnswer(REFUSAL));
    const { data, response } = await client.chat.completions
      .create({ model: 'workload/qa', messages: [{ role: 'user', content: 'Summarise this contract.' }] })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe('Echo: Summarise this contract.');
    expect(response.headers.get('x-switchyard-model')).toBe('gpt-4o');
    expect(response.headers.get('x-switchyard-route')).toMatch(/llama escalated \(refusal: .*\); gpt-4o answered$/);
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    const record = await logged(response.headers.get('x-request-id')!);
    expect(record).toMatchObject({
      router: 'cascade',
      cascade: { tier: 1, steps: [{ model: 'llama', outcome: 'escalated', check: 'refusal' }, { model: 'gpt-4o', outcome: 'accepted' }] },
      deployment: 'openai/gpt-4o',
    });
    const attempts = record.attempts as Array<{ deployment: string; tier: number; costUsd: number }>;
    expect(attempts.map((attempt) => [attempt.deployment, attempt.tier])).toEqual([
      ['vllm/llama-3-8b', 0],
      ['openai/gpt-4o', 1],
    ]);
    // Both tiers are paid for: the cheap attempt's 21 tokens at $0.2/M and the frontier's 12 + 5.
    expect(record.costUsd).toBeCloseTo((21 * 0.2 + 12 * 2.5 + 5 * 10) / 1e6, 12);
  });

  it('streams an escalated answer after the cheap one was checked', async () => {
    cheapUpstream.enqueue('/v1/chat/completions', cheapAnswer(REFUSAL));
    const stream = await client.chat.completions.create({ model: 'workload/qa', messages: [{ role: 'user', content: 'Explain the clause.' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Echo: Explain the clause.');
    // The cheap tier was asked for a whole answer; the frontier streamed.
    const cheapBody = cheapUpstream.requests.at(-1)!.body as { stream?: boolean };
    const frontierBody = frontierUpstream.requests.at(-1)!.body as { stream?: boolean };
    expect(cheapBody.stream).toBeFalsy();
    expect(frontierBody.stream).toBe(true);
  });

  it('sends a request with tools straight to the frontier model by rule', async () => {
    const { response } = await client.chat.completions
      .create({
        model: 'workload/qa',
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
      })
      .withResponse();
    expect(response.headers.get('x-switchyard-router')).toBe('rules');
    expect(response.headers.get('x-switchyard-route')).toBe('rule tools: has tools');
    expect(chatCalls(cheapUpstream)).toBe(0);
    expect(chatCalls(frontierUpstream)).toBe(1);
  });

  it('reports the escalation rate per workload in the usage API', async () => {
    await expect
      .poll(async () => {
        const usage = (await (await fetch(`${gateway.url}/admin/usage?by=workload`)).json()) as { rows: Array<{ keys: { workload: string }; requests: number; escalations: number }> };
        return usage.rows.find((row) => row.keys.workload === 'qa');
      }, { timeout: 5000 })
      .toMatchObject({ requests: 4, escalations: 2 });
  });
});
