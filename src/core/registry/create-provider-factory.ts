import type { ProviderFactory } from '../../provider-utils/index.js';
import { createAnthropic } from '../../providers/anthropic/index.js';
import { createGemini } from '../../providers/gemini/index.js';
import { createOpenAICompatible, type OpenAICompatibleProfile } from '../../providers/openai-compatible/index.js';
import { createSimulated } from '../../providers/simulated/index.js';
import type { ProviderConfig } from '../config/config-schema.js';

export interface ProviderFactoryOptions {
  /** Config file, for error messages. */
  file: string;
  /** Default `max_tokens` for providers that require one (Anthropic), from the deployment. */
  defaultMaxOutputTokens?: number;
}

/** The one place that switches on provider type: config in, adapter factory out. */
export function createProviderFactory(name: string, config: ProviderConfig, options: ProviderFactoryOptions): ProviderFactory {
  if (config.type === 'simulated') {
    // Governance fields (data handling) describe the provider; they are not simulator options.
    const { type: _type, description: _description, data_handling: _dataHandling, ...options } = config;
    return createSimulated({ name, options });
  }
  const common = {
    name,
    apiKey: config.api_key,
    headers: config.headers,
    timeouts:
      config.timeouts
        ? { connectMs: config.timeouts.connect_ms, headersMs: config.timeouts.first_token_ms, idleMs: config.timeouts.idle_ms }
        : undefined,
  };
  switch (config.type) {
    case 'anthropic':
      return createAnthropic({
        ...common,
        baseUrl: config.base_url ?? 'https://api.anthropic.com/v1',
        headers: config.version ? { 'anthropic-version': config.version, ...common.headers } : common.headers,
        defaultMaxOutputTokens: options.defaultMaxOutputTokens,
      });
    case 'gemini':
      return createGemini({ ...common, baseUrl: config.base_url ?? 'https://generativelanguage.googleapis.com/v1beta' });
    default: {
      const capabilities = config.capabilities;
      const overrides: Partial<Omit<OpenAICompatibleProfile, 'type'>> = {};
      if (capabilities) {
        if (capabilities.json_schema !== undefined) overrides.supportsJsonSchema = capabilities.json_schema;
        if (capabilities.logprobs !== undefined) overrides.supportsLogprobs = capabilities.logprobs;
        if (capabilities.stream_usage !== undefined) overrides.supportsStreamUsage = capabilities.stream_usage;
        if (capabilities.seed !== undefined) overrides.supportsSeed = capabilities.seed;
        if (capabilities.penalties !== undefined) overrides.supportsPenalties = capabilities.penalties;
        if (capabilities.top_k !== undefined) overrides.supportsTopK = capabilities.top_k;
        if (capabilities.parallel_tool_calls !== undefined) overrides.supportsParallelToolCalls = capabilities.parallel_tool_calls;
        if (capabilities.embeddings !== undefined) overrides.supportsEmbeddings = capabilities.embeddings;
        if (capabilities.max_tokens_field !== undefined) overrides.maxTokensField = capabilities.max_tokens_field;
        if (capabilities.auth_header !== undefined) overrides.authHeader = capabilities.auth_header;
      }
      return createOpenAICompatible({ ...common, baseUrl: config.base_url, profile: config.type, overrides });
    }
  }
}
