import type { ProviderFactory, ProviderSettings } from '../../provider-utils/index.js';
import { OpenAICompatibleChatModel } from './openai-compatible-chat-model.js';
import { OpenAICompatibleEmbeddingModel } from './openai-compatible-embedding-model.js';
import { OPENAI_COMPATIBLE_PROFILES, type OpenAICompatibleProfile, type OpenAICompatibleProviderType } from './openai-compatible-profile.js';
import { merged } from '../../spec/merged.js';

export * from './openai-compatible-profile.js';
export { OpenAICompatibleChatModel, convertOpenAIUsage } from './openai-compatible-chat-model.js';
export { OpenAICompatibleEmbeddingModel } from './openai-compatible-embedding-model.js';
export { mapOpenAICompatibleError } from './openai-compatible-error.js';

/**
 * Creates a provider for OpenAI or any OpenAI-compatible server. `profile` selects a known server's
 * quirks (`vllm`, `ollama`, ...); `overrides` adjusts single capabilities from the config.
 */
export function createOpenAICompatible(
  settings: Omit<ProviderSettings, 'baseUrl'> & {
    baseUrl?: string;
    profile: OpenAICompatibleProviderType;
    overrides?: Partial<Omit<OpenAICompatibleProfile, 'type'>>;
  },
): ProviderFactory {
  const profile: OpenAICompatibleProfile = merged(OPENAI_COMPATIBLE_PROFILES[settings.profile], settings.overrides);
  const baseUrl = settings.baseUrl ?? profile.defaultBaseUrl;
  if (!baseUrl) throw new Error(`Provider ${settings.name} (${profile.type}) needs a base_url`);
  const resolved = merged(settings, { baseUrl, profile });
  const factory: ProviderFactory = {
    name: settings.name,
    providerType: profile.type,
    languageModel: (modelId) => new OpenAICompatibleChatModel(modelId, resolved),
  };
  if (profile.supportsEmbeddings) factory.embeddingModel = (modelId) => new OpenAICompatibleEmbeddingModel(modelId, resolved);
  return factory;
}
