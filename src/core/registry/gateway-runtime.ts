import type { EmbeddingModelAdapter, LanguageModelAdapter } from '../../spec/language-model-adapter.js';
import type { ResolvedConfig, ResolvedDeployment } from '../config/resolve-config.js';
import { createProviderFactory } from './create-provider-factory.js';

/** A deployment ready to call: its config and its adapter, built once per config load. */
export interface DeploymentTarget {
  deployment: ResolvedDeployment;
  chat?: LanguageModelAdapter;
  embedding?: EmbeddingModelAdapter;
}

/**
 * Everything a request needs from one config version. A reload builds a new runtime and swaps it
 * in; requests in flight keep the runtime they started with.
 */
export interface GatewayRuntime {
  readonly config: ResolvedConfig;
  readonly targets: ReadonlyMap<string, DeploymentTarget>;
  /** Monotonic version, bumped on every successful reload. */
  readonly generation: number;
}

export function buildGatewayRuntime(config: ResolvedConfig, generation = 1): GatewayRuntime {
  const targets = new Map<string, DeploymentTarget>();
  for (const model of Object.values(config.models)) {
    for (const deployment of model.deployments) {
      const factory = createProviderFactory(deployment.provider, deployment.providerConfig, {
        file: config.file,
        defaultMaxOutputTokens: deployment.max_output_tokens,
      });
      const target: DeploymentTarget = { deployment };
      if (model.kind === 'chat') target.chat = factory.languageModel(deployment.model);
      else target.embedding = factory.embeddingModel?.(deployment.model);
      targets.set(deployment.id, target);
    }
  }
  return { config, targets, generation };
}
