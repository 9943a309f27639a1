import OpenAI from 'openai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainLearnedRouter } from '../../src/core/routing/learned/train-router.js';
import { createFakeOpenAIUpstream } from '../fakes/fake-openai-upstream.js';
import type { TestServer } from '../support/create-test-server.js';
import { loggedRequest } from '../support/logged-request.js';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.js';

/**
 * A learned router that reads prompt embeddings from a configured embedding model, through a real
 * gateway with the official OpenAI SDK: the prompt is embedded by the embedding deployment first
 * (its own logged, costed request), the vector picks the model, and an embedding that fails leaves
 * the decision to the workload's route with the reason in the response header.
 */
let upstream: TestServer;
let gateway: TestGateway;
let client: OpenAI;
let directory: string;

const embeddingAnswer = (vector: number[]) => ({
  type: 'json' as const,
  body: { object: 'list', data: [{ object: 'embedding', index: 0, embedding: vector }], model: 'text-embedding-3-small', usage: { prompt_tokens: 6, total_tokens: 6 } },
});

beforeAll(async () => {
  upstream = await createFakeOpenAIUpstream();
  directory = await mkdtemp(join(tmpdir(), 'switchyard-embedding-routing-e2e-'));
  const base = trainLearnedRouter(
    ['prove it', 'cook it', 'prove that', 'cook that'].map((prompt, index) => ({ id: `p${index}`, input: { prompt }, weakQuality: index % 2, strongQuality: 1 })),
    { variant: 'baseline', strong: 'gpt-4o', weak: 'llama', trainedOn: { file: 'synthetic', sha256: '0'.repeat(64), split: 'train', examples: 4 } },
  );
  const artifact = {
    ...base,
    threshold: 0.5,
    features: { ...base.features, embedding: { embedder: 'model:embed', dimension: 2 } },
    model: { combine: 'single', members: [{ weight: 1, member: { kind: 'embedding', bias: 0, weights: [4, -4] } }] },
  };
  await writeFile(join(directory, 'router.json'), JSON.stringify(artifact));
  const config = `providers:
  vllm: { type: vllm, base_url: "${upstream.url}/v1" }
  openai: { type: openai, base_url: "${upstream.url}/v1", api_key: sk-test }
models:
  llama: { deployments: [{ provider: vllm, model: llama-3-8b, pricing: { input_per_mtok: 0.2, output_per_mtok: 0.2 } }] }
  gpt-4o: { deployments: [{ provider: openai, model: gpt-4o, pricing: { input_per_mtok: 2.5, output_per_mtok: 10 } }] }
  embed: { kind: embedding, deployments: [{ provider: openai, model: text-embedding-3-small, pricing: { input_per_mtok: 0.02, output_per_mtok: 0 } }] }
workloads:
  qa:
    route: { model: llama }
    routing:
      learned: { artifact: router.json, weak: llama, strong: gpt-4o, embedding_timeout_ms: 5000 }
storage: { type: sqlite, path: "${directory}/log.db" }
request_log: { flush_interval_ms: 50, spill_directory: "${directory}/spill" }
`;
  const configFile = join(directory, 'switchyard.yaml');
  await writeFile(configFile, config);
  gateway = await startTestGateway(config, { recordRequests: true, configFile });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
  await rm(directory, { recursive: true, force: true });
});

const ask = (content: string) => client.chat.completions.create({ model: 'workload/qa', messages: [{ role: 'user', content }] }).withResponse();

describe('learned routing on prompt embeddings end to end', () => {
  it('embeds the prompt with the configured model, routes by the vector, and logs and costs the embedding as its own request', async () => {
    upstream.enqueue('/v1/embeddings', embeddingAnswer([1, 0]));
    const hard = await ask('Prove the lemma.');
    expect(hard.response.headers.get('x-switchyard-router')).toBe('learned');
    expect(hard.response.headers.get('x-switchyard-model')).toBe('gpt-4o');
    const embedCall = upstream.requests.find((request) => request.path === '/v1/embeddings')!;
    expect(embedCall.body).toMatchObject({ model: 'text-embedding-3-small', input: ['Prove the lemma.'] });

    upstream.enqueue('/v1/embeddings', embeddingAnswer([0, 1]));
    const easy = await ask('Name a fruit.');
    expect(easy.response.headers.get('x-switchyard-model')).toBe('llama');

    const id = hard.response.headers.get('x-request-id')!;
    const embedding = await loggedRequest(gateway.url, `${id}.embedding`);
    expect(embedding).toMatchObject({ endpoint: 'embeddings', workload: 'qa', deployment: 'openai/text-embedding-3-small', status: 200 });
    expect(embedding.costUsd).toBeCloseTo((6 * 0.02) / 1e6, 15);
    expect(await loggedRequest(gateway.url, id)).toMatchObject({ router: 'learned', deployment: 'openai/gpt-4o' });
  });

  it('falls back to the workload route, saying why, when the embedding model fails', async () => {
    upstream.enqueue('/v1/embeddings', { type: 'json', status: 400, body: { error: { message: 'input too long', type: 'invalid_request_error', param: 'input', code: null } } });
    const { data, response } = await ask('Anything at all.');
    expect(data.choices[0]!.message.content).toBe('Echo: Anything at all.');
    expect(response.headers.get('x-switchyard-model')).toBe('llama');
    expect(response.headers.get('x-switchyard-router')).not.toBe('learned');
    expect(response.headers.get('x-switchyard-route')).toMatch(/learned router skipped: prompt embedding failed: .*input too long/);
  });
});
