import { describe, expect, it } from 'vitest';
import { mapOpenAICompatibleFinishReason } from './map-openai-compatible-finish-reason.js';

describe('mapOpenAICompatibleFinishReason', () => {
  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['tool_calls', 'tool-calls'],
    ['function_call', 'tool-calls'],
    ['content_filter', 'content-filter'],
    ['eos', 'stop'],
    ['eos_token', 'stop'],
    ['stop_sequence', 'stop'],
    ['error', 'error'],
    ['abort', 'other'],
  ] as const)('maps %s to %s and keeps the raw value', (raw, unified) => {
    expect(mapOpenAICompatibleFinishReason(raw)).toEqual({ unified, raw });
  });

  it('maps a missing reason to other with no raw value', () => {
    expect(mapOpenAICompatibleFinishReason(null)).toEqual({ unified: 'other', raw: undefined });
    expect(mapOpenAICompatibleFinishReason(undefined)).toEqual({ unified: 'other', raw: undefined });
  });
});
