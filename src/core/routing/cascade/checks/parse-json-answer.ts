import { quoteForReason } from '../cascade-check.js';

export type ParsedJsonAnswer = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * Parses an answer as JSON, strictly: no code fences stripped, since the client will parse the
 * content as it is and a fenced answer would fail there too.
 */
export function parseJsonAnswer(text: string): ParsedJsonAnswer {
  if (text.trim() === '') return { ok: false, reason: 'answer is empty, expected JSON' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: `answer is not valid JSON: ${quoteForReason(text, 40)}` };
  }
}
