import { DEFAULT_CONFIG_YAML } from '../core/config/default-config.js';

/** Real providers the demo adds when their credentials are in the environment. */
const REAL_PROVIDERS = [
  {
    env: 'OPENAI_API_KEY',
    provider: 'openai:\n    type: openai\n    api_key: ${OPENAI_API_KEY}',
    model: 'openai-mini:\n    deployments:\n      - { provider: openai, model: gpt-4o-mini-2024-07-18, context_window: 128000, pricing: { input_per_mtok: 0.15, output_per_mtok: 0.6, cached_input_per_mtok: 0.075 } }',
    name: 'openai-mini',
  },
  {
    env: 'ANTHROPIC_API_KEY',
    provider: 'anthropic:\n    type: anthropic\n    api_key: ${ANTHROPIC_API_KEY}',
    model: 'claude-haiku:\n    deployments:\n      - { provider: anthropic, model: claude-3-5-haiku-20241022, context_window: 200000, max_output_tokens: 8192, pricing: { input_per_mtok: 0.8, output_per_mtok: 4, cached_input_per_mtok: 0.08, cache_write_per_mtok: 1 } }',
    name: 'claude-haiku',
  },
  {
    env: 'GEMINI_API_KEY',
    provider: 'gemini:\n    type: gemini\n    api_key: ${GEMINI_API_KEY}',
    model: 'gemini-flash:\n    deployments:\n      - { provider: gemini, model: gemini-2.0-flash-001, context_window: 1048576, pricing: { input_per_mtok: 0.1, output_per_mtok: 0.4 } }',
    name: 'gemini-flash',
  },
  {
    env: 'OLLAMA_HOST',
    provider: 'ollama:\n    type: ollama\n    base_url: ${OLLAMA_HOST}/v1',
    model: 'ollama-llama:\n    deployments:\n      - { provider: ollama, model: "llama3.1:8b", context_window: 131072, pricing: { input_per_mtok: 0, output_per_mtok: 0 } }',
    name: 'ollama-llama',
  },
] as const;

/**
 * The demo config: the embedded simulated tiers, plus every real provider whose key is set.
 * Keys stay `${ENV}` references, so nothing secret is written anywhere.
 */
export function buildDemoConfig(env: NodeJS.ProcessEnv): { yaml: string; realModels: string[] } {
  const present = REAL_PROVIDERS.filter((provider) => env[provider.env]);
  let yaml = DEFAULT_CONFIG_YAML;
  for (const provider of present) {
    yaml = yaml.replace('\nproviders:\n', `\nproviders:\n  ${provider.provider.replaceAll('\n', '\n  ')}\n`);
    yaml = yaml.replace('\nmodels:\n', `\nmodels:\n  ${provider.model.replaceAll('\n', '\n  ')}\n`);
  }
  return { yaml, realModels: present.map((provider) => provider.name) };
}
