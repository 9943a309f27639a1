/**
 * Attribute names of the OpenTelemetry GenAI semantic conventions. They are still "development"
 * status, so, as OpenTelemetry advises for incubating conventions, they are copied here rather than
 * imported from `@opentelemetry/semantic-conventions/incubating`, whose names may change in a minor release.
 * @see https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/
 */
export const GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
/** Deprecated in favour of `gen_ai.provider.name`; still read by many backends. */
export const GEN_AI_SYSTEM = 'gen_ai.system';
export const GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
export const GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = 'gen_ai.usage.cache_creation.input_tokens';
export const GEN_AI_REQUEST_STREAM = 'gen_ai.request.stream';

/** Well-known `gen_ai.provider.name` values by our provider type; other types are reported as they are. */
const PROVIDER_NAMES: Readonly<Record<string, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  gemini: 'gcp.gemini',
  groq: 'groq',
  mistral: 'mistral_ai',
  deepseek: 'deepseek',
  xai: 'x_ai',
  perplexity: 'perplexity',
  azure: 'azure.ai.openai',
  bedrock: 'aws.bedrock',
  cohere: 'cohere',
};

/**
 * The `gen_ai.provider.name` of a provider type (`vllm`, `ollama`, ... keep their own name).
 * @see https://opentelemetry.io/docs/specs/semconv/registry/attributes/gen-ai/#gen-ai-provider-name
 */
export function mapGenAIProviderName(providerType: string): string {
  return PROVIDER_NAMES[providerType] ?? providerType;
}

/** `gen_ai.operation.name` of a gateway endpoint: the Anthropic-style messages API is chat too. */
export function mapGenAIOperationName(endpoint: 'chat' | 'embeddings' | 'messages'): 'chat' | 'embeddings' {
  return endpoint === 'embeddings' ? 'embeddings' : 'chat';
}
