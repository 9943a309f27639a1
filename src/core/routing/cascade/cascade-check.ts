import type { ChatCall } from '../../../spec/chat-call.js';
import type { ChatResult } from '../../../spec/chat-result.js';
import type { Execution } from '../../pipeline/execute.js';
import type { CascadeCheckKind } from './cascade-config.js';

/**
 * A check's verdict on one tier's answer. `unavailable` marks a failure because the check could
 * not be evaluated (no logprobs, a judge that never gave a score), as opposed to a bad answer.
 */
export type CheckVerdict = { pass: true } | { pass: false; reason: string; unavailable?: boolean };

/** What a check sees of one tier's answer. */
export interface CascadeCheckContext {
  /** The client's request, as sent (without the logprobs the cascade may have added). */
  readonly call: ChatCall;
  /** The tier's answer. */
  readonly result: ChatResult;
  /** The answer's text parts joined (reasoning and tool calls left out). */
  readonly text: string;
  /** The tier's logical model. */
  readonly model: string;
  /** Index of the tier, 0 for the cheapest. */
  readonly tier: number;
  /**
   * Calls a logical model through the gateway's executor (retries, limits, fallbacks); the
   * cascade records the attempts as check attempts of this tier. Rejects when the call fails.
   */
  ask(model: string, call: ChatCall): Promise<Execution<ChatResult>>;
}

/** One check of a cascade, built once per config load. */
export interface CascadeCheck {
  readonly kind: CascadeCheckKind;
  /** The tier must be asked for log-probabilities. */
  readonly needsLogprobs?: boolean;
  /** Calls a model (agreement, judge); such checks run after the local ones. */
  readonly callsModel?: boolean;
  run(context: CascadeCheckContext): CheckVerdict | Promise<CheckVerdict>;
}

/** The text of an answer: its text parts joined, which is what the client reads as the message content. */
export function answerText(result: ChatResult): string {
  let text = '';
  for (const part of result.content) if (part.type === 'text') text += part.text;
  return text;
}

/** Shortens a value for a verdict's reason, which ends up in logs and a response header. */
export function quoteForReason(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max)}…` : flat);
}
