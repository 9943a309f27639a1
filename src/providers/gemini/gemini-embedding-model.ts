import {
  flattenHeaders,
  joinUrl,
  parseProviderResponse,
  postJson,
  reportUnsupportedSetting,
  type ProviderSettings,
} from '../../provider-utils/index.js';
import type { EmbeddingCall } from '../../spec/chat-call.js';
import type { CallWarning } from '../../spec/chat-result.js';
import { InvalidProviderResponseError } from '../../spec/errors.js';
import type { EmbeddingModelAdapter, EmbeddingResult } from '../../spec/language-model-adapter.js';
import { geminiBatchEmbedResponseSchema, isPlainGeminiEmbedResponse } from './gemini-api.js';
import { mapGeminiError } from './gemini-error.js';
import { merged } from '../../spec/merged.js';

/**
 * A Gemini embedding model behind `models/{model}:batchEmbedContents`: one request per input text.
 * Gemini reports no token usage for embeddings.
 * @see https://ai.google.dev/api/embeddings#method:-models.batchembedcontents
 */
export class GeminiEmbeddingModel implements EmbeddingModelAdapter {
  readonly specVersion = 'v1';
  readonly providerType = 'gemini';
  readonly provider: string;
  readonly modelId: string;
  private readonly settings: ProviderSettings;

  constructor(modelId: string, settings: ProviderSettings) {
    this.modelId = modelId;
    this.provider = settings.name;
    this.settings = settings;
  }

  async embed(call: EmbeddingCall): Promise<EmbeddingResult> {
    const warnings: CallWarning[] = [];
    // EmbeddingCall has no strictness switch, so an unsupported setting here is always a warning.
    if (call.user !== undefined) reportUnsupportedSetting({}, warnings, this, 'user');
    const model = this.modelId.includes('/') ? this.modelId : `models/${this.modelId}`;
    const settings = this.settings;
    const { headers, json } = await postJson({
      provider: this.provider,
      url: joinUrl(settings.baseUrl, `${model}:batchEmbedContents`),
      headers: merged<Record<string, string>, Record<string, string> | undefined>(settings.apiKey !== undefined ? { 'x-goog-api-key': settings.apiKey } : {}, merged(settings.headers, call.headers)),
      body: {
        requests: call.input.map((text) => ({
          model,
          content: { parts: [{ text }] },
          ...(call.dimensions !== undefined ? { outputDimensionality: call.dimensions } : {}),
        })),
      },
      mapError: mapGeminiError,
      ...(call.abortSignal !== undefined ? { abortSignal: call.abortSignal } : {}),
      ...(call.waitClock === undefined ? {} : { waitClock: call.waitClock }),
      ...(settings.timeouts !== undefined ? { timeouts: settings.timeouts } : {}),
      ...(settings.dispatcher !== undefined ? { dispatcher: settings.dispatcher } : {}),
    });
    const response = isPlainGeminiEmbedResponse(json) ? json : parseProviderResponse(this.provider, geminiBatchEmbedResponseSchema, json);
    if (response.embeddings.length !== call.input.length) {
      throw new InvalidProviderResponseError(
        `Upstream ${this.provider} returned ${response.embeddings.length} embeddings for ${call.input.length} inputs`,
        { provider: this.provider },
      );
    }
    return {
      embeddings: response.embeddings.map((embedding) => embedding.values),
      usage: { inputTokens: undefined },
      response: { headers: flattenHeaders(headers) },
      warnings,
    };
  }
}
