import type { ProviderFactory } from '../../provider-utils/index.js';
import { AnthropicChatModel, type AnthropicSettings } from './anthropic-chat-model.js';

export { AnthropicChatModel, ANTHROPIC_VERSION, type AnthropicSettings } from './anthropic-chat-model.js';
export { mapAnthropicError } from './anthropic-error.js';
export { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';

/**
 * Creates the Anthropic provider. It has no `embeddingModel`: Anthropic offers no embeddings API.
 * @see https://docs.anthropic.com/en/api/messages
 */
export function createAnthropic(settings: AnthropicSettings): ProviderFactory {
  return {
    name: settings.name,
    providerType: 'anthropic',
    languageModel: (modelId) => new AnthropicChatModel(modelId, settings),
  };
}
