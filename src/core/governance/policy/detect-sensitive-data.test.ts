import { describe, expect, it } from 'vitest';
import type { ChatCall } from '../../../spec/chat-call.js';
import { createSensitiveDataScanner, detectSensitiveData } from './detect-sensitive-data.js';

// Fake credentials, assembled at run time so secret scanners do not flag this file.
const openAIKey = ['sk', 'proj', 'Ab3dEf6hIj9kLm2nOp5qRs8tUv1w'].join('-');

const userCall = (...texts: string[]): ChatCall => ({
  messages: texts.map((text) => ({ role: 'user' as const, content: [{ type: 'text' as const, text }] })),
});
const scanText = (text: string) => createSensitiveDataScanner().scanText(text);

describe('detectSensitiveData', () => {
  it.each([
    ['email', 'write to jane.doe@example.com today'],
    ['phone', 'call +44 20 7946 0958 after lunch'],
    ['card', 'card 4111 1111 1111 1111 was charged'],
    ['iban', 'refund to GB82 WEST 1234 5698 7654 32 please'],
    ['secret', `the key is ${openAIKey}`],
    ['national_id', 'SSN 123-45-6789'],
    ['national_id', 'NI number AB 12 34 56 C'],
    ['national_id', 'numéro de sécurité sociale 2 55 08 14 168 025 38'],
    ['national_id', 'Steuer-IdNr 86095742719'],
    ['national_id', 'DNI 12345678Z, NIE X1234567L'],
    ['national_id', 'Aadhaar 2345 6789 0124'],
  ])('finds %s in %j', (kind, text) => {
    const findings = scanText(text);
    expect(findings.map((finding) => finding.kind)).toEqual([kind]);
  });

  it.each([
    ['a Luhn-invalid card-length number', 'order 4111 1111 1111 1112 shipped'],
    ['an IBAN shape with a wrong checksum', 'ref GB82 WEST 1234 5698 7654 33'],
    ['a DNI shape with the wrong letter', 'code 12345678A'],
    ['an NIR shape with the wrong key', 'ref 2 55 08 14 168 025 39'],
    ['a tax-id shape with the wrong check digit', 'invoice 86095742718'],
    ['an Aadhaar shape failing Verhoeff', 'ticket 2345 6789 0125'],
    ['an unissued NI prefix', 'code GB 12 34 56 C'],
    ['a Luhn-valid run of zeros (hex dump)', '0010: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00'],
    ['a long decimal', '0.000000032768/5 = 0.00000000654368'],
    ['a Luhn-valid number outside card issuer ranges', 'the answer is 11111110111339768'],
    ['plain prose, versions and dates', 'Revenue grew 12% to $4.2M in version 2.7.1 released 2024-03-18.'],
  ])('ignores %s', (_name, text) => {
    expect(scanText(text)).toEqual([]);
  });

  it('counts per kind over every message, tool call, tool result and reasoning, without values', () => {
    const call: ChatCall = {
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Support agent. Escalate to ops@example.com.' }] },
        { role: 'user', content: [{ type: 'text', text: 'My card 4111 1111 1111 1111, mail me at jane@example.com' }, { type: 'image', url: 'https://example.com/a@b.png' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'user gave 5555 5555 5555 4444 too' },
            { type: 'tool-call', toolCallId: 'call_1', toolName: 'lookup', input: '{"email":"jane@example.com"}' },
          ],
        },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', output: '{"iban":"DE89370400440532013000"}' }] },
      ],
    };
    const findings = detectSensitiveData(call);
    expect(findings).toEqual([
      { kind: 'email', count: 3 },
      { kind: 'card', count: 2 },
      { kind: 'iban', count: 1 },
    ]);
    expect(JSON.stringify(findings)).not.toMatch(/example|4111|DE89/);
  });

  it('counts a span once: a card number inside a bearer token is the secret only', () => {
    const bearer = 'Authorization: Bearer 4111-1111-1111-1111-abcdefgh';
    expect(createSensitiveDataScanner(['card']).scanText(bearer)).toEqual([{ kind: 'card', count: 1 }]);
    expect(scanText(bearer)).toEqual([{ kind: 'secret', count: 1 }]);
  });

  it('looks only for the kinds it was built with', () => {
    const scanner = createSensitiveDataScanner(['card']);
    expect(scanner.scanText('jane@example.com 4111 1111 1111 1111')).toEqual([{ kind: 'card', count: 1 }]);
    expect(createSensitiveDataScanner([]).scan(userCall('4111 1111 1111 1111'))).toEqual([]);
  });

  it('stops early on a kind in stopOn and says the counts are partial', () => {
    const scanner = createSensitiveDataScanner();
    const call = userCall('4111 1111 1111 1111 and 5555 5555 5555 4444', 'jane@example.com');
    expect(scanner.scanUntil(call, new Set(['card']))).toEqual({ findings: [{ kind: 'card', count: 1 }], complete: false });
    expect(scanner.scanUntil(call, new Set(['secret']))).toEqual({
      findings: [
        { kind: 'email', count: 1 },
        { kind: 'card', count: 2 },
      ],
      complete: true,
    });
    expect(scanner.containsSensitiveData(call)).toBe(true);
    expect(scanner.containsSensitiveData(userCall('nothing to see here'))).toBe(false);
  });

  it('does not match IP addresses unless asked', () => {
    expect(scanText('host 10.1.2.3')).toEqual([]);
    expect(createSensitiveDataScanner(['ip']).scanText('host 10.1.2.3')).toEqual([{ kind: 'ip', count: 1 }]);
  });

  it('is repeatable: the shared global patterns are left reset', () => {
    const text = 'a 4111 1111 1111 1111 b 5555 5555 5555 4444';
    expect(scanText(text)).toEqual(scanText(text));
  });
});
