import { describe, expect, it } from 'vitest';
import { createRedactor, redactText, redactValue } from './redactor.js';

const openAIKey = ['sk', 'Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy'].join('-');

describe('redactText', () => {
  it('returns the input itself and no findings when nothing matches', () => {
    const text = 'A perfectly ordinary prompt about 42 apples.';
    const result = redactText(text);
    expect(result.text).toBe(text);
    expect(result.findings).toEqual([]);
  });

  it('counts findings by kind, secrets before personal data', () => {
    const result = redactText(`mail a@b.io and c@d.io my key ${openAIKey}, SSN 123-45-6789`);
    expect(result.text).toBe('mail [EMAIL] and [EMAIL] my key [SECRET], SSN [SSN]');
    expect(result.findings).toEqual([
      { kind: 'secret', count: 1 },
      { kind: 'email', count: 2 },
      { kind: 'ssn', count: 1 },
    ]);
  });

  it('gives the same answer on repeated calls (patterns are shared, their state is reset)', () => {
    const text = 'x a@b.io y a@b.io';
    expect(redactText(text).text).toBe(redactText(text).text);
  });

  it('handles long unmatched runs without blowing up', () => {
    const text = `${'a.'.repeat(50_000)}@ ${'1 '.repeat(50_000)} ${'+1'.repeat(10_000)}`;
    expect(redactText(text).text).toBe(text);
  });
});

describe('redactValue', () => {
  it('redacts every string of nested JSON and keeps keys, numbers and booleans', () => {
    const value = {
      'jane@example.com': 'key stays',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'I am jane@example.com' }] },
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'pay', input: `{"card":"4111 1111 1111 1111","token":"${openAIKey}"}` }] },
      ],
      temperature: 0.2,
      stream: true,
      nothing: null,
    };
    const result = redactValue(value);
    expect(result.value).toEqual({
      'jane@example.com': 'key stays',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'I am [EMAIL]' }] },
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'pay', input: '{"card":"[CARD]","token":"[SECRET]"}' }] },
      ],
      temperature: 0.2,
      stream: true,
      nothing: null,
    });
    expect(result.findings).toEqual([
      { kind: 'secret', count: 1 },
      { kind: 'email', count: 1 },
      { kind: 'card', count: 1 },
    ]);
    // The input is not modified.
    expect(value.messages[0]!.content[0]).toEqual({ type: 'text', text: 'I am jane@example.com' });
  });

  it('copies only the branches that changed', () => {
    const clean = { a: [1, 'two'], b: { c: 'three' } };
    expect(redactValue(clean).value).toBe(clean);
    const mixed = { clean: { c: 'three' }, dirty: ['x@y.io'] };
    const result = redactValue(mixed).value;
    expect(result).not.toBe(mixed);
    expect(result.clean).toBe(mixed.clean);
    expect(result.dirty).toEqual(['[EMAIL]']);
  });

  it('passes primitives through', () => {
    expect(redactValue(42).value).toBe(42);
    expect(redactValue('x@y.io').value).toBe('[EMAIL]');
    expect(redactValue(undefined).value).toBeUndefined();
  });
});

describe('createRedactor', () => {
  it('runs a custom detector table, honouring validate and the keep group', () => {
    const redactor = createRedactor([
      { kind: 'secret', name: 'ticket', pattern: /(?<keep>ticket=)\d+/g, validate: (match) => !match.endsWith('0') },
    ]);
    expect(redactor.redactText('ticket=123 ticket=120').text).toBe('ticket=[SECRET] ticket=120');
  });

  it('refuses a pattern without the g flag', () => {
    expect(() => createRedactor([{ kind: 'email', name: 'bad', pattern: /@/ }])).toThrow(/global/);
  });
});
