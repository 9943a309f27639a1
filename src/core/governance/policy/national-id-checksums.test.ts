import { describe, expect, it } from 'vitest';
import {
  isAadhaarValid,
  isFrenchNirValid,
  isGermanTaxIdValid,
  isSpanishDniValid,
  isUkNationalInsuranceNumberValid,
  isVerhoeffValid,
} from './national-id-checksums.js';

describe('national id checksums', () => {
  it('checks the French NIR key (97 − n mod 97), with Corsican 2A/2B and month codes', () => {
    expect(isFrenchNirValid('2 55 08 14 168 025 38')).toBe(true);
    expect(isFrenchNirValid('185052A00608435')).toBe(true);
    expect(isFrenchNirValid('2 55 08 14 168 025 39')).toBe(false); // wrong key
    expect(isFrenchNirValid('2 55 18 14 168 025 38')).toBe(false); // month 18 does not exist
    expect(isFrenchNirValid('2 55 08 14 168 025')).toBe(false); // too short
  });

  it('checks the German tax id: MOD 11,10 check digit and exactly one repeated digit', () => {
    expect(isGermanTaxIdValid('86095742719')).toBe(true);
    expect(isGermanTaxIdValid('47 036 892 816')).toBe(true);
    expect(isGermanTaxIdValid('86095742718')).toBe(false); // wrong check digit
    expect(isGermanTaxIdValid('06095742719')).toBe(false); // leading zero
    expect(isGermanTaxIdValid('11223344556')).toBe(false); // several repeated digits
    expect(isGermanTaxIdValid('12345678903')).toBe(false); // no repeated digit (old-style) and wrong check
  });

  it('checks the Spanish DNI/NIE letter (number mod 23)', () => {
    expect(isSpanishDniValid('12345678Z')).toBe(true);
    expect(isSpanishDniValid('12345678-Z')).toBe(true);
    expect(isSpanishDniValid('X1234567L')).toBe(true);
    expect(isSpanishDniValid('Y7654321G')).toBe(true);
    expect(isSpanishDniValid('12345678A')).toBe(false);
    expect(isSpanishDniValid('X1234567A')).toBe(false);
  });

  it('checks Verhoeff and Aadhaar (12 digits, not starting with 0 or 1)', () => {
    expect(isVerhoeffValid('2363')).toBe(true);
    expect(isVerhoeffValid('2364')).toBe(false);
    expect(isAadhaarValid('2345 6789 0124')).toBe(true);
    expect(isAadhaarValid('2345 6789 0125')).toBe(false);
    expect(isAadhaarValid('2345 6789 0142')).toBe(false); // adjacent transposition caught
    expect(isAadhaarValid('1234 5678 9012')).toBe(false);
  });

  it('rejects UK NI prefixes that are never issued', () => {
    expect(isUkNationalInsuranceNumberValid('AB 12 34 56 C')).toBe(true);
    expect(isUkNationalInsuranceNumberValid('GB 12 34 56 C')).toBe(false);
    expect(isUkNationalInsuranceNumberValid('TN123456A')).toBe(false);
  });
});
