import type { ChatMessage, JsonValue } from '../../spec/chat-call.js';

/** One message in OpenAI's Chat Completions request format. */
export type OpenAIWireMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | OpenAIWireUserPart[]; name?: string }
  | { role: 'assistant'; content: string | null; tool_calls?: OpenAIWireToolCall[]; reasoning_content?: string }
  | { role: 'tool'; tool_call_id: string; content: string };

export type OpenAIWireUserPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: string } };

export interface OpenAIWireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/**
 * Converts ChatMessages to OpenAI's wire messages. Plain single-text user messages stay strings,
 * which every compatible server accepts (some reject the array form).
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
 */
export function convertToOpenAICompatibleMessages(messages: ChatMessage[]): OpenAIWireMessage[] {
  const wire: OpenAIWireMessage[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        wire.push({ role: 'system', content: message.content.map((part) => part.text).join('\n') });
        break;
      case 'user': {
        const only = message.content[0];
        const content =
          message.content.length === 1 && only?.type === 'text'
            ? only.text
            : message.content.map((part): OpenAIWireUserPart =>
                part.type === 'text'
                  ? { type: 'text', text: part.text }
                  : { type: 'image_url', image_url: part.detail ? { url: part.url, detail: part.detail } : { url: part.url } },
              );
        wire.push(message.name === undefined ? { role: 'user', content } : { role: 'user', content, name: message.name });
        break;
      }
      case 'assistant': {
        let text = '';
        const toolCalls: OpenAIWireToolCall[] = [];
        for (const part of message.content) {
          if (part.type === 'text') text += part.text;
          else if (part.type === 'tool-call') {
            toolCalls.push({ id: part.toolCallId, type: 'function', function: { name: part.toolName, arguments: part.input } });
          }
        }
        wire.push({
          role: 'assistant',
          content: text === '' && toolCalls.length > 0 ? null : text,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        });
        break;
      }
      case 'tool':
        for (const part of message.content) {
          wire.push({ role: 'tool', tool_call_id: part.toolCallId, content: part.output });
        }
        break;
    }
  }
  return wire;
}

/** Extra body fields a caller passes through `providerOptions.<type>` (e.g. vLLM's `guided_json`). */
export function extraBodyFields(options: Record<string, unknown> | undefined): Record<string, JsonValue> {
  return (options ?? {}) as Record<string, JsonValue>;
}
