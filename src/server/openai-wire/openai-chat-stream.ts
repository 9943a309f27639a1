import type { GatewayError } from '../../spec/errors.js';
import type { StreamEvent } from '../../spec/stream-event.js';
import type { SseFormatter } from '../sse/sse-formatter.js';
import { sseReadableStream } from '../sse/sse-readable-stream.js';
import { toOpenAIErrorResponse } from './openai-error-body.js';
import { toOpenAIFinishReason, toOpenAILogprobs, toOpenAIUsage, type ResponseIdentity } from './openai-chat-response.js';

export interface OpenAIStreamOptions {
  identity: ResponseIdentity;
  includeUsage: boolean;
}

/**
 * Formats StreamEvents as Chat Completions SSE chunks. A failure after the stream began becomes a
 * final `data: {"error": ...}` frame (the OpenAI SDK raises it as an APIError) with no `[DONE]`.
 * @see https://platform.openai.com/docs/api-reference/chat/streaming
 */
export function createOpenAIChatSseFormatter(options: OpenAIStreamOptions): SseFormatter {
  const { identity } = options;
  // Every chunk shares this prefix; building it once keeps per-token work to the delta itself.
  const prefix = `{"id":${JSON.stringify(identity.id)},"object":"chat.completion.chunk","created":${identity.created},"model":${JSON.stringify(identity.model)}${identity.systemFingerprint ? `,"system_fingerprint":${JSON.stringify(identity.systemFingerprint)}` : ''},"choices":`;
  const toolIndexes = new Map<string, number>();
  let sentRole = false;
  const chunk = (delta: Record<string, unknown>, extra = '') => {
    if (!sentRole) {
      sentRole = true;
      delta = { role: 'assistant', ...delta };
    }
    return `data: ${prefix}[{"index":0,"delta":${JSON.stringify(delta)}${extra},"finish_reason":null}]}\n\n`;
  };
  return {
    event(event: StreamEvent): string {
      switch (event.type) {
        case 'stream-start':
        case 'response-metadata':
          return '';
        case 'text-delta':
          if (event.delta === '') return '';
          return event.refusal === true ? chunk({ refusal: event.delta }) : chunk({ content: event.delta });
        case 'reasoning-delta':
          return event.delta === '' ? '' : chunk({ reasoning_content: event.delta });
        case 'tool-input-start': {
          const index = toolIndexes.size;
          toolIndexes.set(event.toolCallId, index);
          return chunk({ tool_calls: [{ index, id: event.toolCallId, type: 'function', function: { name: event.toolName, arguments: '' } }] });
        }
        case 'tool-input-delta':
          return chunk({ tool_calls: [{ index: toolIndexes.get(event.toolCallId) ?? 0, function: { arguments: event.delta } }] });
        case 'logprobs':
          return chunk({}, `,"logprobs":${JSON.stringify({ content: toOpenAILogprobs(event.content) })}`);
        case 'finish': {
          const finishReason = toOpenAIFinishReason(event.finishReason.unified);
          const delta = sentRole ? '{}' : '{"role":"assistant","content":""}';
          let out = `data: ${prefix}[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":"${finishReason}"}]}\n\n`;
          if (options.includeUsage) out += `data: ${prefix}[],"usage":${JSON.stringify(toOpenAIUsage(event.usage))}}\n\n`;
          return `${out}data: [DONE]\n\n`;
        }
      }
    },
    error(error: GatewayError): string {
      return `data: ${JSON.stringify(toOpenAIErrorResponse(error).body)}\n\n`;
    },
  };
}

/** The same stream as web bytes, for consumers that are not node's HTTP server. */
export function toOpenAIChatStream(events: ReadableStream<StreamEvent>, options: OpenAIStreamOptions): ReadableStream<Uint8Array> {
  return sseReadableStream(events.getReader(), createOpenAIChatSseFormatter(options));
}
