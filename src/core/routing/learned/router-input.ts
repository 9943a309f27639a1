import type { ChatCall } from '../../../spec/chat-call.js';

/** What the learned router sees of a request: the prompt alone, never the answer. */
export interface RouterInput {
  /** The last user message's text. */
  prompt: string;
  /** Earlier user turns of the conversation, oldest first (MT-Bench turn 2, chat follow-ups). */
  previousTurns?: readonly string[];
  /**
   * The prompt's embedding (of `routerText`), when the router was trained with one: computed by the
   * embedder the artifact names, before routing, since embedding is asynchronous and scoring is not.
   */
  embedding?: ArrayLike<number>;
}

/**
 * Builds a RouterInput from a chat call: the last user message is the prompt, earlier user
 * messages are the previous turns. Non-text parts (images) carry no signal the model was trained on.
 */
export function routerInputFromCall(call: ChatCall): RouterInput {
  const userTexts: string[] = [];
  for (const message of call.messages) {
    if (message.role !== 'user') continue;
    let text = '';
    for (const part of message.content) {
      if (part.type === 'text') text = text === '' ? part.text : `${text}\n${part.text}`;
    }
    userTexts.push(text);
  }
  const prompt = userTexts.pop() ?? '';
  return userTexts.length > 0 ? { prompt, previousTurns: userTexts } : { prompt };
}

/** The text the n-gram features are computed over: earlier turns first, then the prompt. */
export function routerText(input: RouterInput): string {
  const previous = input.previousTurns ?? [];
  return previous.length === 0 ? input.prompt : `${previous.join('\n')}\n${input.prompt}`;
}
