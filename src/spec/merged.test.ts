import { describe, expect, it } from 'vitest';
import { merged } from './merged.js';

describe('merged', () => {
  it('gives what the spread gives: base fields, then the overrides, the later winning', () => {
    const base = { a: 1, b: 'two', c: true };
    const result = merged(base, { b: 'three', d: 4 });
    expect(result).toStrictEqual({ ...base, b: 'three', d: 4 });
    expect(Object.keys(result)).toEqual(['a', 'b', 'c', 'd']);
    // A copy: neither input changes.
    expect(base).toStrictEqual({ a: 1, b: 'two', c: true });
  });

  it('treats an undefined source as empty, as a spread does', () => {
    expect(merged(undefined, { a: 1 })).toStrictEqual({ a: 1 });
    expect(merged({ a: 1 }, undefined)).toStrictEqual({ a: 1 });
    expect(merged(undefined, undefined)).toStrictEqual({});
  });

  it('copies an override that is explicitly undefined over the base value, as a spread does', () => {
    const result = merged({ a: 1, b: 2 }, { b: undefined });
    expect(result).toStrictEqual({ a: 1, b: undefined });
    expect('b' in result).toBe(true);
  });

  it('copies own enumerable symbol keys and skips inherited and non-enumerable ones', () => {
    const tag = Symbol('tag');
    const base = Object.create({ inherited: 1 }) as Record<string | symbol, unknown>;
    base['own'] = 2;
    base[tag] = 3;
    Object.defineProperty(base, 'hidden', { value: 4, enumerable: false });
    const result = merged(base, { extra: 5 });
    expect(result).toStrictEqual({ ...base, extra: 5 });
    expect(result[tag]).toBe(3);
    expect('inherited' in result).toBe(false);
    expect('hidden' in result).toBe(false);
  });

  it("keeps a JSON body's own __proto__ key as data instead of taking it as the prototype", () => {
    const body = JSON.parse('{"__proto__": {"polluted": true}, "model": "m"}') as Record<string, unknown>;
    for (const result of [merged(body, { stream: true }), merged({ stream: true }, body)] as Record<string, unknown>[]) {
      expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
      expect(result['polluted']).toBeUndefined();
      expect(Object.hasOwn(result, '__proto__')).toBe(true);
      expect(JSON.parse(JSON.stringify(result))).toStrictEqual({ ...body, stream: true });
    }
  });

  it('gives a plain object whose fields are typed as the spread would type them', () => {
    const result = merged({ a: 1, b: 'x' }, { b: 2 });
    const b: number = result.b;
    const a: number = result.a;
    expect([a, b]).toEqual([1, 2]);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
  });
});
