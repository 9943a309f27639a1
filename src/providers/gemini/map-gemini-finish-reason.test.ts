import { describe, expect, it } from 'vitest';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';

describe('mapGeminiFinishReason', () => {
  it.each([
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool-calls'],
    ['MAX_TOKENS', false, 'length'],
    ['MAX_TOKENS', true, 'length'],
    ['SAFETY', false, 'content-filter'],
    ['RECITATION', false, 'content-filter'],
    ['BLOCKLIST', false, 'content-filter'],
    ['PROHIBITED_CONTENT', false, 'content-filter'],
    ['SPII', false, 'content-filter'],
    ['IMAGE_SAFETY', false, 'content-filter'],
    ['MALFORMED_FUNCTION_CALL', false, 'error'],
    ['LANGUAGE', false, 'other'],
    ['OTHER', false, 'other'],
    ['FINISH_REASON_UNSPECIFIED', false, 'other'],
    ['SOMETHING_NEW', false, 'other'],
  ] as const)('%s (tool calls: %s) → %s', (raw, hasToolCalls, unified) => {
    expect(mapGeminiFinishReason(raw, hasToolCalls)).toEqual({ unified, raw });
  });

  it('keeps an absent reason as undefined', () => {
    expect(mapGeminiFinishReason(undefined, false)).toEqual({ unified: 'other', raw: undefined });
    expect(mapGeminiFinishReason(null, false)).toEqual({ unified: 'other', raw: undefined });
  });
});
