import { LOCAL_SENTENCE_ENCODER, LocalSentenceEncoder } from './local-sentence-encoder.js';
import type { PromptEmbedder } from './prompt-embedder.js';

/** Built-in embedders a gateway can compute a routed prompt's embedding with, by the name artifacts record. */
export const GATEWAY_EMBEDDERS: readonly string[] = [LOCAL_SENTENCE_ENCODER];

/**
 * An embedder that is one of the config's embedding models, called through the gateway's own
 * embeddings path (routing, data policy, retries, limits, costing): `model:<logical model>`.
 */
export const MODEL_EMBEDDER_PREFIX = 'model:';

/** The logical embedding model a `model:<name>` embedder names, else undefined. */
export function embedderModel(name: string): string | undefined {
  return name.startsWith(MODEL_EMBEDDER_PREFIX) && name.length > MODEL_EMBEDDER_PREFIX.length ? name.slice(MODEL_EMBEDDER_PREFIX.length) : undefined;
}

const running = new Map<string, PromptEmbedder>();

/**
 * The process's one embedder of that name, started on first use (its worker thread is unref'd while
 * idle, so it never holds the process open) and shared by every config and reload. Undefined for a
 * name this gateway cannot compute.
 */
export function gatewayEmbedder(name: string): PromptEmbedder | undefined {
  if (!GATEWAY_EMBEDDERS.includes(name)) return undefined;
  let embedder = running.get(name);
  if (!embedder) {
    embedder = new LocalSentenceEncoder();
    running.set(name, embedder);
    // Load the model now, at config load, so the first routed request does not wait for it (a
    // failure here shows on that request as a missing embedding, and the learned router steps aside).
    embedder.embed(['warm-up']).catch(() => undefined);
  }
  return embedder;
}
