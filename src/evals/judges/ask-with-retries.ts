import type { ChatCall } from '../../spec/chat-call.js';
import { resultText, type JudgeOptions } from './judge-types.js';
import type { ParseOutcome } from './parse-judge-output.js';

export type JudgeAttempt<T> =
  | { ok: true; value: T; attempts: number; reply: string }
  | { ok: false; reason: string; attempts: number; replies: string[] };

/**
 * Calls the judge and parses its reply, asking again after a malformed reply up to `malformedRetries`
 * times. A failed call (provider error) ends the attempt: the executor has already retried it.
 */
export async function askJudge<T>(options: JudgeOptions, call: ChatCall, parse: (reply: string) => ParseOutcome<T>): Promise<JudgeAttempt<T>> {
  const maximumAttempts = 1 + Math.max(0, options.malformedRetries ?? 1);
  const replies: string[] = [];
  let lastError = '';
  for (let attempt = 1; attempt <= maximumAttempts; attempt += 1) {
    let reply: string;
    try {
      reply = resultText(await options.ask(options.model, call));
    } catch (error) {
      return { ok: false, reason: `judge call failed: ${error instanceof Error ? error.message : String(error)}`, attempts: attempt, replies };
    }
    replies.push(reply);
    const parsed = parse(reply);
    if (parsed.ok) return { ok: true, value: parsed.value, attempts: attempt, reply };
    lastError = parsed.error;
  }
  return { ok: false, reason: `malformed judge reply after ${maximumAttempts} attempt(s): ${lastError}`, attempts: maximumAttempts, replies };
}
