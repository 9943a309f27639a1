import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../../../test/support/create-test-server.js';
import { closeSharedDispatcher } from '../../provider-utils/index.js';
import { InvalidProviderResponseError, ProviderRateLimitError } from '../../spec/errors.js';
import { loadOpenAIJson } from './__fixtures__/load-openai-compatible-fixture.js';
import { createOpenAICompatible, OPENAI_COMPATIBLE_PROVIDER_TYPES, type OpenAICompatibleProviderType } from './index.js';

const PATH = '/v1/embeddings';

let server: TestServer;

beforeEach(async () => {
  server = await createTestServer();
});
afterEach(async () => {
  await server.close();
});
afterAll(async () => {
  await closeSharedDispatcher();
});

function embeddingModel(profile: OpenAICompatibleProviderType = 'openai', settings: { apiKey?: string; headers?: Record<string, string> } = {}) {
  const factory = createOpenAICompatible({ name: `${profile}-test`, baseUrl: `${server.url}/v1`, apiKey: 'sk-test', profile, ...settings });
  if (!factory.embeddingModel) throw new Error(`${profile} has no embeddings`);
  return factory.embeddingModel('text-embedding-3-small');
}

describe('OpenAICompatibleEmbeddingModel.embed', () => {
  it('sends input, encoding_format float, dimensions, user and headers, and orders embeddings by index', async () => {
    server.enqueue(PATH, { type: 'json', body: loadOpenAIJson('openai-embedding'), headers: { 'x-request-id': 'req_emb' } });
    const result = await embeddingModel('openai', { headers: { 'OpenAI-Project': 'proj_1' } }).embed({
      input: ['first', 'second'],
      dimensions: 3,
      user: 'user-42',
      headers: { 'x-trace-id': 'trace-1' },
    });
    const request = server.requests[0];
    expect(request?.path).toBe(PATH);
    expect(request?.headers).toMatchObject({ authorization: 'Bearer sk-test', 'openai-project': 'proj_1', 'x-trace-id': 'trace-1' });
    expect(request?.body).toEqual({
      model: 'text-embedding-3-small',
      input: ['first', 'second'],
      encoding_format: 'float',
      dimensions: 3,
      user: 'user-42',
    });
    expect(result.embeddings).toEqual([
      [-0.0069352793, 0.0008456261, -0.017845692],
      [0.0023064255, -0.009327292, 0.015797347],
    ]);
    expect(result.usage).toEqual({ inputTokens: 8, raw: { prompt_tokens: 8, total_tokens: 8 } });
    expect(result.response.modelId).toBe('text-embedding-3-small');
    expect(result.response.headers?.['x-request-id']).toBe('req_emb');
    expect(result.warnings).toEqual([]);
  });

  it('omits dimensions and user when not given, and sends an api-key header for Azure-style servers', async () => {
    server.enqueue(PATH, { type: 'json', body: loadOpenAIJson('openai-embedding') });
    const factory = createOpenAICompatible({
      name: 'azure',
      baseUrl: `${server.url}/v1`,
      apiKey: 'azure-key',
      profile: 'openai-compatible',
      overrides: { authHeader: 'api-key' },
    });
    await factory.embeddingModel?.('embed').embed({ input: ['only'] });
    expect(server.requests[0]?.body).toEqual({ model: 'embed', input: ['only'], encoding_format: 'float' });
    expect(server.requests[0]?.headers['api-key']).toBe('azure-key');
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('accepts a server that reports no usage (Ollama)', async () => {
    server.enqueue(PATH, { type: 'json', body: { object: 'list', data: [{ object: 'embedding', embedding: [0.1, 0.2], index: 0 }], model: 'nomic-embed-text' } });
    const result = await embeddingModel('ollama', { apiKey: undefined }).embed({ input: ['hi'] });
    expect(result.embeddings).toEqual([[0.1, 0.2]]);
    expect(result.usage.inputTokens).toBeUndefined();
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('fails with InvalidProviderResponseError naming `data` when it is missing', async () => {
    server.enqueue(PATH, { type: 'json', body: { object: 'list', model: 'text-embedding-3-small' } });
    const error = await embeddingModel().embed({ input: ['hi'] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidProviderResponseError);
    expect((error as Error).message).toContain('unexpected response: data:');
  });

  it('maps a 429 with retry-after to ProviderRateLimitError', async () => {
    server.enqueue(PATH, { type: 'json', status: 429, body: loadOpenAIJson('openai-429-rate-limit'), headers: { 'retry-after': '2' } });
    const error = await embeddingModel().embed({ input: ['hi'] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderRateLimitError);
    expect(error).toMatchObject({ retryAfterMs: 2000 });
  });
});

describe('createOpenAICompatible', () => {
  it('uses the profile default base URL and exposes the profile type', () => {
    const provider = createOpenAICompatible({ name: 'openai-prod', profile: 'openai', apiKey: 'sk' });
    expect(provider.providerType).toBe('openai');
    const adapter = provider.languageModel('gpt-4o');
    expect(adapter).toMatchObject({ specVersion: 'v1', provider: 'openai-prod', providerType: 'openai', modelId: 'gpt-4o' });
  });

  it('has an embeddingModel only for profiles with an embeddings API', () => {
    const withEmbeddings = OPENAI_COMPATIBLE_PROVIDER_TYPES.filter(
      (profile) => createOpenAICompatible({ name: profile, profile, baseUrl: 'http://127.0.0.1:1/v1' }).embeddingModel !== undefined,
    );
    expect(withEmbeddings).not.toContain('tgi');
    expect(withEmbeddings).not.toContain('groq');
    expect(withEmbeddings).toContain('openai');
    expect(withEmbeddings).toContain('vllm');
    const off = createOpenAICompatible({ name: 'x', profile: 'vllm', overrides: { supportsEmbeddings: false } });
    expect(off.embeddingModel).toBeUndefined();
  });

  it('throws when the generic openai-compatible profile has no base_url', () => {
    expect(() => createOpenAICompatible({ name: 'my-server', profile: 'openai-compatible' })).toThrow(
      'Provider my-server (openai-compatible) needs a base_url',
    );
  });

  it('joins the base URL without doubling slashes', async () => {
    server.enqueue('/v1/chat/completions', { type: 'json', body: loadOpenAIJson('openai-text') });
    await createOpenAICompatible({ name: 'x', profile: 'vllm', baseUrl: `${server.url}/v1/` })
      .languageModel('m')
      .generate({ messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] });
    expect(server.requests[0]?.path).toBe('/v1/chat/completions');
  });
});
