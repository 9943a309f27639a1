import type { ChatMessage } from '../../spec/chat-call.js';
import type { RouterInput } from '../../core/routing/learned/router-input.js';

/**
 * A shadow pair's `prompt`: the conversation as readable text, one block per message, each
 * headed by its role on a line of its own (`[user]`, `[assistant]`, …) and separated by a blank
 * line. It is what the dashboard shows and what `router train --from-shadow` learns from, so
 * it is written to be read back into the learned router's input exactly as the live router
 * builds it (routerInputFromCall): user turns are their text parts joined by newlines, images
 * left out. A message whose own text contains a blank line followed by a role header would be
 * split there when read back; that costs one training example a little fidelity, nothing more.
 */

type Role = ChatMessage['role'];

const HEADER = /(?:^|\n\n)\[(system|user|assistant|tool)\]\n/g;

/** The conversation as shadow-prompt text (not yet redacted: the caller redacts the whole text once). */
export function renderShadowPrompt(messages: readonly ChatMessage[]): string {
  return messages.map((message) => `[${message.role}]\n${messageText(message)}`).join('\n\n');
}

/** The learned router's input from a shadow prompt: the last user block is the prompt, earlier ones its previous turns. */
export function routerInputFromShadowPrompt(prompt: string): RouterInput {
  const blocks = shadowPromptBlocks(prompt);
  // Text without headers (written by something else) is taken as a single user turn.
  if (blocks === undefined) return { prompt };
  const userTexts = blocks.filter((block) => block.role === 'user').map((block) => block.text);
  const last = userTexts.pop() ?? '';
  return userTexts.length > 0 ? { prompt: last, previousTurns: userTexts } : { prompt: last };
}

/** The blocks of a shadow prompt, or undefined when it does not start with a role header. */
export function shadowPromptBlocks(prompt: string): Array<{ role: Role; text: string }> | undefined {
  const headers = [...prompt.matchAll(HEADER)];
  if (headers[0]?.index !== 0) return undefined;
  return headers.map((header, index) => {
    const start = header.index + header[0].length;
    const end = headers[index + 1]?.index ?? prompt.length;
    return { role: header[1] as Role, text: prompt.slice(start, end) };
  });
}

function messageText(message: ChatMessage): string {
  switch (message.role) {
    case 'system':
      return message.content.map((part) => part.text).join('\n');
    case 'user':
      // Exactly as routerInputFromCall reads it: text parts only, joined by newlines.
      return message.content.reduce((text, part) => (part.type !== 'text' ? text : text === '' ? part.text : `${text}\n${part.text}`), '');
    case 'assistant':
      return message.content
        .flatMap((part) => (part.type === 'text' ? [part.text] : part.type === 'tool-call' ? [`[tool call] ${part.toolName}(${part.input})`] : []))
        .join('\n');
    case 'tool':
      return message.content.map((part) => `[tool result${part.toolName === undefined ? '' : ` of ${part.toolName}`}] ${part.output}`).join('\n');
    default: {
      const exhaustive: never = message;
      throw new Error(`unknown message ${JSON.stringify(exhaustive)}`);
    }
  }
}
