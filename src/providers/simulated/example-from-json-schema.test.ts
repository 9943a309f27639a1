import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../spec/chat-call.js';
import { exampleFromJsonSchema } from './example-from-json-schema.js';

describe('exampleFromJsonSchema', () => {
  it('fills required properties only, with the simple values', () => {
    const schema: JsonObject = {
      type: 'object',
      properties: {
        city: { type: 'string' },
        days: { type: 'integer' },
        celsius: { type: 'boolean' },
        unit: { type: 'string', enum: ['metric', 'imperial'] },
        ratio: { type: 'number' },
        optional: { type: 'string' },
      },
      required: ['city', 'days', 'celsius', 'unit', 'ratio'],
    };
    expect(exampleFromJsonSchema(schema)).toEqual({ city: 'example', days: 1, celsius: true, unit: 'metric', ratio: 1 });
  });

  it('recurses into nested objects, arrays with minItems, nullable types and unions', () => {
    const schema: JsonObject = {
      type: 'object',
      properties: {
        address: { type: 'object', properties: { street: { type: 'string' } }, required: ['street'] },
        tags: { type: 'array', items: { type: 'string' }, minItems: 2 },
        empty: { type: 'array', items: { type: 'string' } },
        note: { type: ['null', 'string'] },
        either: { anyOf: [{ type: 'null' }, { type: 'integer' }] },
        fixed: { const: 'v2' },
      },
      required: ['address', 'tags', 'empty', 'note', 'either', 'fixed'],
      additionalProperties: false,
    };
    expect(exampleFromJsonSchema(schema)).toEqual({
      address: { street: 'example' },
      tags: ['example', 'example'],
      empty: [],
      note: 'example',
      either: 1,
      fixed: 'v2',
    });
  });

  it('respects numeric bounds and string lengths and formats', () => {
    expect(exampleFromJsonSchema({ type: 'integer', minimum: 5 })).toBe(5);
    expect(exampleFromJsonSchema({ type: 'integer', exclusiveMinimum: 5 })).toBe(6);
    expect(exampleFromJsonSchema({ type: 'number', maximum: 0.5 })).toBe(0.5);
    expect(exampleFromJsonSchema({ type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 })).toBe(0.5);
    expect(exampleFromJsonSchema({ type: 'integer', minimum: -3, maximum: -1 })).toBe(-3);
    expect(exampleFromJsonSchema({ type: 'string', minLength: 10 })).toHaveLength(10);
    expect(exampleFromJsonSchema({ type: 'string', maxLength: 3 })).toBe('exa');
    expect(exampleFromJsonSchema({ type: 'string', format: 'date-time' })).toBe('2025-01-01T00:00:00Z');
  });

  it('resolves local $refs and stops on recursive ones', () => {
    const schema: JsonObject = {
      type: 'object',
      properties: { owner: { $ref: '#/$defs/person' } },
      required: ['owner'],
      $defs: {
        person: {
          type: 'object',
          properties: { name: { type: 'string' }, manager: { $ref: '#/$defs/person' } },
          required: ['name', 'manager'],
        },
      },
    };
    const example = exampleFromJsonSchema(schema);
    expect(example).toMatchObject({ owner: { name: 'example', manager: { name: 'example' } } });
    expect(JSON.stringify(example).length).toBeLessThan(2000);
  });

  it('merges allOf objects and uses defaults', () => {
    expect(
      exampleFromJsonSchema({
        allOf: [
          { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
          { type: 'object', properties: { b: { type: 'integer', default: 7 } }, required: ['b'] },
        ],
      }),
    ).toEqual({ a: 'example', b: 7 });
  });

  it('gives null for schemas it cannot read', () => {
    expect(exampleFromJsonSchema({})).toBeNull();
    expect(exampleFromJsonSchema('not a schema')).toBeNull();
  });
});
