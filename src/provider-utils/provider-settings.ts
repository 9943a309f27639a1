import type { Dispatcher } from 'undici';
import type { EmbeddingModelAdapter, LanguageModelAdapter } from '../spec/language-model-adapter.js';
import type { HttpTimeouts } from './http-client.js';

/** What every provider factory receives, resolved from the config (secrets already interpolated). */
export interface ProviderSettings {
  /** Provider name from the config, used in errors and logs. */
  name: string;
  /** Base URL including the API version path, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  apiKey?: string;
  /** Extra headers sent with every request (e.g. `OpenAI-Organization`). */
  headers?: Record<string, string>;
  timeouts?: HttpTimeouts;
  /** Connection pool; defaults to the shared keep-alive pool. */
  dispatcher?: Dispatcher;
}

/** Creates adapters for the models of one configured provider. */
export interface ProviderFactory {
  readonly name: string;
  readonly providerType: string;
  languageModel(modelId: string): LanguageModelAdapter;
  /** Absent when the provider has no embeddings API. */
  embeddingModel?(modelId: string): EmbeddingModelAdapter;
}

/** Joins a base URL and a path without doubling or dropping slashes. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
