import type { FinishReason, UnifiedFinishReason } from '../../spec/finish-reason.js';

/**
 * Maps a candidate's `finishReason`. Gemini reports STOP for a turn that ended in function calls,
 * so `hasToolCalls` turns that into `tool-calls`.
 * @see https://ai.google.dev/api/generate-content#FinishReason
 */
export function mapGeminiFinishReason(finishReason: string | null | undefined, hasToolCalls: boolean): FinishReason {
  return { unified: unifiedReason(finishReason ?? undefined, hasToolCalls), raw: finishReason ?? undefined };
}

function unifiedReason(finishReason: string | undefined, hasToolCalls: boolean): UnifiedFinishReason {
  switch (finishReason) {
    case 'STOP':
      return hasToolCalls ? 'tool-calls' : 'stop';
    case 'MAX_TOKENS':
      return 'length';
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
      return 'content-filter';
    case 'MALFORMED_FUNCTION_CALL':
    case 'UNEXPECTED_TOOL_CALL':
      return 'error';
    default:
      return 'other';
  }
}
