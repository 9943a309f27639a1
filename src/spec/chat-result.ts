import type { FinishReason } from './finish-reason.js';
import type { ReasoningPart, TextPart, ToolCallPart } from './chat-call.js';
import type { Usage } from './usage.js';

/** Log-probability of one generated token, in OpenAI's shape (the de-facto standard). */
export interface TokenLogprob {
  token: string;
  logprob: number;
  bytes?: number[] | null;
  topLogprobs?: Array<{ token: string; logprob: number; bytes?: number[] | null }>;
}

/** A setting the adapter could not honour; the call still went ahead. */
export type CallWarning =
  | { type: 'unsupported-setting'; setting: string; details?: string }
  | { type: 'other'; message: string };

/** What the upstream said about itself: response id, the exact model version that answered, headers. */
export interface ResponseInfo {
  id?: string;
  /** The model id the provider reports, which may be more specific than the one requested. */
  modelId?: string;
  /** Unix seconds. */
  created?: number;
  /** Provider's system fingerprint or revision, when it reports one. */
  systemFingerprint?: string;
  headers?: Record<string, string>;
}

/** The outcome of a non-streaming generation. */
export interface ChatResult {
  content: Array<TextPart | ToolCallPart | ReasoningPart>;
  finishReason: FinishReason;
  usage: Usage;
  logprobs?: TokenLogprob[];
  response: ResponseInfo;
  warnings: CallWarning[];
}
