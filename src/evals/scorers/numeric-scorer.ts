import type { z } from 'zod';
import { scored, unscored, type Scorer } from './scorer.js';
import type { numericScorerSpecSchema } from './scorer-spec.js';

type NumericSpec = z.infer<typeof numericScorerSpecSchema>;

// Optional sign (not after a word character, so the 6 in `5-6` stays positive), digits with optional thousands separators, optional decimals and exponent.
const NUMBER = /(?:(?<!\w)[-+−])?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][-+]?\d+)?/g;

/**
 * The last number in the text (answers usually end with the result: "… so the total is $1,234.50.").
 * Thousands separators, a leading `$` and a Unicode minus are understood.
 */
export function extractFinalNumber(text: string): number | undefined {
  let last: number | undefined;
  for (const match of text.matchAll(NUMBER)) {
    const token = match[0];
    if (!/\d/.test(token)) continue;
    const value = Number(token.replace(/,/g, '').replace('−', '-'));
    if (Number.isFinite(value)) last = value;
  }
  return last;
}

function expectedNumber(expected: unknown): number | undefined {
  if (typeof expected === 'number') return expected;
  if (typeof expected === 'string') return extractFinalNumber(expected);
  return undefined;
}

/** 1 when the answer's final number is within tolerance of the expected one, else 0. */
export function createNumericScorer(spec: NumericSpec): Scorer {
  return {
    name: 'numeric',
    async score(input) {
      const expected = spec.value ?? expectedNumber(input.case.expected);
      if (expected === undefined) return unscored('numeric: the case has no numeric `expected`');
      const answer = extractFinalNumber(input.answer);
      if (answer === undefined) return scored(0, { error: 'no number in the answer' });
      const tolerance = Math.max(spec.absolute_tolerance, spec.relative_tolerance * Math.abs(expected));
      const error = Math.abs(answer - expected);
      return scored(error <= tolerance ? 1 : 0, { answer, expected, error });
    },
  };
}
