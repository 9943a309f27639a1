import { describe, expect, it } from 'vitest';
import { ConfigError, ProviderRateLimitError } from '../../spec/errors.js';
import { createSimulated, simulatedProviderOptionsSchema, type SimulatedProviderOptions } from './index.js';
import { simulatedEmbedding } from './simulated-embedding-model.js';

const instantSleep = async (_ms: number, signal?: AbortSignal): Promise<void> => {
  if (signal?.aborted) throw signal.reason;
};

function embedder(options: Record<string, unknown> = {}) {
  const factory = createSimulated({ name: 'sim', options: simulatedProviderOptionsSchema.parse(options), sleep: instantSleep });
  const embeddingModel = factory.embeddingModel;
  if (embeddingModel === undefined) throw new Error('simulated provider must offer embeddings');
  return embeddingModel('embed-small');
}

function dot(a: number[], b: number[]): number {
  return a.reduce((total, value, index) => total + value * (b[index] ?? 0), 0);
}

describe('SimulatedEmbeddingModel', () => {
  it('returns one unit vector per input, of the configured length, labelled as simulated', async () => {
    const result = await embedder().embed({ input: ['hello', 'world!!'] });
    expect(result.embeddings).toHaveLength(2);
    for (const vector of result.embeddings) {
      expect(vector).toHaveLength(256);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 10);
    }
    expect(result.usage).toEqual({ inputTokens: Math.ceil(12 / 4) });
    expect(result.response).toMatchObject({ modelId: 'simulated/embed-small', headers: { 'x-switchyard-simulated': 'true' } });
    expect(result.warnings).toEqual([]);
  });

  it('embeds the same text to the same vector across calls and providers, and different texts apart', async () => {
    const first = await embedder().embed({ input: ['same text', 'other text'] });
    const second = await embedder({ seed: 5 }).embed({ input: ['same text'] });
    expect(second.embeddings[0]).toEqual(first.embeddings[0]);
    expect(Math.abs(dot(first.embeddings[0]!, first.embeddings[1]!))).toBeLessThan(0.3);
  });

  it('honours embedding_dimensions and the call dimensions', async () => {
    expect((await embedder({ embedding_dimensions: 8 }).embed({ input: ['a'] })).embeddings[0]).toHaveLength(8);
    expect((await embedder({ embedding_dimensions: 8 }).embed({ input: ['a'], dimensions: 3 })).embeddings[0]).toHaveLength(3);
    expect(simulatedEmbedding('a', 3)).toEqual((await embedder().embed({ input: ['a'], dimensions: 3 })).embeddings[0]);
  });

  it('applies call faults', async () => {
    await expect(embedder({ faults: { rate_limit: 1 } }).embed({ input: ['a'] })).rejects.toBeInstanceOf(ProviderRateLimitError);
  });

  it('rejects with the abort reason', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(embedder().embed({ input: ['a'], abortSignal: controller.signal })).rejects.toThrow('stop');
  });
});

describe('createSimulated', () => {
  it('works with no options and names its provider type', () => {
    const factory = createSimulated({ name: 'demo-open' });
    expect(factory).toMatchObject({ name: 'demo-open', providerType: 'simulated' });
    expect(factory.languageModel('x')).toMatchObject({ provider: 'demo-open', modelId: 'x' });
  });

  it('turns invalid hand-built options into a ConfigError naming the path', () => {
    const invalid = { ...simulatedProviderOptionsSchema.parse({}), tokens_per_second: -5 } as SimulatedProviderOptions;
    expect(() => createSimulated({ name: 'demo', options: invalid })).toThrow(ConfigError);
    expect(() => createSimulated({ name: 'demo', options: invalid })).toThrow(/demo\.tokens_per_second/);
  });

  it('prefers an injected random source over the seed', async () => {
    let draws = 0;
    const factory = createSimulated({
      name: 'sim',
      options: simulatedProviderOptionsSchema.parse({ seed: 1, faults: { rate_limit: 0.5 } }),
      random: () => {
        draws += 1;
        return 0.1;
      },
      sleep: instantSleep,
    });
    await expect(factory.languageModel('m').generate({ messages: [] })).rejects.toBeInstanceOf(ProviderRateLimitError);
    expect(draws).toBe(1);
  });
});
