import { routerText, type RouterInput } from '../learned/router-input.js';
import { merged } from '../../../spec/merged.js';

/** Turns prompt texts into fixed-size vectors for the learned router's embedding member. */
export interface PromptEmbedder {
  /** Recorded in a router artifact trained on its vectors; a gateway must embed with the same one. */
  readonly name: string;
  /** Known up front for built-in encoders; a configured model's shows in its vectors. */
  readonly dimension?: number;
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  close(): Promise<void>;
}

/**
 * Characters of a prompt that are embedded: its start says what is asked; past a few thousand
 * characters an encoder's cost grows while the vector barely moves.
 */
export const EMBEDDED_CHARACTERS = 4000;

/** The text a prompt's embedding is computed from: what the n-gram features see, truncated. */
export function embeddingText(input: RouterInput): string {
  return routerText(input).slice(0, EMBEDDED_CHARACTERS);
}

/**
 * Embeds every input (in batches, reporting progress) and returns them with `embedding` set, so a
 * router trained with embeddings can be trained, scored and evaluated offline.
 */
export async function withEmbeddings<T extends RouterInput>(
  inputs: readonly T[],
  embedder: PromptEmbedder,
  onProgress?: (done: number, total: number) => void,
  batchSize = 16,
): Promise<(T & { embedding: Float32Array })[]> {
  const embedded: (T & { embedding: Float32Array })[] = [];
  for (let start = 0; start < inputs.length; start += batchSize) {
    const batch = inputs.slice(start, start + batchSize);
    const vectors = await embedder.embed(batch.map(embeddingText));
    batch.forEach((input, index) => embedded.push(merged(input, { embedding: vectors[index]! }) as T & { embedding: Float32Array }));
    onProgress?.(embedded.length, inputs.length);
  }
  return embedded;
}
