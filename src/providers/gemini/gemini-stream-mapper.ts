import { streamEndedEarly, type EmitEvent, type StreamChunkMapper } from '../../provider-utils/index.js';
import type { CallWarning } from '../../spec/chat-result.js';
import type { FinishReason } from '../../spec/finish-reason.js';
import { convertGeminiLogprobs } from './convert-gemini-logprobs.js';
import { convertGeminiUsage } from './convert-gemini-usage.js';
import type { GeminiGenerateContentResponse, GeminiUsageMetadata } from './gemini-api.js';
import { promptBlockedError } from './gemini-error.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';

export interface GeminiStreamMapperOptions {
  provider: string;
  warnings: CallWarning[];
  generateId: () => string;
}

/**
 * Maps `streamGenerateContent?alt=sse` frames to StreamEvents. Each frame is a whole
 * GenerateContentResponse holding the new parts; Gemini sends a function call whole, so it becomes
 * one `tool-input-start` and one `tool-input-delta` with all its arguments. There is no end marker:
 * the frame with a candidate `finishReason` is the last one, and the body ending before it means the
 * stream was cut. Usage comes with several frames; the last one seen is the total.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
export function createGeminiStreamMapper(options: GeminiStreamMapperOptions): StreamChunkMapper<GeminiGenerateContentResponse> {
  let metadataSent = false;
  let hasToolCalls = false;
  let rawFinishReason: string | undefined;
  let usage: GeminiUsageMetadata | undefined;

  return {
    start(emit: EmitEvent) {
      emit({ type: 'stream-start', warnings: options.warnings });
    },

    transform(chunk, emit) {
      if (!metadataSent) {
        metadataSent = true;
        emit({
          type: 'response-metadata',
          ...(chunk.responseId != null ? { id: chunk.responseId } : {}),
          ...(chunk.modelVersion != null ? { modelId: chunk.modelVersion } : {}),
        });
      }
      if (chunk.usageMetadata != null) usage = chunk.usageMetadata;

      const candidate = chunk.candidates?.[0];
      if (candidate === undefined) {
        const blockReason = chunk.promptFeedback?.blockReason;
        if (blockReason != null) throw promptBlockedError(options.provider, blockReason, chunk);
        return;
      }

      for (const part of candidate.content?.parts ?? []) {
        if (part.functionCall != null) {
          hasToolCalls = true;
          const toolCallId = part.functionCall.id ?? options.generateId();
          emit({ type: 'tool-input-start', toolCallId, toolName: part.functionCall.name });
          emit({ type: 'tool-input-delta', toolCallId, delta: JSON.stringify(part.functionCall.args ?? {}) });
        } else if (part.text != null && part.text.length > 0) {
          emit(part.thought === true ? { type: 'reasoning-delta', delta: part.text } : { type: 'text-delta', delta: part.text });
        }
      }

      const logprobs = convertGeminiLogprobs(candidate.logprobsResult);
      if (logprobs !== undefined && logprobs.length > 0) emit({ type: 'logprobs', content: logprobs });

      if (candidate.finishReason != null) rawFinishReason = candidate.finishReason;
    },

    flush(emit) {
      if (rawFinishReason === undefined) throw streamEndedEarly(options.provider);
      const finishReason: FinishReason = mapGeminiFinishReason(rawFinishReason, hasToolCalls);
      emit({ type: 'finish', finishReason, usage: convertGeminiUsage(usage) });
    },
  };
}
