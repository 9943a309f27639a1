import { executeEmbed } from '../../core/pipeline/execute.js';
import type { GatewayRuntime } from '../../core/registry/gateway-runtime.js';
import { MODEL_EMBEDDER_PREFIX } from '../../core/routing/embeddings/gateway-embedders.js';
import { LOCAL_SENTENCE_ENCODER, LocalSentenceEncoder } from '../../core/routing/embeddings/local-sentence-encoder.js';
import { resolveRoute } from '../../core/routing/resolve-route.js';
import { withEmbeddings, type PromptEmbedder } from '../../core/routing/embeddings/prompt-embedder.js';
import { InvalidRequestError } from '../../spec/errors.js';
import type { ProgressCallback } from './learned-router-evaluation.js';
import type { RoutingDataset, RoutingRow } from './routing-dataset.js';
import type { PairedPrompt } from './routing-pair.js';

/**
 * A config's embedding model as an embedder (`model:<name>`): each batch goes through the gateway's
 * own routing and provider adapters (retries, fallbacks), as the gateway embeds routed prompts.
 */
export function modelEmbedder(runtime: GatewayRuntime, model: string): PromptEmbedder {
  const plan = resolveRoute(runtime, { model, kind: 'embedding' });
  return {
    name: `${MODEL_EMBEDDER_PREFIX}${model}`,
    async embed(texts) {
      const { result } = await executeEmbed(runtime, plan, { input: [...texts] });
      if (result.embeddings.length !== texts.length) throw new Error(`embedding model '${model}' returned ${result.embeddings.length} vectors for ${texts.length} texts`);
      return result.embeddings.map((vector) => Float32Array.from(vector));
    },
    close: async () => undefined,
  };
}

/** Embedders that run here without a gateway or a network: what `--embeddings` accepts offline. */
export const OFFLINE_EMBEDDERS: Record<string, string> = { local: LOCAL_SENTENCE_ENCODER, [LOCAL_SENTENCE_ENCODER]: LOCAL_SENTENCE_ENCODER };

/** The offline embedder of that name (`local` is short for the local sentence encoder); close it after use. */
export function offlineEmbedder(name: string, option = '--embeddings'): PromptEmbedder {
  const resolved = OFFLINE_EMBEDDERS[name];
  if (resolved === LOCAL_SENTENCE_ENCODER) return new LocalSentenceEncoder();
  throw new InvalidRequestError(
    `${option}: '${name}' cannot run offline; expected one of ${Object.keys(OFFLINE_EMBEDDERS).join(', ')}, or ${MODEL_EMBEDDER_PREFIX}<embedding model> with --config`,
  );
}

/**
 * The dataset with `rows` (by default all) carrying their prompt embedding, so routers trained with
 * embeddings can be trained, scored and evaluated on it. Other rows are left as they are.
 */
export async function embedDataset(dataset: RoutingDataset, embedder: PromptEmbedder, onProgress?: ProgressCallback, rows: readonly RoutingRow[] = dataset.rows): Promise<RoutingDataset> {
  const inputs = rows.map((row) => ({ row, prompt: row.prompt, previousTurns: row.previousTurns }));
  const embedded = await withEmbeddings(inputs, embedder, onProgress);
  const vectorOf = new Map(embedded.map((input) => [input.row, input.embedding!]));
  return { ...dataset, rows: dataset.rows.map((row) => (vectorOf.has(row) ? { ...row, embedding: vectorOf.get(row)! } : row)) };
}

/** The prompts with their rows embedded (shadow pairs, which come as prompts rather than a dataset). */
export async function embedPrompts(prompts: readonly PairedPrompt[], embedder: PromptEmbedder, onProgress?: ProgressCallback): Promise<PairedPrompt[]> {
  const embedded = await embedDataset({ file: '', sha256: '', models: [], rows: prompts.map((prompt) => prompt.row) }, embedder, onProgress);
  return prompts.map((prompt, index) => ({ ...prompt, row: embedded.rows[index]! }));
}
