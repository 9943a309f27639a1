import { Ajv, type ValidateFunction } from 'ajv';
import type { z } from 'zod';
import { InvalidRequestError } from '../../spec/errors.js';
import { scored, unscored, type Scorer } from './scorer.js';
import type { jsonSchemaScorerSpecSchema } from './scorer-spec.js';

type JsonSchemaSpec = z.infer<typeof jsonSchemaScorerSpecSchema>;

const FENCE = /^```[a-zA-Z]*\s*\n([\s\S]*?)\n?```$/;

/**
 * 1 when the answer parses as JSON and validates against the schema, else 0 (with the reason in `detail`).
 * Formats are not enforced: ajv-formats is not a dependency, and a silent "unknown format" pass would mislead.
 */
export function createJsonSchemaScorer(spec: JsonSchemaSpec): Scorer {
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true, logger: false });
  // Per-case schemas repeat across cases; compile each distinct one once.
  const compiled = new Map<string, ValidateFunction>();
  const compile = (schema: Record<string, unknown>): ValidateFunction => {
    const key = JSON.stringify(schema);
    let validate = compiled.get(key);
    if (validate === undefined) {
      try {
        validate = ajv.compile(schema);
      } catch (error) {
        throw new InvalidRequestError(`json_schema scorer: invalid schema: ${error instanceof Error ? error.message : String(error)}`, {
          param: 'scorer.schema',
        });
      }
      compiled.set(key, validate);
    }
    return validate;
  };
  if (spec.schema !== undefined) compile(spec.schema);
  return {
    name: 'json_schema',
    async score(input) {
      const expected = input.case.expected;
      const schema = spec.schema ?? (typeof expected === 'object' && !Array.isArray(expected) ? expected : undefined);
      if (schema === undefined) return unscored('json_schema: no `schema` and the case has no object `expected`');
      let validate: ValidateFunction;
      try {
        validate = compile(schema);
      } catch (error) {
        return unscored(error instanceof Error ? error.message : String(error));
      }
      let text = input.answer.trim();
      const fenced = FENCE.exec(text);
      if (fenced !== null && spec.allow_code_fence) text = fenced[1] ?? '';
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        return scored(0, { error: `answer is not JSON: ${error instanceof Error ? error.message : String(error)}` });
      }
      if (validate(value)) return scored(1);
      return scored(0, { error: ajv.errorsText(validate.errors) });
    },
  };
}
