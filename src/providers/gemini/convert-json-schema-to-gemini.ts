import type { JsonObject, JsonValue } from '../../spec/chat-call.js';
import { merged } from '../../spec/merged.js';

/**
 * Converts a JSON Schema (tool `parameters`, `json_schema` response formats) to the OpenAPI 3.0
 * subset Gemini accepts for `FunctionDeclaration.parameters` and `responseSchema`.
 *
 * Gemini rejects unknown keywords (`additionalProperties`, `$schema`, `propertyNames`, …) with a
 * 400, rejects `properties` on non-object types, `required` names that are not in `properties`,
 * and an empty `properties` map. So this keeps only the documented keywords, resolves local
 * `$ref`s inline, turns `type: [x, "null"]` and null `anyOf` branches into `nullable`, and
 * `oneOf` into `anyOf` (a looser but accepted constraint).
 *
 * @see https://ai.google.dev/api/caching#Schema
 * @see vercel/ai:packages/google/src/convert-json-schema-to-openapi-schema.ts
 */
export function convertJsonSchemaToGemini(schema: JsonObject): JsonObject | undefined {
  // A tool without parameters is sent without `parameters`: Gemini rejects an OBJECT with no properties.
  if (isEmptyObjectSchema(schema)) return undefined;
  return convertNode(schema, { root: schema, refStack: [] });
}

interface ConversionContext {
  root: JsonObject;
  /** `$ref`s being expanded, to cut recursive definitions. */
  refStack: string[];
}

const STRING_KEYWORDS = ['minLength', 'maxLength', 'pattern'] as const;
const NUMBER_KEYWORDS = ['minimum', 'maximum'] as const;
const ARRAY_KEYWORDS = ['minItems', 'maxItems'] as const;
const OBJECT_KEYWORDS = ['minProperties', 'maxProperties', 'propertyOrdering'] as const;
const GENERAL_KEYWORDS = ['title', 'description', 'default', 'example', 'nullable'] as const;

/** Formats Gemini documents per type; any other `format` (email, uri, …) is rejected, so it is dropped. */
const SUPPORTED_FORMATS: Record<string, ReadonlySet<string>> = {
  string: new Set(['enum', 'date-time']),
  number: new Set(['float', 'double']),
  integer: new Set(['int32', 'int64']),
};

function convertNode(node: JsonValue | undefined, context: ConversionContext): JsonObject {
  if (!isObject(node)) return {};

  if (typeof node.$ref === 'string') return convertReference(node, node.$ref, context);
  if (Array.isArray(node.allOf)) return convertAllOf(node, node.allOf, context);

  const types = readTypes(node);
  const nonNullTypes = types.filter((type) => type !== 'null');
  const nullable = types.includes('null') && nonNullTypes.length > 0;

  // Several types: one anyOf branch per type, each keeping the keywords that apply to it.
  if (nonNullTypes.length > 1) {
    const result = copyKeywords(node, ['title', 'description']);
    result.anyOf = nonNullTypes.map((type) => convertNode(merged(node, { type, title: null, description: null }), context));
    if (nullable) result.nullable = true;
    return result;
  }

  const result = copyKeywords(node, GENERAL_KEYWORDS);
  if (nullable) result.nullable = true;
  const type = nonNullTypes[0] ?? (types.includes('null') ? 'null' : inferType(node));
  if (type !== undefined) result.type = type;

  const format = node.format;
  if (typeof format === 'string' && type !== undefined && SUPPORTED_FORMATS[type]?.has(format)) result.format = format;

  const enumValues = Array.isArray(node.enum) ? node.enum : node.const !== undefined ? [node.const] : undefined;
  if (enumValues !== undefined) {
    // Gemini takes `enum` on strings only; for other types the allowed values go in the description.
    if (type === 'string') result.enum = enumValues;
    else {
      const allowed = enumValues.map((value) => JSON.stringify(value)).join(', ');
      result.description = appendSentence(result.description, `Allowed values: ${allowed}.`);
    }
  }

  if (type === 'string') Object.assign(result, copyKeywords(node, STRING_KEYWORDS));
  if (type === 'number' || type === 'integer') Object.assign(result, copyKeywords(node, NUMBER_KEYWORDS));
  if (type === 'array') {
    Object.assign(result, copyKeywords(node, ARRAY_KEYWORDS));
    if (Array.isArray(node.items)) result.items = { anyOf: node.items.map((item) => convertNode(item, context)) };
    else if (isObject(node.items)) result.items = convertNode(node.items, context);
  }
  if (type === 'object') {
    Object.assign(result, copyKeywords(node, OBJECT_KEYWORDS));
    convertProperties(node, result, context);
  }

  const variants = [...(Array.isArray(node.anyOf) ? node.anyOf : []), ...(Array.isArray(node.oneOf) ? node.oneOf : [])];
  if (variants.length > 0) convertVariants(variants, result, context);
  return result;
}

function convertProperties(node: JsonObject, result: JsonObject, context: ConversionContext): void {
  if (!isObject(node.properties)) return;
  const properties: JsonObject = {};
  for (const [name, value] of Object.entries(node.properties)) properties[name] = convertNode(value, context);
  const names = Object.keys(properties);
  if (names.length === 0) return;
  result.properties = properties;
  if (Array.isArray(node.required)) {
    const required = node.required.filter((name): name is string => typeof name === 'string' && names.includes(name));
    if (required.length > 0) result.required = required;
  }
}

/** `anyOf`/`oneOf`: null branches become `nullable`; a single remaining branch is merged in. */
function convertVariants(variants: JsonValue[], result: JsonObject, context: ConversionContext): void {
  const nonNull = variants.filter((variant) => !(isObject(variant) && variant.type === 'null'));
  if (nonNull.length < variants.length) result.nullable = true;
  if (nonNull.length === 1) {
    const merged = convertNode(nonNull[0], context);
    for (const [key, value] of Object.entries(merged)) if (!(key in result)) result[key] = value;
    return;
  }
  if (nonNull.length > 1) result.anyOf = nonNull.map((variant) => convertNode(variant, context));
}

/** Local references (`#/$defs/X`, `#/definitions/X`) are inlined; Gemini has no `$ref`. */
function convertReference(node: JsonObject, reference: string, context: ConversionContext): JsonObject {
  const siblings = copyKeywords(node, ['title', 'description']);
  if (context.refStack.includes(reference)) {
    // A recursive definition cannot be inlined; a free-form object is the closest accepted schema.
    return { type: 'object', ...siblings };
  }
  const target = resolvePointer(context.root, reference);
  const resolved = convertNode(target, merged(context, { refStack: [...context.refStack, reference] }));
  return merged(resolved, siblings);
}

/** `allOf` is not supported: the branches are merged (properties and required combined). */
function convertAllOf(node: JsonObject, branches: JsonValue[], context: ConversionContext): JsonObject {
  const { allOf: _allOf, ...rest } = node;
  const parts = [rest, ...branches].map((branch) => convertNode(branch, context)).filter((part) => Object.keys(part).length > 0);
  const merged: JsonObject = {};
  const properties: JsonObject = {};
  const required = new Set<string>();
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) {
      if (key === 'properties' && isObject(value)) Object.assign(properties, value);
      else if (key === 'required' && Array.isArray(value)) value.forEach((name) => typeof name === 'string' && required.add(name));
      else if (!(key in merged)) merged[key] = value;
    }
  }
  if (Object.keys(properties).length > 0) {
    merged.type = 'object';
    merged.properties = properties;
    if (required.size > 0) merged.required = [...required].filter((name) => name in properties);
  }
  return merged;
}

function resolvePointer(root: JsonObject, reference: string): JsonValue | undefined {
  if (!reference.startsWith('#/')) return undefined;
  let current: JsonValue | undefined = root;
  for (const segment of reference.slice(2).split('/')) {
    const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    current = isObject(current) ? current[key] : undefined;
  }
  return current;
}

function readTypes(node: JsonObject): string[] {
  if (typeof node.type === 'string') return [node.type];
  if (Array.isArray(node.type)) return node.type.filter((type): type is string => typeof type === 'string');
  return [];
}

/** JSON Schema allows omitting `type`; Gemini then rejects `properties`/`items`, so infer it. */
function inferType(node: JsonObject): string | undefined {
  if (isObject(node.properties) || Array.isArray(node.required)) return 'object';
  if (node.items !== undefined) return 'array';
  const values = Array.isArray(node.enum) ? node.enum : node.const !== undefined ? [node.const] : undefined;
  if (values !== undefined && values.length > 0 && values.every((value) => typeof value === 'string')) return 'string';
  return undefined;
}

function copyKeywords(node: JsonObject, keywords: readonly string[]): JsonObject {
  const result: JsonObject = {};
  for (const keyword of keywords) {
    const value = node[keyword];
    if (value !== undefined && value !== null) result[keyword] = value;
  }
  return result;
}

function appendSentence(text: JsonValue | undefined, sentence: string): string {
  return typeof text === 'string' && text !== '' ? `${text} ${sentence}` : sentence;
}

function isEmptyObjectSchema(schema: JsonObject): boolean {
  return (
    (schema.type === 'object' || schema.type === undefined) &&
    (!isObject(schema.properties) || Object.keys(schema.properties).length === 0) &&
    schema.$ref === undefined &&
    schema.anyOf === undefined &&
    schema.oneOf === undefined &&
    schema.allOf === undefined
  );
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
