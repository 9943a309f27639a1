import type { CascadeCheck, CheckVerdict } from '../cascade-check.js';
import { parseJsonAnswer } from './parse-json-answer.js';

/** `required_fields`: the answer is a JSON object whose listed top-level keys are present and not null. */
export function requiredFieldsCheck(fields: readonly string[]): CascadeCheck {
  return {
    kind: 'required_fields',
    run({ text }): CheckVerdict {
      const parsed = parseJsonAnswer(text);
      if (!parsed.ok) return { pass: false, reason: parsed.reason };
      const value = parsed.value;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return { pass: false, reason: 'answer is not a JSON object' };
      const record = value as Record<string, unknown>;
      const missing = fields.filter((field) => !Object.hasOwn(record, field) || record[field] === null);
      if (missing.length === 0) return { pass: true };
      return { pass: false, reason: `answer lacks required field${missing.length > 1 ? 's' : ''} ${missing.map((field) => `'${field}'`).join(', ')}` };
    },
  };
}
