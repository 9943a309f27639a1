import type { ChatCall, EmbeddingCall } from '../../spec/chat-call.js';

/**
 * A quick upper-bound guess of a call's tokens, for tokens-per-minute limits before the answer is
 * known (about four characters a token, plus the output it may produce). The limiter reconciles
 * it with the real usage afterwards, so the guess only has to be cheap and not wildly off.
 */
export function estimateCallTokens(call: ChatCall): number {
  return estimatePromptTokens(call) + (call.maxOutputTokens ?? 0);
}

/** The prompt part of the estimate: about four characters a token. */
export function estimatePromptTokens(call: ChatCall): number {
  let characters = 0;
  for (const message of call.messages) {
    for (const part of message.content) {
      if (part.type === 'text' || part.type === 'reasoning') characters += part.text.length;
      else if (part.type === 'tool-call') characters += part.input.length + part.toolName.length;
      else if (part.type === 'tool-result') characters += part.output.length;
      else characters += 3000; // An image is roughly 750 tokens at common sizes.
    }
  }
  for (const tool of call.tools ?? []) characters += JSON.stringify(tool.parameters).length + tool.name.length + (tool.description?.length ?? 0);
  return Math.ceil(characters / 4);
}

export function estimateEmbeddingTokens(call: EmbeddingCall): number {
  let characters = 0;
  for (const input of call.input) characters += input.length;
  return Math.ceil(characters / 4);
}
