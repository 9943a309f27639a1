import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatCall, createFakeAdapter, runtimeWithFakes } from '../../../test/support/fake-adapter.js';
import { LOCAL_SENTENCE_ENCODER, LocalSentenceEncoder } from '../routing/embeddings/local-sentence-encoder.js';
import { trainLearnedRouter } from '../routing/learned/train-router.js';
import { RequestPipeline } from './request-pipeline.js';
import type { EmbeddingModelAdapter } from '../../spec/language-model-adapter.js';
import type { RequestSummary } from './request-summary.js';

const HARD = ['Prove that there are infinitely many primes.', 'Show that the square root of two is irrational.', 'Prove the triangle inequality for real numbers.'];
const EASY = ['What is a good recipe for pancakes?', 'How long should I boil an egg?', 'Suggest a topping for a pizza.'];

let directory: string;
/** A router whose only member reads the prompt embedding: maths proofs score high, cooking low. */
let embeddingRouter: string;
let foreignRouter: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-embedding-routing-'));
  const encoder = new LocalSentenceEncoder();
  const [hard, easy] = await Promise.all([encoder.embed(HARD), encoder.embed(EASY)]);
  await encoder.close();
  const mean = (vectors: Float32Array[]) => Array.from({ length: 512 }, (_unused, index) => vectors.reduce((sum, vector) => sum + vector[index]!, 0) / vectors.length);
  const [hardMean, easyMean] = [mean(hard), mean(easy)];
  const weights = hardMean.map((value, index) => 10 * (value - easyMean[index]!));
  const bias = -weights.reduce((sum, weight, index) => sum + (weight * (hardMean[index]! + easyMean[index]!)) / 2, 0);
  const base = trainLearnedRouter(
    [...HARD, ...EASY].map((prompt, index) => ({ id: `p${index}`, input: { prompt }, weakQuality: index < HARD.length ? 0 : 1, strongQuality: 1 })),
    { variant: 'baseline', strong: 'big-1', weak: 'small-1', trainedOn: { file: 'synthetic', sha256: '0'.repeat(64), split: 'train', examples: 6 } },
  );
  const artifact = {
    ...base,
    threshold: 0.5,
    features: { ...base.features, embedding: { embedder: LOCAL_SENTENCE_ENCODER, dimension: 512 } },
    model: { combine: 'single', members: [{ weight: 1, member: { kind: 'embedding', bias, weights } }] },
  };
  embeddingRouter = join(directory, 'embedding-router.json');
  await writeFile(embeddingRouter, JSON.stringify(artifact));
  foreignRouter = join(directory, 'foreign-router.json');
  await writeFile(foreignRouter, JSON.stringify({ ...artifact, features: { ...artifact.features, embedding: { embedder: 'openai/text-embedding-3-small', dimension: 512 } } }));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

function setup(learnedExtra = '', artifact = () => embeddingRouter) {
  const yaml = `providers:
  a: { type: simulated }
  b: { type: simulated }
models:
  small: { deployments: [{ provider: a, model: small-1 }] }
  big: { deployments: [{ provider: b, model: big-1 }] }
workloads:
  w:
    route: { model: small }
    routing:
      learned: { artifact: ${JSON.stringify(artifact())}, weak: small, strong: big${learnedExtra} }
`;
  const fakes = { 'a/small-1': createFakeAdapter('a/small-1', [{ kind: 'answer', text: 'small' }]), 'b/big-1': createFakeAdapter('b/big-1', [{ kind: 'answer', text: 'big' }]) };
  const runtime = runtimeWithFakes(yaml, fakes);
  const summaries: RequestSummary[] = [];
  const pipeline = new RequestPipeline({ onRequestEnd: (summary) => summaries.push(summary) });
  const generate = (prompt: string) =>
    pipeline.generate({ runtime, requestId: `req-${summaries.length}`, startedAt: performance.now(), endpoint: 'chat', model: 'workload/w', call: chatCall(prompt) });
  return { generate, summaries };
}

describe('RequestPipeline routing: a learned router that reads prompt embeddings', () => {
  it('embeds each prompt off the request thread before routing, and routes by the embedding', async () => {
    // A generous limit: the encoder thread may still be loading its model on a busy test machine.
    const { generate, summaries } = setup(', embedding_timeout_ms: 20000');
    // Unseen prompts: no shared words with the training ones, so only the embedding can tell them apart.
    const hard = await generate('Demonstrate rigorously that every bounded monotone sequence converges.');
    expect(hard.plan).toMatchObject({ model: 'big', router: 'learned' });
    const easy = await generate('Which herbs go well in a tomato soup?');
    expect(easy.plan).toMatchObject({ model: 'small', router: 'learned' });
    expect(hard.plan.score!).toBeGreaterThan(0.5);
    expect(easy.plan.score!).toBeLessThan(0.5);
    expect(summaries.map((summary) => summary.routing?.router)).toEqual(['learned', 'learned']);
  });

  it('steps aside when the embedding does not arrive within embedding_timeout_ms: the workload route answers', async () => {
    const { generate } = setup(', embedding_timeout_ms: 1');
    const result = await generate('Demonstrate rigorously that every bounded monotone sequence converges.');
    expect(result.plan.model).toBe('small');
    expect(result.plan.router).not.toBe('learned');
    expect(result.plan.reason).toContain('learned router skipped: no prompt embedding within 1 ms');
  });

  it('refuses a config whose artifact reads embeddings this gateway cannot compute, naming the embedder', () => {
    expect(() => setup('', () => foreignRouter)).toThrow(
      /workloads\.w\.routing\.learned\.artifact.*'openai\/text-embedding-3-small': this gateway cannot compute it \(it can: local\/universal-sentence-encoder, model:<embedding model>\)/s,
    );
  });
});

/** An upstream embedding model `<provider>/emb-1` that records each text and answers `vectorOf(text)`, 7 tokens a call. */
function fakeEmbeddingModel(provider: string, texts: string[], vectorOf: (text: string) => number[]): EmbeddingModelAdapter {
  return {
    specVersion: 'v1',
    provider,
    providerType: 'openai',
    modelId: 'emb-1',
    embed: async (call) => {
      texts.push(...call.input);
      return { embeddings: call.input.map(vectorOf), usage: { inputTokens: 7 }, response: { modelId: 'emb-1' }, warnings: [] };
    },
  };
}

describe('RequestPipeline routing: a learned router that reads embeddings from a configured embedding model', () => {
  const yaml = (artifact: string) => `providers:
  a: { type: simulated }
  b: { type: simulated }
models:
  small: { deployments: [{ provider: a, model: small-1 }] }
  big: { deployments: [{ provider: b, model: big-1 }] }
  emb: { kind: embedding, deployments: [{ provider: a, model: emb-1 }] }
workloads:
  w:
    route: { model: small }
    routing:
      learned: { artifact: ${JSON.stringify(artifact)}, weak: small, strong: big, embedding_timeout_ms: 5000 }
`;
  async function modelRouter(embedder: string): Promise<string> {
    const base = trainLearnedRouter(
      [...HARD, ...EASY].map((prompt, index) => ({ id: `p${index}`, input: { prompt }, weakQuality: index < HARD.length ? 0 : 1, strongQuality: 1 })),
      { variant: 'baseline', strong: 'big-1', weak: 'small-1', trainedOn: { file: 'synthetic', sha256: '0'.repeat(64), split: 'train', examples: 6 } },
    );
    const file = join(directory, `${embedder.replace(/\W/g, '-')}.json`);
    await writeFile(
      file,
      JSON.stringify({
        ...base,
        threshold: 0.5,
        features: { ...base.features, embedding: { embedder, dimension: 2 } },
        model: { combine: 'single', members: [{ weight: 1, member: { kind: 'embedding', bias: 0, weights: [4, -4] } }] },
      }),
    );
    return file;
  }

  it('embeds the prompt with that model as a request of the workload (logged and costed) and routes by it', async () => {
    const texts: string[] = [];
    const runtime = runtimeWithFakes(yaml(await modelRouter('model:emb')), { 'a/small-1': createFakeAdapter('a/small-1', [{ kind: 'answer', text: 'small' }]), 'b/big-1': createFakeAdapter('b/big-1', [{ kind: 'answer', text: 'big' }]) });
    // A fake upstream embedding model: "proof" prompts point one way, the rest the other.
    runtime.targets.get('a/emb-1')!.embedding = fakeEmbeddingModel('a', texts, (text) => (/prove|proof/i.test(text) ? [1, 0] : [0, 1]));
    const summaries: RequestSummary[] = [];
    const pipeline = new RequestPipeline({ onRequestEnd: (summary) => summaries.push(summary) });
    const generate = (prompt: string) => pipeline.generate({ runtime, requestId: 'r1', startedAt: performance.now(), endpoint: 'chat', model: 'workload/w', call: chatCall(prompt) });
    const first = await generate('Please prove this lemma.');
    expect(first.plan).toMatchObject({ model: 'big', router: 'learned' });
    expect((await generate('Name a fruit.')).plan).toMatchObject({ model: 'small', router: 'learned' });
    expect(texts).toEqual(['Please prove this lemma.', 'Name a fruit.']);
    const embeddingRecords = summaries.filter((summary) => summary.endpoint === 'embeddings');
    expect(embeddingRecords).toHaveLength(2);
    expect(embeddingRecords[0]).toMatchObject({ requestId: 'r1.embedding', workload: 'w', status: 200, usage: { inputTokens: 7 } });
  });

  it("a prompt the workload's data policy keeps in house is never sent to a closed embedding model", async () => {
    const texts: string[] = [];
    const yamlWithPolicy = yaml(await modelRouter('model:emb'))
      .replace('  a: { type: simulated }', '  a: { type: vllm, base_url: "http://127.0.0.1:9/v1" }')
      .replace('  emb: { kind: embedding, deployments: [{ provider: a, model: emb-1 }] }', '  emb: { kind: embedding, deployments: [{ provider: c, model: emb-1 }] }')
      .replace('  b: { type: simulated }', '  b: { type: simulated }\n  c: { type: openai, api_key: sk-test }')
      .replace('    route: { model: small }', '    route: { model: small }\n    policy: { detect_sensitive: true }');
    const runtime = runtimeWithFakes(yamlWithPolicy, { 'a/small-1': createFakeAdapter('a/small-1', [{ kind: 'answer', text: 'small' }]), 'b/big-1': createFakeAdapter('b/big-1', [{ kind: 'answer', text: 'big' }]) });
    runtime.targets.get('c/emb-1')!.embedding = fakeEmbeddingModel('c', texts, () => [1, 0]);
    const pipeline = new RequestPipeline();
    const generate = (prompt: string) => pipeline.generate({ runtime, requestId: 'r', startedAt: performance.now(), endpoint: 'chat', model: 'workload/w', call: chatCall(prompt) });
    expect((await generate('Please prove this lemma.')).plan).toMatchObject({ model: 'big', router: 'learned' });
    const carded = await generate('Please prove my card 4111 1111 1111 1111 is valid.');
    expect(texts).toEqual(['Please prove this lemma.']);
    expect(carded.plan.model).toBe('small');
    expect(carded.plan.reason).toMatch(/learned router skipped: prompt embedding failed: .*(policy|restricted)/i);
  });

  it('refuses an artifact whose embedding model is missing from the config or is a chat model', async () => {
    const fakes = { 'a/small-1': createFakeAdapter('a/small-1', []), 'b/big-1': createFakeAdapter('b/big-1', []) };
    expect(() => runtimeWithFakes(yaml(foreignRouter).replace('emb: {', 'other: {'), fakes)).toThrow(/'openai\/text-embedding-3-small': this gateway cannot compute it/);
    const missing = await modelRouter('model:nowhere');
    expect(() => runtimeWithFakes(yaml(missing), fakes)).toThrow(/reads prompt embeddings from 'model:nowhere': no model 'nowhere' in this config/);
    const chat = await modelRouter('model:small');
    expect(() => runtimeWithFakes(yaml(chat), fakes)).toThrow(/model 'small' is a chat model; expected an embedding model/);
  });
});
