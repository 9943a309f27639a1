import { flattenHeaders, joinUrl, parseProviderResponse, postJson } from '../../provider-utils/index.js';
import type { EmbeddingCall } from '../../spec/chat-call.js';
import type { EmbeddingModelAdapter, EmbeddingResult } from '../../spec/language-model-adapter.js';
import { isPlainEmbeddingResponse, openAIEmbeddingResponseSchema } from './openai-compatible-api.js';
import type { OpenAICompatibleChatSettings } from './openai-compatible-chat-model.js';
import { mapOpenAICompatibleError } from './openai-compatible-error.js';
import { merged } from '../../spec/merged.js';

/** @see https://platform.openai.com/docs/api-reference/embeddings/create */
export class OpenAICompatibleEmbeddingModel implements EmbeddingModelAdapter {
  readonly specVersion = 'v1';
  readonly provider: string;
  readonly providerType: string;
  private readonly url: string;

  constructor(
    readonly modelId: string,
    private readonly settings: OpenAICompatibleChatSettings,
  ) {
    this.provider = settings.name;
    this.providerType = settings.profile.type;
    this.url = joinUrl(settings.baseUrl, 'embeddings');
  }

  async embed(call: EmbeddingCall): Promise<EmbeddingResult> {
    const settings = this.settings;
    const auth: Record<string, string> = settings.apiKey
      ? settings.profile.authHeader === 'api-key'
        ? { 'api-key': settings.apiKey }
        : { authorization: `Bearer ${settings.apiKey}` }
      : {};
    const { headers, json } = await postJson({
      provider: this.provider,
      url: this.url,
      headers: merged(auth, merged(settings.headers, call.headers)),
      body: {
        model: this.modelId,
        input: call.input,
        encoding_format: 'float',
        ...(call.dimensions === undefined ? {} : { dimensions: call.dimensions }),
        ...(call.user === undefined ? {} : { user: call.user }),
      },
      abortSignal: call.abortSignal,
      waitClock: call.waitClock,
      timeouts: settings.timeouts,
      dispatcher: settings.dispatcher,
      mapError: mapOpenAICompatibleError,
    });
    const response = isPlainEmbeddingResponse(json) ? json : parseProviderResponse(this.provider, openAIEmbeddingResponseSchema, json);
    const ordered = [...response.data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    return {
      embeddings: ordered.map((entry) => entry.embedding),
      usage: { inputTokens: response.usage?.prompt_tokens ?? undefined, raw: response.usage },
      response: { modelId: response.model ?? undefined, headers: flattenHeaders(headers) },
      warnings: [],
    };
  }
}
