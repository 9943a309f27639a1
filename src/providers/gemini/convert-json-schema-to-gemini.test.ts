import { describe, expect, it } from 'vitest';
import { convertJsonSchemaToGemini } from './convert-json-schema-to-gemini.js';

describe('convertJsonSchemaToGemini', () => {
  it('returns undefined for an object schema without properties (tool without parameters)', () => {
    expect(convertJsonSchemaToGemini({ type: 'object' })).toBeUndefined();
    expect(convertJsonSchemaToGemini({ type: 'object', properties: {}, additionalProperties: false })).toBeUndefined();
    expect(convertJsonSchemaToGemini({})).toBeUndefined();
  });

  it('drops unsupported keywords and keeps documented ones', () => {
    expect(
      convertJsonSchemaToGemini({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        $id: 'urn:x',
        type: 'object',
        title: 'Query',
        additionalProperties: false,
        propertyNames: { pattern: '^[a-z]+$' },
        properties: {
          text: { type: 'string', minLength: 1, maxLength: 50, pattern: '^\\w+$', format: 'uri', examples: ['a'] },
          when: { type: 'string', format: 'date-time' },
          count: { type: 'integer', minimum: 1, maximum: 10, exclusiveMaximum: 11, multipleOf: 1, format: 'int32' },
          ratio: { type: 'number', format: 'percent', default: 0.5 },
          tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 3, uniqueItems: true },
        },
      }),
    ).toMatchInlineSnapshot(`
      {
        "properties": {
          "count": {
            "format": "int32",
            "maximum": 10,
            "minimum": 1,
            "type": "integer",
          },
          "ratio": {
            "default": 0.5,
            "type": "number",
          },
          "tags": {
            "items": {
              "type": "string",
            },
            "maxItems": 3,
            "minItems": 1,
            "type": "array",
          },
          "text": {
            "maxLength": 50,
            "minLength": 1,
            "pattern": "^\\w+$",
            "type": "string",
          },
          "when": {
            "format": "date-time",
            "type": "string",
          },
        },
        "title": "Query",
        "type": "object",
      }
    `);
  });

  it('turns nullable types and null anyOf branches into nullable', () => {
    expect(
      convertJsonSchemaToGemini({
        type: 'object',
        properties: {
          a: { type: ['integer', 'null'] },
          b: { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'B' },
          c: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'null' }] },
          d: { oneOf: [{ type: 'string' }, { type: 'boolean' }] },
          e: { type: ['string', 'array'], items: { type: 'string' }, description: 'E' },
        },
      }),
    ).toMatchInlineSnapshot(`
      {
        "properties": {
          "a": {
            "nullable": true,
            "type": "integer",
          },
          "b": {
            "description": "B",
            "nullable": true,
            "type": "string",
          },
          "c": {
            "anyOf": [
              {
                "type": "string",
              },
              {
                "type": "number",
              },
            ],
            "nullable": true,
          },
          "d": {
            "anyOf": [
              {
                "type": "string",
              },
              {
                "type": "boolean",
              },
            ],
          },
          "e": {
            "anyOf": [
              {
                "type": "string",
              },
              {
                "items": {
                  "type": "string",
                },
                "type": "array",
              },
            ],
            "description": "E",
          },
        },
        "type": "object",
      }
    `);
  });

  it('keeps nested free-form objects as bare objects and filters required names', () => {
    expect(
      convertJsonSchemaToGemini({
        type: 'object',
        properties: {
          options: { type: 'object', additionalProperties: true },
          meta: { type: 'object', properties: {}, required: ['x'] },
        },
        required: ['options', 'meta', 'ghost'],
      }),
    ).toEqual({
      type: 'object',
      properties: { options: { type: 'object' }, meta: { type: 'object' } },
      required: ['options', 'meta'],
    });
  });

  it('infers missing types and strips keywords of other types', () => {
    expect(
      convertJsonSchemaToGemini({
        properties: {
          nested: { properties: { id: { type: 'string' } }, required: ['id'] },
          list: { items: { type: 'number' } },
          color: { enum: ['red', 'green'] },
          name: { type: 'string', properties: { x: { type: 'string' } }, items: { type: 'string' } },
        },
      }),
    ).toMatchInlineSnapshot(`
      {
        "properties": {
          "color": {
            "enum": [
              "red",
              "green",
            ],
            "type": "string",
          },
          "list": {
            "items": {
              "type": "number",
            },
            "type": "array",
          },
          "name": {
            "type": "string",
          },
          "nested": {
            "properties": {
              "id": {
                "type": "string",
              },
            },
            "required": [
              "id",
            ],
            "type": "object",
          },
        },
        "type": "object",
      }
    `);
  });

  it('moves enum and const of non-string types into the description', () => {
    expect(
      convertJsonSchemaToGemini({
        type: 'object',
        properties: {
          level: { type: 'integer', enum: [1, 2, 3], description: 'Level.' },
          kind: { const: 'fixed' },
          flag: { type: 'boolean', const: true },
        },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        level: { type: 'integer', description: 'Level. Allowed values: 1, 2, 3.' },
        kind: { type: 'string', enum: ['fixed'] },
        flag: { type: 'boolean', description: 'Allowed values: true.' },
      },
    });
  });

  it('inlines $ref definitions and cuts recursion', () => {
    expect(
      convertJsonSchemaToGemini({
        type: 'object',
        properties: {
          owner: { $ref: '#/definitions/person', description: 'The owner' },
          tree: { $ref: '#/$defs/node' },
        },
        definitions: { person: { type: 'object', properties: { name: { type: 'string' } } } },
        $defs: {
          node: { type: 'object', properties: { value: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/node' } } } },
        },
      }),
    ).toMatchInlineSnapshot(`
      {
        "properties": {
          "owner": {
            "description": "The owner",
            "properties": {
              "name": {
                "type": "string",
              },
            },
            "type": "object",
          },
          "tree": {
            "properties": {
              "children": {
                "items": {
                  "type": "object",
                },
                "type": "array",
              },
              "value": {
                "type": "string",
              },
            },
            "type": "object",
          },
        },
        "type": "object",
      }
    `);
  });

  it('merges allOf branches', () => {
    expect(
      convertJsonSchemaToGemini({
        allOf: [
          { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
          { type: 'object', properties: { b: { type: 'number' } }, required: ['b'], additionalProperties: false },
        ],
        description: 'Both',
      }),
    ).toEqual({
      description: 'Both',
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'number' } },
      required: ['a', 'b'],
    });
  });
});
