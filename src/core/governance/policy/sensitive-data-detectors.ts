import { isLuhnValid } from '../../redaction/checksums.js';
import {
  IP_ADDRESS_DETECTOR,
  PERSONAL_DATA_DETECTORS,
  SECRET_DETECTORS,
  type SensitiveDataDetector,
} from '../../redaction/detectors.js';
import {
  isAadhaarValid,
  isFrenchNirValid,
  isGermanTaxIdValid,
  isSpanishDniValid,
  isUkNationalInsuranceNumberValid,
} from './national-id-checksums.js';
import type { SensitiveDataKind } from './sensitive-data-kinds.js';

/**
 * One detector the governance scanner runs: the redactor's detector shape with the governance kind
 * and a cheaper pre-check on the number of digits in the text.
 */
export interface PolicyDetector {
  readonly kind: SensitiveDataKind;
  readonly name: string;
  /** Global pattern, written to be linear (bounded repetitions, literal or boundary anchors). */
  readonly pattern: RegExp;
  readonly validate?: (match: string) => boolean;
  /** The pattern only runs on text containing one of these substrings. */
  readonly anyOf?: readonly string[];
  /** The pattern only runs on text with at least this many ASCII digits. */
  readonly minDigits?: number;
  /** …and with a run of at least this many digits joined by single spaces or dashes (`4111 1111-1111`). */
  readonly minDigitGroup?: number;
  /** …and with at least this many digits in a row. */
  readonly minConsecutiveDigits?: number;
}

/**
 * National identifiers the redactor lacks. Each has a check digit or structural rule except the UK
 * NI number, whose letter rules (first letter not D F I Q U V, second not D F I O Q U V, suffix
 * A–D) make a random match rare.
 */
export const NATIONAL_ID_DETECTORS: readonly PolicyDetector[] = [
  {
    kind: 'national_id',
    name: 'fr-nir',
    // Sex (1, 2, or 3/7/8 for provisional numbers), year, month, department (or 2A/2B), commune, order, key.
    pattern: /\b[12378] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}\b/g,
    validate: isFrenchNirValid,
    minDigits: 13,
    // Corsican 2A/2B splits the run; the commune, order and key still make 8 digits.
    minDigitGroup: 8,
  },
  {
    kind: 'national_id',
    name: 'in-aadhaar',
    pattern: /\b[2-9]\d{3}([ -]?)\d{4}\1\d{4}\b/g,
    validate: isAadhaarValid,
    minDigits: 12,
    minDigitGroup: 12,
  },
  {
    kind: 'national_id',
    name: 'de-tax-id',
    // Compact, or grouped 2-3-3-3 as printed on tax notices.
    pattern: /\b[1-9](?:\d{10}|\d ?\d{3} ?\d{3} ?\d{3})\b/g,
    validate: isGermanTaxIdValid,
    minDigits: 11,
    minDigitGroup: 11,
  },
  {
    kind: 'national_id',
    name: 'es-dni-nie',
    pattern: /\b(?:\d{8}|[XYZ]\d{7})[- ]?[TRWAGMYFPDXBNJZSQVHLCKE]\b/g,
    validate: isSpanishDniValid,
    minDigits: 7,
    minConsecutiveDigits: 7,
  },
  {
    kind: 'national_id',
    name: 'uk-ni-number',
    pattern: /\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g,
    validate: isUkNationalInsuranceNumberValid,
    minDigits: 6,
    minDigitGroup: 6,
  },
];

/**
 * Digit pre-checks for the redaction detectors, so prose skips them: a card needs 13 digits joined
 * by single spaces or dashes, an SSN 9. An IBAN's longest such group is at least 4 (`GB82 WEST 1234…`);
 * phone numbers may wrap groups in parentheses, so only their total is checked.
 */
const REDACTION_DIGIT_CHECKS: Readonly<Record<string, Pick<PolicyDetector, 'minDigits' | 'minDigitGroup'>>> = {
  'payment-card': { minDigits: 13, minDigitGroup: 13 },
  iban: { minDigits: 4, minDigitGroup: 4 },
  'us-ssn': { minDigits: 9, minDigitGroup: 9 },
  phone: { minDigits: 7 },
  ipv4: { minDigits: 4 },
};

/**
 * Payment card numbers start with major industry identifier 2–6 (Mastercard 2-series, Amex/JCB/Diners,
 * Visa, Mastercard/Maestro, Discover/UnionPay; ISO/IEC 7812). Without this, one long number in ten
 * passes Luhn: all-zero hex dumps, long decimals and big results in maths answers raised requests
 * to restricted in a survey of 23 MB of benign prompts and answers.
 */
const isPlausibleCardNumber = (match: string): boolean => {
  const first = match.charCodeAt(0);
  return first >= 50 && first <= 54 && isLuhnValid(match);
};

const VALIDATE_OVERRIDES: Readonly<Record<string, (match: string) => boolean>> = {
  'payment-card': isPlausibleCardNumber,
};

function fromRedaction(detector: SensitiveDataDetector): PolicyDetector {
  const kind: SensitiveDataKind = detector.kind === 'ssn' ? 'national_id' : detector.kind;
  // A private copy of the pattern: a global RegExp carries `lastIndex`, shared state with the redactor.
  const pattern = new RegExp(detector.pattern.source, detector.pattern.flags);
  return {
    kind,
    name: detector.name,
    pattern,
    ...(detector.validate ? { validate: VALIDATE_OVERRIDES[detector.name] ?? detector.validate } : {}),
    ...(detector.anyOf ? { anyOf: detector.anyOf } : {}),
    ...REDACTION_DIGIT_CHECKS[detector.name],
  };
}

const byName = (name: string): SensitiveDataDetector => {
  const detector = PERSONAL_DATA_DETECTORS.find((candidate) => candidate.name === name);
  if (!detector) throw new Error(`redaction detector '${name}' is missing`);
  return detector;
};

/**
 * Every detector, in the order that settles overlaps (the first to claim a span keeps it):
 * secrets first (a JWT or PEM block holds number-like runs), then email, identifiers with strong
 * checks (INSEE's mod 97 before a card's Luhn), cards and IBANs, then the loose shapes (SSN, phone).
 */
export const POLICY_DETECTORS: readonly PolicyDetector[] = [
  ...SECRET_DETECTORS.map(fromRedaction),
  fromRedaction(byName('email')),
  ...NATIONAL_ID_DETECTORS,
  fromRedaction(byName('payment-card')),
  fromRedaction(byName('iban')),
  fromRedaction(byName('us-ssn')),
  fromRedaction(byName('phone')),
  fromRedaction(IP_ADDRESS_DETECTOR),
];
