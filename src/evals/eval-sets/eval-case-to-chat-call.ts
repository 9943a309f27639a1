import type { ChatCall, ChatMessage, TextPart } from '../../spec/chat-call.js';
import type { EvalCase, EvalMessage } from './eval-case-schema.js';

function toTextParts(content: EvalMessage['content']): TextPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((part) => ({ type: 'text', text: part.text }));
}

function toChatMessage(message: EvalMessage): ChatMessage {
  const content = toTextParts(message.content);
  switch (message.role) {
    // OpenAI's `developer` role is its newer name for `system`.
    case 'system':
    case 'developer':
      return { role: 'system', content };
    case 'user':
      return message.name === undefined ? { role: 'user', content } : { role: 'user', content, name: message.name };
    case 'assistant':
      return { role: 'assistant', content };
    default: {
      const exhaustive: never = message.role;
      throw new Error(`unknown role ${String(exhaustive)}`);
    }
  }
}

/** The case's conversation as eval messages (expanding the `prompt` shorthand). */
export function evalCaseMessages(evalCase: Pick<EvalCase, 'messages' | 'prompt'>): EvalMessage[] {
  if (evalCase.messages !== undefined) return evalCase.messages;
  return [{ role: 'user', content: evalCase.prompt ?? '' }];
}

/**
 * Builds the ChatCall sent for a case. `settings` (temperature, maxOutputTokens, seed, …) come from the
 * runner; the case only supplies messages.
 */
export function evalCaseToChatCall(
  evalCase: Pick<EvalCase, 'messages' | 'prompt'>,
  settings: Omit<ChatCall, 'messages'> = {},
): ChatCall {
  return { ...settings, messages: evalCaseMessages(evalCase).map(toChatMessage) };
}
