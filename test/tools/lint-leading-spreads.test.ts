import { describe, expect, it } from 'vitest';
import { findLeadingSpreads } from '../../scripts/lint-leading-spreads.js';

const lines = (source: string) => findLeadingSpreads('example.ts', source).map((found) => found.line);

describe('lint:spreads', () => {
  it('flags a literal inside a function that begins with a spread and adds a field or another spread', () => {
    const source = [
      'export function f(a: object, b: object) {',
      '  const one = { ...a, x: 1 };',
      '  const two = { ...a, ...b };',
      '  const three = {',
      '    ...a,',
      '    y: 2,',
      '  };',
      '  return [one, two, three];',
      '}',
    ].join('\n');
    expect(findLeadingSpreads('example.ts', source)).toEqual([
      { file: 'example.ts', line: 2, column: 15, text: '{ ...a, x: 1 }' },
      { file: 'example.ts', line: 3, column: 15, text: '{ ...a, ...b }' },
      { file: 'example.ts', line: 4, column: 17, text: '{ ...a, y: 2, }' },
    ]);
  });

  it('finds literals nested in arguments, arrow bodies and class methods', () => {
    const source = [
      'const g = (a: object) => ({ ...a, z: 1 });',
      'class C { m(a: object) { return call({ n: { ...a, k: 1 } }); } }',
    ].join('\n');
    expect(lines(source)).toEqual([1, 2]);
  });

  it('leaves literals that start with a plain field, a lone spread, module-level literals and allowed ones', () => {
    const source = [
      'const DEFAULTS = { ...BASE, extra: 1 };',
      'export function f(a: object) {',
      '  const plainFirst = { x: 1, ...a };',
      '  const clone = { ...a };',
      '  // leading spread: a rare path, measured',
      '  const allowed = { ...a, y: 2 };',
      '  return [plainFirst, clone, allowed, DEFAULTS];',
      '}',
    ].join('\n');
    expect(lines(source)).toEqual([]);
  });
});
