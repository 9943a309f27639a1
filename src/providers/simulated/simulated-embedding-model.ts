import { randomUUID } from 'node:crypto';
import type { EmbeddingCall } from '../../spec/chat-call.js';
import type { EmbeddingModelAdapter, EmbeddingResult } from '../../spec/language-model-adapter.js';
import { createSeededRandom, hashString } from '../../provider-utils/seeded-random.js';
import { SIMULATED_HEADERS, waitForFirstToken, type SimulatedRuntime } from './simulated-runtime.js';
import { simulatedModelId } from './simulated-model-id.js';

/** Largest vector a call may ask for, as the config allows. */
const MAX_DIMENSIONS = 8192;

/**
 * Embeddings without a model: each input's vector is a pure function of its text, so equal texts
 * embed equally (and a semantic cache keyed on vectors still hits on repeats), while different texts
 * are nearly orthogonal. Latency and the rate-limit/server-error/timeout faults apply as for chat.
 */
export class SimulatedEmbeddingModel implements EmbeddingModelAdapter {
  readonly specVersion = 'v1';
  readonly providerType = 'simulated';
  readonly provider: string;

  constructor(
    readonly modelId: string,
    private readonly runtime: SimulatedRuntime,
  ) {
    this.provider = runtime.providerName;
  }

  async embed(call: EmbeddingCall): Promise<EmbeddingResult> {
    const requested = call.dimensions ?? this.runtime.options.embedding_dimensions;
    const dimensions = Math.min(Math.max(1, Math.floor(requested)), MAX_DIMENSIONS);
    await waitForFirstToken(this.runtime, call.abortSignal, call.waitClock);
    const characters = call.input.reduce((total, text) => total + text.length, 0);
    return {
      embeddings: call.input.map((text) => simulatedEmbedding(text, dimensions)),
      usage: { inputTokens: Math.ceil(characters / 4) },
      response: {
        id: `sim-${randomUUID()}`,
        modelId: simulatedModelId(this.modelId),
        created: Math.floor(Date.now() / 1000),
        headers: { ...SIMULATED_HEADERS },
      },
      warnings: [],
    };
  }
}

/** A unit vector seeded by the text's hash; components are centred so directions spread evenly. */
export function simulatedEmbedding(text: string, dimensions: number): number[] {
  const random = createSeededRandom(hashString(text));
  const vector = Array.from({ length: dimensions }, () => random() * 2 - 1);
  const norm = Math.hypot(...vector) || 1;
  return vector.map((component) => component / norm);
}
