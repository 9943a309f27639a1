import type { CascadeCheck, CheckVerdict } from '../cascade-check.js';
import { quoteForReason } from '../cascade-check.js';

/**
 * `regex`: the answer text must match. Compiled once here, at config load; the schema has already
 * rejected patterns that do not compile and the stateful `g`/`y` flags.
 */
export function regexCheck(pattern: string, flags = ''): CascadeCheck {
  const expression = new RegExp(pattern, flags);
  return {
    kind: 'regex',
    run({ text }): CheckVerdict {
      if (expression.test(text)) return { pass: true };
      return { pass: false, reason: `answer ${quoteForReason(text, 40)} does not match /${pattern}/${flags}` };
    },
  };
}
