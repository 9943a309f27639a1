import { Ajv, type ValidateFunction } from 'ajv';
import type { JsonObject } from '../../../../spec/chat-call.js';
import type { CascadeCheck, CheckVerdict } from '../cascade-check.js';
import { parseJsonAnswer } from './parse-json-answer.js';

/** Compiled validators kept, by schema text: clients send the same few schemas again and again. */
const MAX_CACHED_VALIDATORS = 256;

/**
 * `json_schema`: the answer must be what the request's `response_format` asked for. A JSON schema
 * format: the answer parses as JSON and validates against the schema (ajv, formats not enforced,
 * unknown keywords such as OpenAI's allowed). A `json_object` format: the answer parses as JSON.
 * A request without a JSON response format passes: there is nothing to hold the answer to (use
 * `required_fields` to demand JSON of every answer). Compiling a schema costs about a millisecond,
 * so validators are cached by schema.
 */
export function jsonSchemaCheck(): CascadeCheck {
  // Lazily, so a config without this check never builds an Ajv instance.
  let ajv: Ajv | undefined;
  const validators = new Map<string, { schema: JsonObject; validate: ValidateFunction | Error }>();
  const validatorFor = (schema: JsonObject): ValidateFunction | Error => {
    const key = JSON.stringify(schema);
    const cached = validators.get(key);
    if (cached !== undefined) {
      // Re-inserting marks it most recently used: a Map iterates in insertion order.
      validators.delete(key);
      validators.set(key, cached);
      return cached.validate;
    }
    ajv ??= new Ajv({ strict: false, validateFormats: false, allErrors: false, logger: false });
    let validate: ValidateFunction | Error;
    try {
      validate = ajv.compile(schema);
    } catch (error) {
      validate = error instanceof Error ? error : new Error(String(error));
    }
    if (validators.size >= MAX_CACHED_VALIDATORS) {
      const [oldestKey, oldest] = validators.entries().next().value!;
      validators.delete(oldestKey);
      // Ajv keeps every schema it compiled; without this its cache would grow with each new schema.
      ajv.removeSchema(oldest.schema);
    }
    validators.set(key, { schema, validate });
    return validate;
  };
  return {
    kind: 'json_schema',
    run({ call, text }): CheckVerdict {
      const format = call.responseFormat;
      if (format === undefined || format.type === 'text') return { pass: true };
      const parsed = parseJsonAnswer(text);
      if (!parsed.ok) return { pass: false, reason: parsed.reason };
      if (format.type === 'json') return { pass: true };
      const validate = validatorFor(format.schema);
      if (validate instanceof Error) return { pass: false, reason: `response_format schema '${format.name}' does not compile: ${validate.message}`, unavailable: true };
      if (validate(parsed.value)) return { pass: true };
      const first = validate.errors?.[0];
      const where = first?.instancePath ? `at ${first.instancePath} ` : '';
      return { pass: false, reason: `answer does not match schema '${format.name}': ${where}${first?.message ?? 'invalid'}` };
    },
  };
}
