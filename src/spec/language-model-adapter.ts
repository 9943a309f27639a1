import type { ChatCall, EmbeddingCall } from './chat-call.js';
import type { CallWarning, ChatResult, ResponseInfo } from './chat-result.js';
import type { StreamEventReader } from './stream-event.js';

/** A streamed generation: the events, and what the upstream said before the first event. */
export interface StreamResult {
  stream: StreamEventReader;
  response?: ResponseInfo;
}

/**
 * One upstream model behind one provider. Adapters translate a ChatCall to the provider's wire
 * format and back, and map every failure to a typed GatewayError. Nothing outside an adapter
 * knows a provider's wire format.
 */
export interface LanguageModelAdapter {
  readonly specVersion: 'v1';
  /** Provider name from the config, e.g. `anthropic-prod`. */
  readonly provider: string;
  /** Provider type, e.g. `anthropic`, `openai`, `gemini`, `simulated`. */
  readonly providerType: string;
  /** Upstream model id, e.g. `claude-sonnet-4-5-20250929`. */
  readonly modelId: string;
  generate(call: ChatCall): Promise<ChatResult>;
  stream(call: ChatCall): Promise<StreamResult>;
}

/** The outcome of an embeddings call. */
export interface EmbeddingResult {
  embeddings: number[][];
  usage: { inputTokens: number | undefined; raw?: unknown };
  response: ResponseInfo;
  warnings: CallWarning[];
}

/** One upstream embedding model. */
export interface EmbeddingModelAdapter {
  readonly specVersion: 'v1';
  readonly provider: string;
  readonly providerType: string;
  readonly modelId: string;
  embed(call: EmbeddingCall): Promise<EmbeddingResult>;
}
