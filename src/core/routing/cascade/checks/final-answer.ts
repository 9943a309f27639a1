/** Where a final answer was found in a reply. */
export type FinalAnswerSource = 'json-answer' | 'boxed' | 'number' | 'text';

export interface FinalAnswer {
  source: FinalAnswerSource;
  /** Normalised for comparison: numbers in canonical form, text lower-cased with whitespace collapsed. */
  value: string;
}

/** The last `"answer": <value>` in the text, the value being a JSON string, number, boolean or null. */
const JSON_ANSWER = /"answer"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/g;
/** Numbers as written in prose: `-12`, `1,234.5`, `.5`; a minus glued to a word or digit (dates, ranges) is not a sign. */
const NUMBER = /(?:(?<![\w.])-)?(?:\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)/g;
const BOXED = '\\boxed{';

/**
 * The final answer of a reply, for comparing two samples: the last `"answer": …` JSON field, else
 * the last `\boxed{…}` (LaTeX, balanced braces), else the last number, else the whole text
 * normalised. This mirrors how GSM8K/MATH answers are graded, and degrades to text equality for
 * free-form answers.
 */
export function extractFinalAnswer(text: string): FinalAnswer {
  const jsonMatches = [...text.matchAll(JSON_ANSWER)];
  const json = jsonMatches.at(-1)?.[1];
  if (json !== undefined) {
    let value: unknown = json;
    try {
      value = JSON.parse(json);
    } catch {
      // An escape JSON cannot read: compare the raw text of the value.
    }
    return { source: 'json-answer', value: normalizeAnswerValue(String(value)) };
  }
  const boxed = lastBoxed(text);
  if (boxed !== undefined) return { source: 'boxed', value: normalizeAnswerValue(boxed) };
  const number = text.match(NUMBER)?.at(-1);
  if (number !== undefined) return { source: 'number', value: canonicalNumber(number) ?? number };
  return { source: 'text', value: normalizeText(text) };
}

/** Lower-case, whitespace collapsed, surrounding punctuation dropped: "The  answer." ≡ "the answer". */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/^[\s"'`*_.,;:!?]+|[\s"'`*_.,;:!?]+$/g, '');
}

/** A value as a number when it is one (`$1,200.00` → `1200`), else as normalised text. */
function normalizeAnswerValue(value: string): string {
  const stripped = value.replace(/^\s*\$\s*|\s*(?:%|\\%)\s*$/g, '').trim();
  if (/^-?(?:\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)$/.test(stripped)) return canonicalNumber(stripped) ?? stripped;
  // LaTeX spellings that mean the same thing.
  const latex = stripped.replace(/\\[dt]frac/g, '\\frac').replace(/\\left|\\right/g, '').replace(/\\!|\\,|\\ /g, '');
  return normalizeText(latex).replace(/\s+/g, '');
}

function canonicalNumber(text: string): string | undefined {
  const value = Number(text.replace(/,/g, ''));
  if (!Number.isFinite(value)) return undefined;
  // `-0`, `18.00` and `18` are the same answer.
  return String(value === 0 ? 0 : value);
}

/** The content of the last `\boxed{…}`, braces balanced; undefined when there is none or it never closes. */
function lastBoxed(text: string): string | undefined {
  const start = text.lastIndexOf(BOXED);
  if (start === -1) return undefined;
  let depth = 1;
  for (let index = start + BOXED.length; index < text.length; index++) {
    const character = text[index];
    if (character === '{') depth++;
    else if (character === '}' && --depth === 0) return text.slice(start + BOXED.length, index);
  }
  return undefined;
}
