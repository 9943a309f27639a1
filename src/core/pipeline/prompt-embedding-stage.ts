import type { EmbeddingCall } from '../../spec/chat-call.js';
import type { EmbeddingResult } from '../../spec/language-model-adapter.js';
import { workloadRoutingsOf, type EmbedViaModel, type PromptEmbeddingOutcome } from '../routing/workload-routing.js';
import type { PipelineRequest, PipelineResult } from './pipeline-request.js';

/**
 * The prompt's embedding when the request's workload has a learned router that reads one (computed
 * off the request thread, bounded by the router's timeout); undefined otherwise, without waiting.
 * `workloadOf` resolves the request's workload only when some workload needs an embedding.
 */
export function promptEmbeddingFor(
  request: PipelineRequest,
  workloadOf: () => string | undefined,
  embed: (request: PipelineRequest<EmbeddingCall>) => Promise<PipelineResult<EmbeddingResult>>,
): Promise<PromptEmbeddingOutcome> | undefined {
  const routings = workloadRoutingsOf(request.runtime.config);
  if (!routings.readsPromptEmbeddings) return undefined;
  const workload = workloadOf();
  const embedPrompt = workload === undefined ? undefined : routings.get(workload)?.embedPrompt;
  if (!embedPrompt || workload === undefined) return undefined;
  // A configured embedding model is called as a request of its own, of the same client and
  // workload: its data policy, limits and cost apply, and it is logged beside the chat request.
  const viaModel: EmbedViaModel = async (model, text, signal) => {
    const embedded = await embed({
      runtime: request.runtime,
      ...(request.client ? { client: request.client } : {}),
      requestId: `${request.requestId}.embedding`,
      startedAt: performance.now(),
      endpoint: 'embeddings',
      model,
      madeFor: workload,
      // The chat request's clock: the time this call waits on its provider is not the gateway's own.
      call: { input: [text], abortSignal: signal, waitClock: request.waitClock },
    });
    const vector = embedded.execution.result.embeddings[0];
    if (!vector) throw new Error(`embedding model '${model}' returned no vector`);
    return Float32Array.from(vector);
  };
  return embedPrompt(request.call, viaModel);
}
