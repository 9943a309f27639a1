import { GatewayError, StreamInterruptedError } from '../../spec/errors.js';
import type { StreamEvent } from '../../spec/stream-event.js';
import { toOpenAIErrorResponse } from './openai-error-body.js';
import { toOpenAIFinishReason, toOpenAILogprobs, toOpenAIUsage, type ResponseIdentity } from './openai-chat-response.js';

export interface OpenAIStreamOptions {
  identity: ResponseIdentity;
  includeUsage: boolean;
}

const encoder = new TextEncoder();

/**
 * Writes StreamEvents as Chat Completions SSE chunks. A failure after the stream began becomes a
 * final `data: {"error": ...}` frame (the OpenAI SDK raises it as an APIError) with no `[DONE]`.
 * @see https://platform.openai.com/docs/api-reference/chat/streaming
 */
export function toOpenAIChatStream(events: ReadableStream<StreamEvent>, options: OpenAIStreamOptions): ReadableStream<Uint8Array> {
  const reader = events.getReader();
  const { identity } = options;
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

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let out = '';
        try {
          while (out === '') {
            const next = await reader.read();
            if (next.done) {
              // A well-behaved adapter always ends with `finish`; treat anything else as a cut stream.
              throw new Error('upstream stream ended without a finish event');
            }
            const event = next.value;
            switch (event.type) {
              case 'stream-start':
              case 'response-metadata':
                break;
              case 'text-delta':
                if (event.delta !== '') out = chunk({ content: event.delta });
                break;
              case 'reasoning-delta':
                if (event.delta !== '') out = chunk({ reasoning_content: event.delta });
                break;
              case 'tool-input-start': {
                const index = toolIndexes.size;
                toolIndexes.set(event.toolCallId, index);
                out = chunk({ tool_calls: [{ index, id: event.toolCallId, type: 'function', function: { name: event.toolName, arguments: '' } }] });
                break;
              }
              case 'tool-input-delta':
                out = chunk({ tool_calls: [{ index: toolIndexes.get(event.toolCallId) ?? 0, function: { arguments: event.delta } }] });
                break;
              case 'logprobs':
                out = chunk({}, `,"logprobs":${JSON.stringify({ content: toOpenAILogprobs(event.content) })}`);
                break;
              case 'finish': {
                const finishReason = toOpenAIFinishReason(event.finishReason.unified);
                const delta = sentRole ? '{}' : '{"role":"assistant","content":""}';
                out = `data: ${prefix}[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":"${finishReason}"}]}\n\n`;
                if (options.includeUsage) out += `data: ${prefix}[],"usage":${JSON.stringify(toOpenAIUsage(event.usage))}}\n\n`;
                out += 'data: [DONE]\n\n';
                controller.enqueue(encoder.encode(out));
                controller.close();
                return;
              }
            }
          }
          controller.enqueue(encoder.encode(out));
        } catch (error) {
          const { body } = toOpenAIErrorResponse(toTypedStreamError(error));
          controller.enqueue(encoder.encode(`${out}data: ${JSON.stringify(body)}\n\n`));
          controller.close();
          reader.cancel().catch(() => undefined);
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/** Untyped failures mid-stream are reported as an interrupted stream, never as internal details. */
function toTypedStreamError(error: unknown): GatewayError {
  if (GatewayError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StreamInterruptedError(`Stream interrupted: ${message}`, { cause: error });
}
