import type { FinishReason } from '../../spec/finish-reason.js';

/**
 * Maps Anthropic's `stop_reason`. When the `json` tool stood in for JSON mode, `tool_use` means
 * the answer is complete, so it maps to `stop`.
 * @see https://docs.anthropic.com/en/api/messages#response-stop-reason
 * @see https://docs.anthropic.com/en/docs/build-with-claude/handling-stop-reasons
 */
export function mapAnthropicStopReason(raw: string | null | undefined, options: { isJsonResponse?: boolean } = {}): FinishReason {
  switch (raw) {
    case 'end_turn':
    case 'stop_sequence':
      return { unified: 'stop', raw };
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return { unified: 'length', raw };
    case 'tool_use':
      return { unified: options.isJsonResponse === true ? 'stop' : 'tool-calls', raw };
    case 'refusal':
      return { unified: 'content-filter', raw };
    case 'pause_turn':
      return { unified: 'other', raw };
    default:
      return { unified: 'other', raw: raw ?? undefined };
  }
}
