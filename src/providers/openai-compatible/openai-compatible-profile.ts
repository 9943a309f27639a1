/**
 * What differs between servers that speak OpenAI's Chat Completions API. Each server is a profile
 * (data), never a copy of the adapter.
 */
export interface OpenAICompatibleProfile {
  /** Provider type name used in config, e.g. `vllm`. */
  type: string;
  /** Used when the provider config gives no base_url. */
  defaultBaseUrl?: string;
  /** Whether an API key is required (hosted APIs) or optional (local servers). */
  requiresApiKey: boolean;
  /** How the key is sent. Azure-style servers use an `api-key` header. */
  authHeader: 'bearer' | 'api-key';
  /** Field name for the output-token limit; OpenAI's newer models require `max_completion_tokens`. */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** Server honours `stream_options: {include_usage: true}`. */
  supportsStreamUsage: boolean;
  supportsJsonSchema: boolean;
  supportsLogprobs: boolean;
  supportsSeed: boolean;
  supportsPenalties: boolean;
  /** Accepts `top_k` (vLLM, llama.cpp, Together); OpenAI does not. */
  supportsTopK: boolean;
  supportsParallelToolCalls: boolean;
  supportsEmbeddings: boolean;
}

const OPENAI: OpenAICompatibleProfile = {
  type: 'openai',
  defaultBaseUrl: 'https://api.openai.com/v1',
  requiresApiKey: true,
  authHeader: 'bearer',
  maxTokensField: 'max_completion_tokens',
  supportsStreamUsage: true,
  supportsJsonSchema: true,
  supportsLogprobs: true,
  supportsSeed: true,
  supportsPenalties: true,
  supportsTopK: false,
  supportsParallelToolCalls: true,
  supportsEmbeddings: true,
};

/** A self-hosted OpenAI-compatible server: no key needed, classic `max_tokens`. */
const SELF_HOSTED: Omit<OpenAICompatibleProfile, 'type'> = {
  ...OPENAI,
  defaultBaseUrl: undefined,
  requiresApiKey: false,
  maxTokensField: 'max_tokens',
  supportsTopK: true,
};

/**
 * @see https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html
 * @see https://github.com/ollama/ollama/blob/main/docs/openai.md
 * @see https://github.com/ggml-org/llama.cpp/tree/master/tools/server
 * @see https://huggingface.co/docs/text-generation-inference/messages_api
 */
export const OPENAI_COMPATIBLE_PROFILES = {
  openai: OPENAI,
  'openai-compatible': { ...SELF_HOSTED, type: 'openai-compatible' },
  vllm: { ...SELF_HOSTED, type: 'vllm', defaultBaseUrl: 'http://127.0.0.1:8000/v1' },
  ollama: {
    ...SELF_HOSTED,
    type: 'ollama',
    defaultBaseUrl: 'http://127.0.0.1:11434/v1',
    supportsTopK: false,
    supportsLogprobs: false,
  },
  llamacpp: { ...SELF_HOSTED, type: 'llamacpp', defaultBaseUrl: 'http://127.0.0.1:8080/v1', supportsParallelToolCalls: false },
  tgi: {
    ...SELF_HOSTED,
    type: 'tgi',
    defaultBaseUrl: 'http://127.0.0.1:8080/v1',
    supportsTopK: false,
    supportsParallelToolCalls: false,
    supportsEmbeddings: false,
  },
  lmstudio: { ...SELF_HOSTED, type: 'lmstudio', defaultBaseUrl: 'http://127.0.0.1:1234/v1', supportsLogprobs: false },
  together: { ...SELF_HOSTED, type: 'together', defaultBaseUrl: 'https://api.together.xyz/v1', requiresApiKey: true },
  fireworks: { ...SELF_HOSTED, type: 'fireworks', defaultBaseUrl: 'https://api.fireworks.ai/inference/v1', requiresApiKey: true },
  groq: {
    ...SELF_HOSTED,
    type: 'groq',
    defaultBaseUrl: 'https://api.groq.com/openai/v1',
    requiresApiKey: true,
    supportsTopK: false,
    supportsLogprobs: false,
    supportsEmbeddings: false,
  },
  deepinfra: { ...SELF_HOSTED, type: 'deepinfra', defaultBaseUrl: 'https://api.deepinfra.com/v1/openai', requiresApiKey: true },
  openrouter: { ...SELF_HOSTED, type: 'openrouter', defaultBaseUrl: 'https://openrouter.ai/api/v1', requiresApiKey: true },
  mistral: {
    ...SELF_HOSTED,
    type: 'mistral',
    defaultBaseUrl: 'https://api.mistral.ai/v1',
    requiresApiKey: true,
    supportsTopK: false,
    supportsLogprobs: false,
  },
} satisfies Record<string, OpenAICompatibleProfile>;

export type OpenAICompatibleProviderType = keyof typeof OPENAI_COMPATIBLE_PROFILES;

export const OPENAI_COMPATIBLE_PROVIDER_TYPES = Object.keys(OPENAI_COMPATIBLE_PROFILES) as OpenAICompatibleProviderType[];
