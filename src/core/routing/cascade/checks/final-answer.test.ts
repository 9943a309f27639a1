import { describe, expect, it } from 'vitest';
import { extractFinalAnswer, normalizeText } from './final-answer.js';

describe('extractFinalAnswer', () => {
  it('prefers the last "answer" JSON field', () => {
    expect(extractFinalAnswer('{"reasoning": "3 + 4 = 7, then 7 * 2 = 14", "answer": 14}')).toEqual({ source: 'json-answer', value: '14' });
    expect(extractFinalAnswer('draft {"answer": "12"} final {"answer": "$1,200.00"}')).toEqual({ source: 'json-answer', value: '1200' });
    expect(extractFinalAnswer('{"answer": "  Paris. "}')).toEqual({ source: 'json-answer', value: 'paris' });
  });

  it('then the last \\boxed{} with nested braces, normalising LaTeX spellings', () => {
    expect(extractFinalAnswer('First guess \\boxed{3}; corrected, x = 3 and the result is \\boxed{\\dfrac{1}{2}}.')).toEqual({ source: 'boxed', value: '\\frac{1}{2}' });
    expect(extractFinalAnswer('\\boxed{18.00}')).toEqual({ source: 'boxed', value: '18' });
    expect(extractFinalAnswer('\\boxed{\\frac{1}{2}')).toEqual({ source: 'number', value: '2' });
  });

  it('then the last number, ignoring thousands separators and dates glued by hyphens', () => {
    expect(extractFinalAnswer('Janet sells 16 - 3 - 4 = 9 eggs, so she makes 9 * 2 = $18.')).toEqual({ source: 'number', value: '18' });
    expect(extractFinalAnswer('Total: 1,234,567.50 dollars')).toEqual({ source: 'number', value: '1234567.5' });
    expect(extractFinalAnswer('The temperature fell to -4 degrees')).toEqual({ source: 'number', value: '-4' });
    expect(extractFinalAnswer('released on 2024-08-06')).toEqual({ source: 'number', value: '6' });
  });

  it('else the normalised text', () => {
    expect(extractFinalAnswer('  The Eiffel   Tower.')).toEqual({ source: 'text', value: 'the eiffel tower' });
  });

  it('makes equivalent final answers equal and different ones unequal', () => {
    const same = (first: string, second: string) => extractFinalAnswer(first).value === extractFinalAnswer(second).value;
    expect(same('She has 18 dollars left.', 'Step by step: 16 - 3 - 4 = 9; 9 × 2 = 18.00')).toBe(true);
    expect(same('The answer is 18.', 'The answer is 19.')).toBe(false);
    expect(same('{"answer": 5}', 'I think it is \\boxed{5}')).toBe(true);
  });
});

describe('normalizeText', () => {
  it('lower-cases, collapses whitespace and strips surrounding punctuation', () => {
    expect(normalizeText('  "Hello,\n  World!"  ')).toBe('hello, world');
  });
});
