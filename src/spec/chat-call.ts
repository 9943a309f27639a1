import type { WaitClock } from './wait-clock.js';

/**
 * The provider-neutral request every adapter receives. Inbound wire formats (OpenAI, Anthropic)
 * are converted into a ChatCall at the server edge; adapters convert it to their provider's format.
 */

/** A JSON-serialisable value, as found in tool arguments, schemas and provider options. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Per-provider extras, keyed by provider type (`openai`, `anthropic`, `gemini`, ...). */
export type ProviderOptions = Record<string, Record<string, unknown>>;

/** Plain text. `providerOptions.anthropic.cacheControl` marks a prompt-cache breakpoint. */
export interface TextPart {
  type: 'text';
  text: string;
  /** The model declined (OpenAI's `refusal`): wire formats that have a refusal field put the text there. */
  refusal?: boolean;
  providerOptions?: ProviderOptions;
}

/** An image, either by URL or inline base64 data with its media type. */
export interface ImagePart {
  type: 'image';
  /** `https://…` URL or a `data:` URL. */
  url: string;
  /** OpenAI's `detail` hint; other providers ignore it. */
  detail?: 'auto' | 'low' | 'high';
  providerOptions?: ProviderOptions;
}

/** A tool call the assistant made. `input` is the raw JSON text of the arguments. */
export interface ToolCallPart {
  type: 'tool-call';
  toolCallId: string;
  toolName: string;
  input: string;
}

/** The result of a tool call, sent back by the client. */
export interface ToolResultPart {
  type: 'tool-result';
  toolCallId: string;
  /** Not every wire format carries it (OpenAI does not); adapters that need it look it up. */
  toolName?: string;
  output: string;
  isError?: boolean;
  providerOptions?: ProviderOptions;
}

/** Model reasoning returned by providers that expose it (Anthropic thinking blocks). */
export interface ReasoningPart {
  type: 'reasoning';
  text: string;
  /** Anthropic's thinking signature, needed to send the block back. */
  signature?: string;
}

export interface SystemMessage {
  role: 'system';
  content: TextPart[];
}
export interface UserMessage {
  role: 'user';
  content: Array<TextPart | ImagePart>;
  name?: string;
}
export interface AssistantMessage {
  role: 'assistant';
  content: Array<TextPart | ToolCallPart | ReasoningPart>;
}
export interface ToolMessage {
  role: 'tool';
  content: ToolResultPart[];
}

export type ChatMessage = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

/** A function the model may call. `parameters` is a JSON Schema object. */
export interface ToolDefinition {
  type: 'function';
  name: string;
  description?: string;
  parameters: JsonObject;
  /** OpenAI structured-outputs strictness. */
  strict?: boolean;
  providerOptions?: ProviderOptions;
}

export type ToolChoice =
  | { type: 'auto' }
  | { type: 'none' }
  | { type: 'required' }
  | { type: 'tool'; toolName: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json' }
  | { type: 'json-schema'; name: string; schema: JsonObject; description?: string; strict?: boolean };

/** Everything a chat generation needs, independent of provider. */
export interface ChatCall {
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** Whether the model may emit several tool calls in one turn. */
  parallelToolCalls?: boolean;
  responseFormat?: ResponseFormat;
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  stopSequences?: string[];
  seed?: number;
  /** Return per-token log-probabilities where the provider supports it. */
  logprobs?: boolean;
  topLogprobs?: number;
  /** How much a reasoning model should think, in OpenAI's terms (`minimal`, `low`, `medium`, `high`). */
  reasoningEffort?: string;
  /**
   * A token budget for thinking before the answer, on top of maxOutputTokens (Anthropic's
   * `thinking.budget_tokens`, Gemini's `thinkingBudget`). A provider without one reports it as an
   * unsupported setting rather than dropping it unseen.
   */
  reasoningBudgetTokens?: number;
  /** End-user identifier, forwarded where the provider accepts one. */
  user?: string;
  /** Ask the upstream to report usage at the end of a stream (always requested by adapters that can). */
  includeUsage?: boolean;
  providerOptions?: ProviderOptions;
  /** Extra headers to send upstream for this call only. */
  headers?: Record<string, string>;
  /**
   * What an adapter does with a setting its provider cannot honour: `warn` (default) drops it and
   * adds a warning; `error` refuses the call with a 400 naming the setting.
   */
  unsupportedSettings?: 'warn' | 'error';
  /** Cancels the upstream request (client disconnect, timeout). */
  abortSignal?: AbortSignal;
  /** The request's wait clock: adapters hand it to the upstream call, which counts its waiting there. */
  waitClock?: WaitClock;
}

/** An embeddings request. */
export interface EmbeddingCall {
  input: string[];
  dimensions?: number;
  user?: string;
  headers?: Record<string, string>;
  abortSignal?: AbortSignal;
  waitClock?: WaitClock;
}
