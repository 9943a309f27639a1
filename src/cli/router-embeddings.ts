import { buildGatewayRuntime } from '../core/registry/gateway-runtime.js';
import { embedderModel, MODEL_EMBEDDER_PREFIX } from '../core/routing/embeddings/gateway-embedders.js';
import type { PromptEmbedder } from '../core/routing/embeddings/prompt-embedder.js';
import { InvalidRequestError } from '../spec/errors.js';
import { embedDataset, modelEmbedder, offlineEmbedder, OFFLINE_EMBEDDERS } from '../evals/routing/embed-dataset.js';
import type { ProgressCallback } from '../evals/routing/learned-router-evaluation.js';
import type { RoutingDataset, RoutingRow } from '../evals/routing/routing-dataset.js';
import { loadConfigForCli } from './resolve-config-source.js';

/** Prompt embeddings for `switchyard router train | score | eval`: which embedder, and embedding a dataset with it. */

export const EMBEDDINGS_HELP = `${Object.keys(OFFLINE_EMBEDDERS).join(' | ')} | ${MODEL_EMBEDDER_PREFIX}<embedding model of --config>`;

/**
 * The embedder of that name: a built-in one, or `model:<name>`, an embedding model of the config
 * (`--config`, SWITCHYARD_CONFIG or ./switchyard.yaml) called through its providers.
 */
export async function openEmbedder(name: string, configFlag: string | undefined): Promise<PromptEmbedder> {
  const model = embedderModel(name);
  if (model === undefined) return offlineEmbedder(name);
  const { config, file } = await loadConfigForCli(configFlag);
  const known = config.models[model];
  if (!known || known.kind !== 'embedding') {
    const embeddingModels = Object.values(config.models).filter((entry) => entry.kind === 'embedding').map((entry) => entry.name);
    throw new InvalidRequestError(
      `--embeddings: ${known ? `'${model}' is a chat model` : `no model '${model}'`} in ${file ?? 'the embedded default config'}; embedding models there: ${embeddingModels.join(', ') || '(none)'}`,
    );
  }
  return modelEmbedder(buildGatewayRuntime(config), model);
}

/** Runs `work` with a progress bar labelled `label` (the command's own, which knows about --json). */
export type WithProgress = <T>(label: string, work: (onProgress: ProgressCallback) => Promise<T>) => Promise<T>;

/** The dataset with `rows` (default all) embedded by the named embedder, with a progress bar. */
export async function embedRows(
  dataset: RoutingDataset,
  name: string,
  progress: WithProgress,
  rows?: readonly RoutingRow[],
  configFlag?: string,
): Promise<{ dataset: RoutingDataset; embedder: string }> {
  const embedder = await openEmbedder(name, configFlag);
  try {
    const embedded = await progress(`embedding (${embedder.name})`, (onProgress) => embedDataset(dataset, embedder, onProgress, rows));
    return { dataset: embedded, embedder: embedder.name };
  } finally {
    await embedder.close();
  }
}
