import type { ChatMessage } from '../../spec/chat-call.js';
import type { CapturedResponse } from '../../core/pipeline/request-summary.js';
import type { EvalMessage } from '../eval-sets/eval-case-schema.js';
import {
  convertToOpenAICompatibleMessages,
  type OpenAIWireMessage,
  type OpenAIWireToolCall,
} from '../../providers/openai-compatible/convert-to-openai-compatible-messages.js';

/**
 * A sampled request as the judge sees it (text messages of an eval case, tool traffic written
 * out) and as fine-tuning export keeps it (OpenAI chat messages).
 */

/** Each tool call as one line, so the judge can tell what the answer did. */
function toolCallLine(part: { toolName: string; input: string }): string {
  return `[tool call] ${part.toolName}(${part.input})`;
}

/** The conversation as eval-case messages. Tool results come from the client, so they read as user turns. */
export function judgeMessages(messages: readonly ChatMessage[]): EvalMessage[] {
  const converted: EvalMessage[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        converted.push({ role: 'system', content: message.content.map((part) => part.text).join('') });
        break;
      case 'user':
        converted.push({ role: 'user', content: message.content.map((part) => (part.type === 'text' ? part.text : '[image]')).join('') });
        break;
      case 'assistant':
        converted.push({ role: 'assistant', content: assistantText(message.content) });
        break;
      case 'tool':
        converted.push({
          role: 'user',
          content: message.content.map((part) => `[tool result${part.toolName === undefined ? '' : ` of ${part.toolName}`}] ${part.output}`).join('\n'),
        });
        break;
      default: {
        const exhaustive: never = message;
        throw new Error(`unknown message ${JSON.stringify(exhaustive)}`);
      }
    }
  }
  return converted;
}

/** The answer as the judge reads it: its text, then its tool calls; reasoning is not the answer. */
export function judgeAnswer(response: CapturedResponse): string {
  const text = assistantText(response.content);
  return text === '' ? '(empty answer)' : text;
}

function assistantText(content: CapturedResponse['content']): string {
  const text = content
    .filter((part) => part.type === 'text')
    .map((part) => part.text)
    .join('');
  const calls = content.filter((part) => part.type === 'tool-call').map(toolCallLine);
  return [text, ...calls].filter((piece) => piece !== '').join('\n');
}

/** An OpenAI chat message as fine-tuning JSONL holds it. */
export type OpenAIChatMessage = OpenAIWireMessage;
export type OpenAIToolCall = OpenAIWireToolCall;

/**
 * The conversation in OpenAI chat format (string contents, tool calls and tool results) — the
 * OpenAI adapter's own conversion, so the export speaks exactly the wire format requests use —
 * or undefined when it holds an image: a text-only training line would misrepresent it.
 */
export function openAIMessages(messages: readonly ChatMessage[]): OpenAIChatMessage[] | undefined {
  const hasImage = messages.some((message) => message.role === 'user' && message.content.some((part) => part.type !== 'text'));
  return hasImage ? undefined : convertToOpenAICompatibleMessages([...messages]);
}

/** An assistant turn (or the captured answer) in OpenAI format; reasoning is left out. */
export function openAIAssistantMessage(content: CapturedResponse['content']): OpenAIChatMessage {
  return convertToOpenAICompatibleMessages([{ role: 'assistant', content: [...content] }])[0]!;
}
