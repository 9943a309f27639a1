import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../../../test/support/create-test-server.js';
import { closeSharedDispatcher } from '../../provider-utils/index.js';
import { InvalidProviderResponseError, ProviderRateLimitError } from '../../spec/errors.js';
import { loadFixture } from './__fixtures__/fixtures.js';
import { createGemini } from './index.js';

const EMBED_PATH = '/v1beta/models/gemini-embedding-001:batchEmbedContents';

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

function createModel() {
  const provider = createGemini({ name: 'gemini-test', baseUrl: `${server.url}/v1beta`, apiKey: 'test-api-key' });
  const embeddingModel = provider.embeddingModel?.('gemini-embedding-001');
  if (embeddingModel === undefined) throw new Error('Gemini must offer embeddings');
  return embeddingModel;
}

describe('GeminiEmbeddingModel', () => {
  it('posts one request per input to batchEmbedContents and returns the vectors in order', async () => {
    server.enqueue(EMBED_PATH, { type: 'json', body: loadFixture('gemini-embedding.json') });
    const model = createModel();
    expect(model).toMatchObject({ specVersion: 'v1', providerType: 'gemini', provider: 'gemini-test', modelId: 'gemini-embedding-001' });
    const result = await model.embed({ input: ['first text', 'second text'], dimensions: 4, user: 'u-1' });
    const request = server.requests[0];
    expect(request?.headers['x-goog-api-key']).toBe('test-api-key');
    expect(request?.body).toMatchInlineSnapshot(`
      {
        "requests": [
          {
            "content": {
              "parts": [
                {
                  "text": "first text",
                },
              ],
            },
            "model": "models/gemini-embedding-001",
            "outputDimensionality": 4,
          },
          {
            "content": {
              "parts": [
                {
                  "text": "second text",
                },
              ],
            },
            "model": "models/gemini-embedding-001",
            "outputDimensionality": 4,
          },
        ],
      }
    `);
    expect(result).toMatchObject({
      embeddings: [
        [0.0132, -0.0083, 0.0415, -0.0271],
        [-0.0224, 0.0067, 0.0309, 0.0151],
      ],
      usage: { inputTokens: undefined },
      warnings: [{ type: 'unsupported-setting', setting: 'user' }],
    });
  });

  it('leaves outputDimensionality out when no dimensions are asked for', async () => {
    server.enqueue(EMBED_PATH, { type: 'json', body: { embeddings: [{ values: [0.1, 0.2] }] } });
    await createModel().embed({ input: ['only'] });
    expect(server.requests[0]?.body).toEqual({
      requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'only' }] } }],
    });
  });

  it('rejects a response with a different number of embeddings', async () => {
    server.enqueue(EMBED_PATH, { type: 'json', body: { embeddings: [{ values: [0.1] }] } });
    await expect(createModel().embed({ input: ['a', 'b'] })).rejects.toBeInstanceOf(InvalidProviderResponseError);
  });

  it('rejects a response of the wrong shape', async () => {
    server.enqueue(EMBED_PATH, { type: 'json', body: { embedding: { values: [0.1] } } });
    await expect(createModel().embed({ input: ['a'] })).rejects.toBeInstanceOf(InvalidProviderResponseError);
  });

  it('maps errors like the chat model', async () => {
    server.enqueue(EMBED_PATH, { type: 'json', status: 429, body: loadFixture('gemini-429-retry-info.json') });
    const error = await createModel().embed({ input: ['a'] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderRateLimitError);
    expect(error).toMatchObject({ retryAfterMs: 34_400 });
  });
});
