import { normaliseText } from './normalise-text.js';
import { scored, unscored, type Scorer, type ScoreInput } from './scorer.js';
import type { containsScorerSpecSchema, exactScorerSpecSchema, regexScorerSpecSchema } from './scorer-spec.js';
import type { z } from 'zod';
import { InvalidRequestError } from '../../spec/errors.js';

type ExactSpec = z.infer<typeof exactScorerSpecSchema>;
type ContainsSpec = z.infer<typeof containsScorerSpecSchema>;
type RegexSpec = z.infer<typeof regexScorerSpecSchema>;

/** Numbers compare by their text; objects are not text, so `exact` cannot use them. */
function expectedText(input: ScoreInput): string | undefined {
  const expected = input.case.expected;
  if (typeof expected === 'string') return expected;
  if (typeof expected === 'number') return String(expected);
  return undefined;
}

/** 1 when the normalised answer equals the normalised expected text, else 0. */
export function createExactScorer(spec: ExactSpec): Scorer {
  return {
    name: 'exact',
    async score(input) {
      const expected = spec.value ?? expectedText(input);
      if (expected === undefined) return unscored('exact: the case has no string or number `expected`');
      const match = normaliseText(input.answer, spec.normalise) === normaliseText(expected, spec.normalise);
      return scored(match ? 1 : 0);
    },
  };
}

/** 1 when the answer contains all (or any, per `mode`) of the values, else 0. */
export function createContainsScorer(spec: ContainsSpec): Scorer {
  return {
    name: 'contains',
    async score(input) {
      const fromCase = expectedText(input);
      const values = spec.values ?? (fromCase === undefined ? undefined : [fromCase]);
      if (values === undefined) return unscored('contains: no `values` and the case has no string or number `expected`');
      const answer = normaliseText(input.answer, spec.normalise);
      const found = values.filter((value) => answer.includes(normaliseText(value, spec.normalise)));
      const match = spec.mode === 'all' ? found.length === values.length : found.length > 0;
      return scored(match ? 1 : 0, { found: found.length, of: values.length });
    },
  };
}

function compileRegex(pattern: string, flags: string): RegExp {
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    throw new InvalidRequestError(`regex scorer: invalid pattern /${pattern}/${flags}: ${error instanceof Error ? error.message : String(error)}`, {
      param: 'scorer.pattern',
    });
  }
}

/**
 * 1 when the pattern matches anywhere in the answer (anchor it with ^…$ for a full match), else 0.
 * A configured pattern is compiled once; a per-case pattern from `expected` is compiled per case.
 */
export function createRegexScorer(spec: RegexSpec): Scorer {
  // `g`/`y` make `test` stateful across calls, which would make scores depend on order.
  const flags = spec.flags.replace(/[gy]/g, '');
  const fixed = spec.pattern === undefined ? undefined : compileRegex(spec.pattern, flags);
  return {
    name: 'regex',
    async score(input) {
      let regex = fixed;
      if (regex === undefined) {
        const pattern = typeof input.case.expected === 'string' ? input.case.expected : undefined;
        if (pattern === undefined) return unscored('regex: no `pattern` and the case has no string `expected`');
        try {
          regex = compileRegex(pattern, flags);
        } catch (error) {
          return unscored(error instanceof Error ? error.message : String(error));
        }
      }
      return scored(regex.test(input.answer) ? 1 : 0);
    },
  };
}
