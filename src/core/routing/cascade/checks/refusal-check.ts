import type { ChatResult } from '../../../../spec/chat-result.js';
import type { CascadeCheck, CheckVerdict } from '../cascade-check.js';
import { quoteForReason } from '../cascade-check.js';

/**
 * Only the opening of an answer is searched: models lead with a refusal, while a helpful answer may
 * say "sorry" or "I can't" anywhere in its body. This many characters is two short sentences.
 */
const OPENING_CHARACTERS = 200;

/** An apology or hedge a refusal often starts with, before the refusal proper. */
const LEAD_IN =
  String.raw`(?:(?:i(?:'m| am)\s+(?:so\s+|really\s+|very\s+|truly\s+)?sorry|sorry|apologies|my apologies|unfortunately|regrettably|i apologi[sz]e)\s*[,.!:;-]?\s*(?:but\s*,?\s*)?)?`;

/**
 * Refusal openings, after the optional lead-in, matched against the lower-cased opening with
 * curly apostrophes straightened:
 * - "I can't / cannot / won't / am unable to / am not able to" + help, assist, answer, provide, comply…
 * - "As an AI," / "As an AI language model" (and assistant, model, chatbot) — not "As an AI researcher"
 * - "I don't / do not know" ending the sentence or followed by the answer's subject
 *   ("the answer", "that", "what", …) — not "I don't know about you, but…"
 * - "I don't have (enough) information / access / the ability…"
 * - "I must decline", "I'm not allowed / permitted to", "That's not something I can…"
 */
const REFUSAL_PATTERNS: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  {
    name: 'cannot-help',
    pattern: new RegExp(
      String.raw`^${LEAD_IN}(?:i\s+(?:can't|cant|cannot|can not|won't|will not)|i(?:'m|\s+am)\s+(?:unable to|not able to|not in a position to))\s+` +
        String.raw`(?:help(?!\s+(?:but|thinking|feeling|wondering)\b)|assist|answer|provide|comply|fulfil|fulfill|support|engage|do that|do this|share|give|generate|create|write|complete|respond|offer|determine)\b`,
    ),
  },
  { name: 'as-an-ai', pattern: new RegExp(String.raw`^${LEAD_IN}as an ai(?:\s*,|\s+(?:language model|model|assistant|chatbot|system)\b)`) },
  {
    name: 'dont-know',
    pattern: new RegExp(String.raw`^${LEAD_IN}i\s+(?:don't|do not|really don't|really do not)\s+know(?:\s*[.!,;]|\s*$|\s+(?:the answer|that|this|what|which|who|whether|how to answer|enough|for sure))`),
  },
  {
    name: 'no-information',
    pattern: new RegExp(String.raw`^${LEAD_IN}i\s+(?:don't|do not)\s+have\s+(?:enough\s+|sufficient\s+|any\s+)?(?:information|context|access|the ability|real-time)`),
  },
  {
    name: 'decline',
    pattern: new RegExp(
      String.raw`^${LEAD_IN}(?:i\s+(?:must|have to|need to|'ll have to|will have to)\s+(?:respectfully\s+)?decline|i(?:'m| am) not (?:allowed|permitted|able) to|that(?:'s| is) not something i can)`,
    ),
  },
];

/** Whether an answer is a refusal or non-answer, and which rule said so; undefined when it is not. */
export function detectRefusal(result: ChatResult, text: string): string | undefined {
  if (result.finishReason.unified === 'content-filter') return 'finish reason content_filter';
  // The provider said so itself (OpenAI's `refusal` field), whatever the wording.
  const refusal = result.content.find((part) => part.type === 'text' && part.refusal === true);
  if (refusal !== undefined && refusal.type === 'text') return `refusal (provider): ${quoteForReason(refusal.text.trim(), 50)}`;
  const hasToolCall = result.content.some((part) => part.type === 'tool-call');
  const trimmed = text.trim();
  if (trimmed === '') return hasToolCall ? undefined : 'empty answer';
  const opening = trimmed
    .slice(0, OPENING_CHARACTERS)
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    // Markdown emphasis or a quote mark before the first word does not change what it says.
    .replace(/^[\s*_>"#]+/, '');
  for (const { name, pattern } of REFUSAL_PATTERNS) if (pattern.test(opening)) return `refusal (${name}): ${quoteForReason(trimmed, 50)}`;
  return undefined;
}

/**
 * `refusal`: fails a refusal or non-answer — the provider's content filter stopped it, the answer
 * is empty (and made no tool call), or it opens with one of the refusal patterns above.
 */
export function refusalCheck(): CascadeCheck {
  return {
    kind: 'refusal',
    run({ result, text }): CheckVerdict {
      const reason = detectRefusal(result, text);
      return reason === undefined ? { pass: true } : { pass: false, reason };
    },
  };
}
