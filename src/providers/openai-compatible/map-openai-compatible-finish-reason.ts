import type { FinishReason } from '../../spec/finish-reason.js';

/**
 * `eos_token` and `stop_sequence` are TGI's reasons; `error` is OpenRouter's for a generation that
 * failed mid-way.
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
 * @see https://huggingface.co/docs/text-generation-inference/messages_api
 * @see https://openrouter.ai/docs/api-reference/overview#finish-reason
 */
export function mapOpenAICompatibleFinishReason(raw: string | null | undefined): FinishReason {
  switch (raw) {
    case 'stop':
    case 'eos':
    case 'eos_token':
    case 'stop_sequence':
      return { unified: 'stop', raw };
    case 'length':
      return { unified: 'length', raw };
    case 'tool_calls':
    case 'function_call':
      return { unified: 'tool-calls', raw };
    case 'content_filter':
      return { unified: 'content-filter', raw };
    case 'error':
      return { unified: 'error', raw };
    default:
      return { unified: 'other', raw: raw ?? undefined };
  }
}
