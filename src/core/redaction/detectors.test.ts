import { describe, expect, it } from 'vitest';
import { isIbanValid, isLuhnValid } from './checksums.js';
import { IP_ADDRESS_DETECTOR, SECRET_DETECTORS, PERSONAL_DATA_DETECTORS } from './detectors.js';
import { createRedactor, redactText } from './redactor.js';

const redacted = (text: string) => redactText(text).text;

// Fake credentials, assembled at run time so secret scanners do not flag this file.
const openAIKey = ['sk', 'proj', 'Ab3dEf6hIj9kLm2nOp5qRs8tUv1w'].join('-');
const anthropicKey = ['sk', 'ant', 'api03', 'Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe'].join('-');
const awsKey = 'AKIA' + 'IOSFODNN7EXAMPLE';
const githubToken = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
const googleKey = 'AIza' + 'SyD-1234567890abcdefghijklmnopqrstu';
const slackToken = 'xoxb-' + '123456789012-abcdefGHIJKL';
const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
const pem = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEA7bq3Yx', 'q9Nf0+/bXkZ==', '-----END RSA PRIVATE KEY-----'].join('\n');

describe('checksums', () => {
  it('accepts Luhn-valid card numbers of 13–19 digits, with spaces or dashes', () => {
    expect(isLuhnValid('4111 1111 1111 1111')).toBe(true);
    expect(isLuhnValid('4111-1111-1111-1111')).toBe(true);
    expect(isLuhnValid('378282246310005')).toBe(true); // Amex, 15 digits
    expect(isLuhnValid('4111 1111 1111 1112')).toBe(false);
    expect(isLuhnValid('0000 0000 00')).toBe(false); // Luhn-valid but too short
    expect(isLuhnValid('4111x1111')).toBe(false);
  });

  it('accepts IBANs whose mod-97 remainder is 1', () => {
    expect(isIbanValid('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(isIbanValid('DE89370400440532013000')).toBe(true);
    expect(isIbanValid('FR1420041010050500013M02606')).toBe(true);
    expect(isIbanValid('GB82 WEST 1234 5698 7654 33')).toBe(false);
    expect(isIbanValid('DE89 3704')).toBe(false);
  });
});

describe('secret detectors', () => {
  it.each([
    ['OpenAI key', openAIKey],
    ['Anthropic key', anthropicKey],
    ['AWS access key', awsKey],
    ['GitHub token', githubToken],
    ['Google API key', googleKey],
    ['Slack token', slackToken],
    ['JWT', jwt],
  ])('replaces an %s with [SECRET]', (_name, secret) => {
    const result = redactText(`use ${secret} please`);
    expect(result.text).toBe('use [SECRET] please');
    expect(result.findings).toEqual([{ kind: 'secret', count: 1 }]);
  });

  it('keeps the word Bearer and replaces its token', () => {
    expect(redacted('Authorization: Bearer abcdefghijklmnop1234567890._-')).toBe('Authorization: Bearer [SECRET]');
    expect(redacted(`Authorization: Bearer ${jwt}`)).toBe('Authorization: Bearer [SECRET]');
  });

  it('replaces a whole PEM private key block, even one cut before its END line', () => {
    expect(redacted(`key:\n${pem}\nthanks`)).toBe('key:\n[SECRET]\nthanks');
    expect(redacted('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEF')).toBe('[SECRET]');
    expect(redacted('-----BEGIN PUBLIC KEY-----\nMIIBIjANBg\n-----END PUBLIC KEY-----')).toContain('MIIBIjANBg');
  });

  it('leaves look-alikes alone', () => {
    for (const text of ['sk-learn is a library', 'the task-abcdefghijklmnopqrstuvwxyz id', 'AKIA is short', 'ghp_short', 'a bearer of good news', 'eyJ alone']) {
      expect(redacted(text)).toBe(text);
    }
  });
});

describe('personal data detectors', () => {
  it('replaces emails inside text', () => {
    const result = redactText('Write to jane.doe+work@mail.example.co.uk or ops@corp.io.');
    expect(result.text).toBe('Write to [EMAIL] or [EMAIL].');
    expect(result.findings).toEqual([{ kind: 'email', count: 2 }]);
    expect(redacted('@mention and user@localhost stay')).toBe('@mention and user@localhost stay');
  });

  it('replaces Luhn-valid card numbers only', () => {
    expect(redacted('card 4111 1111 1111 1111 exp 12/29')).toBe('card [CARD] exp 12/29');
    expect(redacted('card 5500-0000-0000-0004')).toBe('card [CARD]');
    expect(redacted('order 4111 1111 1111 1112')).toBe('order 4111 1111 1111 1112');
    expect(redacted('tracking 1234567890123')).toBe('tracking 1234567890123');
  });

  it('replaces mod-97-valid IBANs only', () => {
    expect(redacted('pay GB82 WEST 1234 5698 7654 32 today')).toBe('pay [IBAN] today');
    expect(redacted('pay DE89370400440532013000.')).toBe('pay [IBAN].');
    expect(redacted('pay GB82 WEST 1234 5698 7654 33 today')).toBe('pay GB82 WEST 1234 5698 7654 33 today');
  });

  it('replaces US social security numbers, not impossible ones', () => {
    expect(redacted('SSN 123-45-6789.')).toBe('SSN [SSN].');
    for (const text of ['000-12-3456', '666-12-3456', '900-12-3456', '123-00-6789', '123-45-0000', '2024-01-15']) expect(redacted(text)).toBe(text);
  });

  it('replaces phone numbers in common formats, not dates, versions or bare numbers', () => {
    for (const phone of ['+1 (202) 555-0143', '+44 20 7946 0958', '+4915123456789', '(202) 555-0143', '202-555-0143', '202.555.0143', '020 7946 0958']) {
      expect(redacted(`call ${phone} now`), phone).toBe('call [PHONE] now');
    }
    for (const text of ['on 2024-01-15 at 10:30', 'version 1.2.3', 'id 20245550143', 'year 2024', 'score +12']) expect(redacted(text)).toBe(text);
  });

  it('redacts IP addresses only with the opt-in detector', () => {
    const withIp = createRedactor([...SECRET_DETECTORS, ...PERSONAL_DATA_DETECTORS, IP_ADDRESS_DETECTOR]);
    expect(withIp.redactText('from 192.168.10.254 via 10.0.0.1').text).toBe('from [IP] via [IP]');
    expect(withIp.redactText('not 256.1.1.1').text).toBe('not 256.1.1.1');
    expect(redacted('from 192.168.10.254')).toBe('from 192.168.10.254');
  });
});
