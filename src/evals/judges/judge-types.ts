import type { ChatCall } from '../../spec/chat-call.js';
import type { ChatResult } from '../../spec/chat-result.js';

/**
 * How a judge reaches a model. The runner passes the gateway's executor so judge calls get the same
 * limits, retries and policy as any other request.
 */
export type AskModel = (model: string, call: ChatCall) => Promise<ChatResult>;

export interface JudgeOptions {
  ask: AskModel;
  /** The judge model name as the gateway knows it. */
  model: string;
  /** Extra attempts after a malformed judge reply (default 1). Provider errors are the executor's to retry. */
  malformedRetries?: number;
  /** Sampling temperature of the judge (default 0, for repeatable verdicts). */
  temperature?: number;
  /** Cap on the judge's reply length (default 1,024 tokens). */
  maxOutputTokens?: number;
}

/** Joins the text parts of a result (reasoning and tool calls are not the verdict). */
export function resultText(result: ChatResult): string {
  return result.content
    .filter((part) => part.type === 'text')
    .map((part) => part.text)
    .join('');
}
