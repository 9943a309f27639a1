import { isIbanValid, isLuhnValid } from './checksums.js';

/** What a detector finds; the placeholder is the kind in capitals (`[EMAIL]`, `[SECRET]`, …). */
export type SensitiveKind = 'email' | 'phone' | 'card' | 'iban' | 'secret' | 'ssn' | 'ip';

/**
 * One detector of the table the redactor (and the governance sensitive-data check) runs.
 * Patterns are global regular expressions written to be linear: every repetition that could
 * backtrack is bounded, and each starts on a literal or a word boundary.
 */
export interface SensitiveDataDetector {
  readonly kind: SensitiveKind;
  /** A short name for tests and reports (`openai-key`, `pem-private-key`, …). */
  readonly name: string;
  /** Must have the `g` flag. A named group `keep` stays in place before the placeholder (`Bearer `). */
  readonly pattern: RegExp;
  /** A checksum or sanity check on the whole match; a match that fails it is left alone. */
  readonly validate?: (match: string) => boolean;
  /** Cheap pre-check: the pattern only runs on text containing one of these substrings. */
  readonly anyOf?: readonly string[];
}

const digitCount = (value: string): number => {
  let count = 0;
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code >= 48 && code <= 57) count++;
  }
  return count;
};

/**
 * Secrets come first (a PEM block or JWT contains shapes later detectors would half-match), then
 * identifiers with checksums (card, IBAN) before the looser number shapes (SSN, phone).
 */
export const SECRET_DETECTORS: readonly SensitiveDataDetector[] = [
  {
    kind: 'secret',
    name: 'pem-private-key',
    // A block cut off before its END line (a truncated paste) is still redacted to its end.
    pattern: /-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY-----(?:[\s\S]*?-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY-----|[A-Za-z0-9+/=\s]*)/g,
    anyOf: ['PRIVATE KEY-----'],
  },
  {
    kind: 'secret',
    name: 'jwt',
    pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g,
    anyOf: ['eyJ'],
  },
  {
    kind: 'secret',
    name: 'bearer-token',
    pattern: /\b(?<keep>[Bb]earer[ \t]+)[A-Za-z0-9._~+/-]{16,}=*/g,
    anyOf: ['earer'],
  },
  {
    kind: 'secret',
    // OpenAI (`sk-…`, `sk-proj-…`) and Anthropic (`sk-ant-api03-…`) keys share the prefix.
    name: 'sk-key',
    pattern: /\bsk-[A-Za-z0-9_-]{20,}/g,
    anyOf: ['sk-'],
  },
  { kind: 'secret', name: 'aws-access-key', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, anyOf: ['AKIA', 'ASIA'] },
  {
    kind: 'secret',
    name: 'github-token',
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})/g,
    anyOf: ['gh', 'github_pat_'],
  },
  { kind: 'secret', name: 'google-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}/g, anyOf: ['AIza'] },
  { kind: 'secret', name: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, anyOf: ['xox'] },
];

export const PERSONAL_DATA_DETECTORS: readonly SensitiveDataDetector[] = [
  {
    kind: 'email',
    name: 'email',
    // Bounded like RFC 5321's limits (64-char local part, 63-char labels) to stay linear.
    pattern: /\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b/g,
    anyOf: ['@'],
  },
  {
    kind: 'card',
    name: 'payment-card',
    pattern: /\b\d(?:[ -]?\d){12,18}\b/g,
    validate: isLuhnValid,
  },
  {
    kind: 'iban',
    name: 'iban',
    // Compact, or printed in groups of four as banks do.
    pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g,
    validate: isIbanValid,
  },
  {
    kind: 'ssn',
    name: 'us-ssn',
    // Area 000, 666 and 9xx, group 00 and serial 0000 are never issued.
    pattern: /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b/g,
  },
  {
    kind: 'phone',
    name: 'phone',
    // International (+CC …), North American ((555) 123-4567, 555-123-4567) and trunk-prefixed
    // national numbers (020 7946 0958). Bare digit runs are not phones: too many false positives.
    pattern:
      /(?:\+[1-9]\d{0,2}(?:[ .-]?\(?\d{1,4}\)?){2,5}|(?:\(\d{3}\)[ ]?|\b\d{3}[.-])\d{3}[.-]\d{4}|\b0\d{1,4}[ -]\d{3,4}[ -]?\d{3,4})\b/g,
    validate: (match) => {
      const digits = digitCount(match);
      return digits >= 7 && digits <= 15;
    },
  },
];

/** IPv4 addresses: opt-in, since version numbers and examples look the same. */
export const IP_ADDRESS_DETECTOR: SensitiveDataDetector = {
  kind: 'ip',
  name: 'ipv4',
  pattern: /\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b/g,
  anyOf: ['.'],
};

/** What payload capture redacts by default: secrets and personal data, not IP addresses. */
export const DEFAULT_DETECTORS: readonly SensitiveDataDetector[] = [...SECRET_DETECTORS, ...PERSONAL_DATA_DETECTORS];
