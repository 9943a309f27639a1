import type { ProviderFactory, ProviderSettings } from '../../provider-utils/index.js';
import { GeminiChatModel } from './gemini-chat-model.js';
import { GeminiEmbeddingModel } from './gemini-embedding-model.js';
import { merged } from '../../spec/merged.js';

export { GeminiChatModel, type GeminiModelConfig } from './gemini-chat-model.js';
export { GeminiEmbeddingModel } from './gemini-embedding-model.js';
export { mapGeminiError } from './gemini-error.js';
export { convertJsonSchemaToGemini } from './convert-json-schema-to-gemini.js';

/** The public Gemini API endpoint, for configs that leave `base_url` out. */
export const GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com/v1beta';

/**
 * Creates the Gemini provider (Google AI Studio / Gemini API, authenticated with `x-goog-api-key`).
 * `internal.generateId` makes function-call ids deterministic in tests.
 * @see https://ai.google.dev/api
 */
export function createGemini(settings: ProviderSettings, internal: { generateId?: () => string } = {}): ProviderFactory {
  const config = merged(settings, { baseUrl: settings.baseUrl || GEMINI_DEFAULT_BASE_URL });
  return {
    name: settings.name,
    providerType: 'gemini',
    languageModel: (modelId) => new GeminiChatModel(modelId, merged(config, internal)),
    embeddingModel: (modelId) => new GeminiEmbeddingModel(modelId, config),
  };
}
