import type { ProviderFactory } from '../../provider-utils/provider-settings.js';
import { ConfigError } from '../../spec/errors.js';
import { createSeededRandom, type RandomSource } from '../../provider-utils/seeded-random.js';
import { SimulatedChatModel } from './simulated-chat-model.js';
import { SimulatedEmbeddingModel } from './simulated-embedding-model.js';
import { simulatedProviderOptionsSchema, type SimulatedProviderOptions } from './simulated-options.js';
import { defaultSleep, type SimulatedRuntime, type SimulatedSleep } from './simulated-runtime.js';

export {
  simulatedProviderOptionsSchema,
  type SimulatedProviderOptions,
  type SimulatedProviderOptionsInput,
} from './simulated-options.js';
export { SimulatedChatModel } from './simulated-chat-model.js';
export { SimulatedEmbeddingModel } from './simulated-embedding-model.js';
export { createSeededRandom, type RandomSource } from '../../provider-utils/seeded-random.js';
export { sampleLatency } from './sample-latency.js';
export { simulatedModelId } from './simulated-model-id.js';
export type { SimulatedSleep } from './simulated-runtime.js';

export interface SimulatedProviderSettings {
  /** Provider name from the config, used in errors and logs. */
  name: string;
  /** The parsed config block; defaults (instant, no faults) when absent. */
  options?: SimulatedProviderOptions;
  /** Overrides the random source (tests); otherwise seeded from `options.seed`, else Math.random. */
  random?: RandomSource;
  /** Overrides waiting (tests); defaults to real timers. */
  sleep?: SimulatedSleep;
}

/**
 * The built-in `simulated` provider: in-process models for demos, load tests and fault drills.
 * Every response says it is simulated (`simulated/<model>` ids, an `x-switchyard-simulated` header
 * and labelled text). Models of one provider share one random source, so a seeded run replays
 * the same latencies and faults for the same sequence of calls.
 */
export function createSimulated(settings: SimulatedProviderSettings): ProviderFactory {
  // Re-parsing an already parsed block is a no-op, and it catches hand-built options in code.
  const parsed = simulatedProviderOptionsSchema.safeParse(settings.options ?? {});
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        file: '(simulated provider options)',
        path: [settings.name, ...issue.path.map(String)].join('.'),
        message: issue.message,
      })),
    );
  }
  const options = parsed.data;
  const runtime: SimulatedRuntime = {
    providerName: settings.name,
    options,
    random: settings.random ?? (options.seed === undefined ? Math.random : createSeededRandom(options.seed)),
    sleep: settings.sleep ?? defaultSleep,
  };
  return {
    name: settings.name,
    providerType: 'simulated',
    languageModel: (modelId) => new SimulatedChatModel(modelId, runtime),
    embeddingModel: (modelId) => new SimulatedEmbeddingModel(modelId, runtime),
  };
}
