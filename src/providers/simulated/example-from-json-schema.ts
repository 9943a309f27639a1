import type { JsonObject, JsonValue } from '../../spec/chat-call.js';

/** Deeper schemas (or `$ref` cycles through required properties) end in `null` rather than recurse forever. */
const MAX_DEPTH = 12;

/**
 * Builds the simplest value that satisfies a JSON Schema: only required properties, strings
 * "example", numbers 1, booleans true, enums their first value. It is what simulated tool calls
 * and structured outputs return, so clients can exercise their parsing without a real model.
 * Covers the subset of JSON Schema that tool and response-format schemas use in practice.
 * @see https://json-schema.org/understanding-json-schema/reference
 */
export function exampleFromJsonSchema(schema: JsonValue, root: JsonValue = schema): JsonValue {
  return exampleAt(schema, root, 0);
}

function exampleAt(schema: JsonValue, root: JsonValue, depth: number): JsonValue {
  if (!isObject(schema) || depth > MAX_DEPTH) return null;
  if ('const' in schema) return schema.const ?? null;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0] ?? null;
  if ('default' in schema) return schema.default ?? null;

  const reference = schema.$ref;
  if (typeof reference === 'string') return exampleAt(resolveReference(reference, root), root, depth + 1);

  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const options = schema[keyword];
    if (Array.isArray(options) && options.length > 0) {
      // Prefer a non-null branch: `anyOf: [{type: 'null'}, X]` is how optional values are often spelled.
      const preferred = options.find((option) => !(isObject(option) && option.type === 'null')) ?? options[0];
      return exampleAt(preferred ?? null, root, depth + 1);
    }
  }
  if (Array.isArray(schema.allOf)) return exampleOfAllOf(schema.allOf, root, depth);

  switch (pickType(schema)) {
    case 'object':
      return exampleObject(schema, root, depth);
    case 'array':
      return exampleArray(schema, root, depth);
    case 'string':
      return exampleString(schema);
    case 'integer':
      return exampleNumber(schema, true);
    case 'number':
      return exampleNumber(schema, false);
    case 'boolean':
      return true;
    default:
      return null;
  }
}

function pickType(schema: JsonObject): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) {
    const concrete = type.find((entry) => entry !== 'null');
    return typeof concrete === 'string' ? concrete : 'null';
  }
  if (isObject(schema.properties) || Array.isArray(schema.required)) return 'object';
  if ('items' in schema) return 'array';
  return undefined;
}

function exampleObject(schema: JsonObject, root: JsonValue, depth: number): JsonObject {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.filter((name) => typeof name === 'string') : [];
  const result: JsonObject = {};
  for (const name of required) {
    result[name] = exampleAt(properties[name] ?? {}, root, depth + 1);
  }
  return result;
}

function exampleArray(schema: JsonObject, root: JsonValue, depth: number): JsonValue[] {
  const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
  const items = schema.items ?? {};
  return Array.from({ length: Math.min(minItems, 100) }, () => exampleAt(items, root, depth + 1));
}

function exampleString(schema: JsonObject): string {
  const format = schema.format;
  let value = 'example';
  if (format === 'date-time') value = '2025-01-01T00:00:00Z';
  else if (format === 'date') value = '2025-01-01';
  else if (format === 'email') value = 'user@example.com';
  else if (format === 'uri' || format === 'url') value = 'https://example.com';
  else if (format === 'uuid') value = '00000000-0000-4000-8000-000000000000';
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY;
  if (value.length < minLength) value = value.padEnd(minLength, 'x');
  if (value.length > maxLength) value = value.slice(0, maxLength);
  return value;
}

function exampleNumber(schema: JsonObject, integer: boolean): number {
  const low = readBound(schema.minimum, schema.exclusiveMinimum);
  const high = readBound(schema.maximum, schema.exclusiveMaximum);
  const fits = (candidate: number): boolean =>
    (!integer || Number.isInteger(candidate)) &&
    (low === undefined || (low.exclusive ? candidate > low.value : candidate >= low.value)) &&
    (high === undefined || (high.exclusive ? candidate < high.value : candidate <= high.value));
  // 1 when the bounds allow it, else the nearest value inside them, else their midpoint.
  const candidates = [1];
  if (low !== undefined) {
    const inside = low.exclusive ? (integer ? Math.floor(low.value) + 1 : low.value + 1) : low.value;
    candidates.push(integer ? Math.ceil(inside) : inside);
  }
  if (high !== undefined) {
    const inside = high.exclusive ? (integer ? Math.ceil(high.value) - 1 : high.value - 1) : high.value;
    candidates.push(integer ? Math.floor(inside) : inside);
  }
  if (low !== undefined && high !== undefined) {
    const middle = (low.value + high.value) / 2;
    candidates.push(integer ? Math.round(middle) : middle);
  }
  return candidates.find(fits) ?? 1;
}

/** A numeric bound; JSON Schema draft 4 spells exclusivity as a boolean beside the bound. */
function readBound(
  inclusive: JsonValue | undefined,
  exclusive: JsonValue | undefined,
): { value: number; exclusive: boolean } | undefined {
  if (typeof exclusive === 'number') return { value: exclusive, exclusive: true };
  if (typeof inclusive === 'number') return { value: inclusive, exclusive: exclusive === true };
  return undefined;
}

function exampleOfAllOf(parts: JsonValue[], root: JsonValue, depth: number): JsonValue {
  const examples = parts.map((part) => exampleAt(part, root, depth + 1));
  if (examples.every(isObject)) return Object.assign({}, ...examples) as JsonObject;
  return examples[0] ?? null;
}

/** Resolves local references such as `#/$defs/Address`; remote references are not followed. */
function resolveReference(reference: string, root: JsonValue): JsonValue {
  if (!reference.startsWith('#')) return {};
  let node: JsonValue | undefined = root;
  for (const rawSegment of reference.slice(1).split('/').filter(Boolean)) {
    const segment = decodeURIComponent(rawSegment).replaceAll('~1', '/').replaceAll('~0', '~');
    node = isObject(node) ? node[segment] : undefined;
  }
  return node ?? {};
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
