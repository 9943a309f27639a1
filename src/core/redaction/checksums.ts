/**
 * Checksums that turn "looks like a card number / IBAN" into "is one": without them every long
 * order number or reference would be redacted.
 */

/**
 * Luhn (mod 10) check over the digits of `value`, ignoring spaces and dashes. True only for
 * 13–19 digits, the length range of payment card numbers (ISO/IEC 7812).
 * @see https://en.wikipedia.org/wiki/Luhn_algorithm
 */
export function isLuhnValid(value: string): boolean {
  let sum = 0;
  let digits = 0;
  // Walk from the right so the doubling position does not depend on the length.
  for (let index = value.length - 1; index >= 0; index--) {
    const code = value.charCodeAt(index);
    if (code === 32 || code === 45) continue;
    if (code < 48 || code > 57) return false;
    let digit = code - 48;
    if (digits % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    digits++;
  }
  return digits >= 13 && digits <= 19 && sum % 10 === 0;
}

/**
 * ISO 13616 IBAN check: move the first four characters to the end, map letters to 10–35 and
 * require the number mod 97 to be 1. Computed digit by digit, so no BigInt is needed.
 * Spaces are ignored; lengths outside 15–34 are rejected.
 * @see https://en.wikipedia.org/wiki/International_Bank_Account_Number#Validating_the_IBAN
 */
export function isIbanValid(value: string): boolean {
  let compact = '';
  for (let index = 0; index < value.length; index++) {
    const character = value[index]!;
    if (character !== ' ') compact += character;
  }
  if (compact.length < 15 || compact.length > 34) return false;
  let remainder = 0;
  for (let step = 0; step < compact.length; step++) {
    const code = compact.charCodeAt((step + 4) % compact.length);
    if (code >= 48 && code <= 57) remainder = (remainder * 10 + (code - 48)) % 97;
    else if (code >= 65 && code <= 90) remainder = (remainder * 100 + (code - 55)) % 97;
    else return false;
  }
  return remainder === 1;
}
