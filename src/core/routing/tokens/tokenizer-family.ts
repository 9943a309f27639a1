import { normaliseModelId } from '../../cost/price-catalogue.js';

/**
 * How a model's input is counted. `o200k` and `cl100k` are OpenAI's real BPE encodings (counted
 * with js-tiktoken); every other family is a documented estimate (see estimate-text-tokens.ts).
 */
export const TOKENIZER_FAMILIES = ['o200k', 'cl100k', 'anthropic', 'gemini', 'llama', 'mistral', 'qwen', 'generic'] as const;

export type TokenizerFamily = (typeof TOKENIZER_FAMILIES)[number];

/** The OpenAI encodings counted exactly. */
export type ExactTokenizerFamily = Extract<TokenizerFamily, 'o200k' | 'cl100k'>;

export function isExactFamily(family: TokenizerFamily): family is ExactTokenizerFamily {
  return family === 'o200k' || family === 'cl100k';
}

/**
 * Ordered by specificity: `gpt-4o` must be tested before `gpt-4`. Patterns match anywhere in the
 * normalised id, so fine-tunes (`ft:gpt-4o-mini:org::id`) and host prefixes still resolve.
 * @see https://github.com/openai/tiktoken/blob/main/tiktoken/model.py (model → encoding table)
 */
const MODEL_PATTERNS: ReadonlyArray<readonly [RegExp, TokenizerFamily]> = [
  [/gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|(^|[^a-z0-9])o[1345](-|$)/, 'o200k'],
  [/gpt-4|gpt-3\.5|gpt-35|text-embedding-3|text-embedding-ada-002/, 'cl100k'],
  [/claude/, 'anthropic'],
  [/gemini|gemma/, 'gemini'],
  [/llama/, 'llama'],
  [/mistral|mixtral|codestral|ministral|magistral|pixtral|devstral/, 'mistral'],
  [/qwen|qwq/, 'qwen'],
];

/** What an unrecognised model id is counted as, by the provider type serving it. */
const PROVIDER_DEFAULTS: Readonly<Record<string, TokenizerFamily>> = {
  openai: 'o200k',
  azure: 'o200k',
  anthropic: 'anthropic',
  gemini: 'gemini',
  mistral: 'mistral',
};

/**
 * The tokenizer family of an upstream model id served by a provider of the given type
 * (`openai`, `anthropic`, `gemini`, `vllm`, ...). The model id decides when it is recognised;
 * otherwise the provider type; otherwise `generic`, the most conservative estimate.
 */
export function tokenizerFor(modelId: string, providerType: string): TokenizerFamily {
  // Bedrock-style ids keep a vendor prefix with a dot (`anthropic.claude-3-5-sonnet-...`); the
  // patterns match anywhere, so only the path segment needs removing.
  const id = normaliseModelId(modelId);
  for (const [pattern, family] of MODEL_PATTERNS) {
    if (pattern.test(id)) return family;
  }
  return PROVIDER_DEFAULTS[providerType] ?? 'generic';
}
