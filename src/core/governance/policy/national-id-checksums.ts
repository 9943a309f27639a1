/**
 * Check digits and structural rules of national identifiers. Without them every 11- or 12-digit
 * order number would count as an identity number and push requests to self-hosted models.
 * Each function takes the matched text (spaces and dashes allowed) and works on its digits.
 */

/** The characters of `value` without spaces and dashes. */
function compact(value: string): string {
  let result = '';
  for (let index = 0; index < value.length; index++) {
    const character = value[index]!;
    if (character !== ' ' && character !== '-') result += character;
  }
  return result;
}

const digitAt = (text: string, index: number): number => text.charCodeAt(index) - 48;

/** UK National Insurance prefixes that are never issued. */
const UNISSUED_NI_PREFIXES = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

/**
 * UK National Insurance number: the letter rules are in the pattern; this rejects the prefixes
 * HMRC never allocates. There is no check digit.
 * @see https://www.gov.uk/hmrc-internal-manuals/national-insurance-manual/nim39110
 */
export function isUkNationalInsuranceNumberValid(value: string): boolean {
  return !UNISSUED_NI_PREFIXES.has(compact(value).slice(0, 2));
}

/**
 * French social security number (NIR / numéro INSEE): 13 characters and a key equal to
 * 97 − (number mod 97), Corsican departments 2A and 2B counting as 19 and 18. The month must be
 * 01–12 or one of the codes used for unknown months (20, 30–42, 50–99).
 * @see https://fr.wikipedia.org/wiki/Num%C3%A9ro_de_s%C3%A9curit%C3%A9_sociale_en_France
 */
export function isFrenchNirValid(value: string): boolean {
  const text = compact(value);
  if (text.length !== 15) return false;
  const month = digitAt(text, 3) * 10 + digitAt(text, 4);
  if (month === 0 || (month > 12 && month < 20) || (month > 20 && month < 30) || (month > 42 && month < 50)) return false;
  const department = text.slice(5, 7);
  const body = department === '2A' ? `${text.slice(0, 5)}19${text.slice(7, 13)}` : department === '2B' ? `${text.slice(0, 5)}18${text.slice(7, 13)}` : text.slice(0, 13);
  let remainder = 0;
  for (let index = 0; index < 13; index++) {
    const digit = digitAt(body, index);
    if (digit < 0 || digit > 9) return false;
    remainder = (remainder * 10 + digit) % 97;
  }
  const key = digitAt(text, 13) * 10 + digitAt(text, 14);
  return key === 97 - remainder;
}

/**
 * German tax identification number (Steuerliche Identifikationsnummer): 11 digits, no leading
 * zero; in the first ten exactly one digit repeats (twice, or three times but not three in a row)
 * and the last is an ISO 7064 MOD 11,10 check digit.
 * @see https://de.wikipedia.org/wiki/Steuerliche_Identifikationsnummer
 */
export function isGermanTaxIdValid(value: string): boolean {
  const text = compact(value);
  if (text.length !== 11 || text[0] === '0') return false;
  const counts = new Uint8Array(10);
  let product = 10;
  for (let index = 0; index < 10; index++) {
    const digit = digitAt(text, index);
    if (digit < 0 || digit > 9) return false;
    counts[digit]!++;
    let sum = (digit + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  let repeated = -1;
  for (let digit = 0; digit < 10; digit++) {
    const count = counts[digit]!;
    if (count < 2) continue;
    if (repeated !== -1 || count > 3) return false;
    repeated = digit;
  }
  if (repeated === -1) return false;
  if (counts[repeated] === 3) {
    const triple = String(repeated).repeat(3);
    if (text.slice(0, 10).includes(triple)) return false;
  }
  const check = (11 - product) % 10;
  return check === digitAt(text, 10);
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/**
 * Spanish DNI (8 digits) or NIE (X, Y or Z and 7 digits, the letter counting as 0, 1 or 2),
 * followed by the check letter of the number mod 23.
 * @see https://www.interior.gob.es/opencms/es/servicios-al-ciudadano/tramites-y-gestiones/dni/calculo-del-digito-de-control-del-nif-nie/
 */
export function isSpanishDniValid(value: string): boolean {
  const text = compact(value);
  if (text.length !== 9) return false;
  const prefix = 'XYZ'.indexOf(text[0]!);
  let number = prefix === -1 ? 0 : prefix;
  for (let index = prefix === -1 ? 0 : 1; index < 8; index++) {
    const digit = digitAt(text, index);
    if (digit < 0 || digit > 9) return false;
    number = number * 10 + digit;
  }
  return DNI_LETTERS[number % 23] === text[8];
}

/** Verhoeff tables: dihedral group D5 multiplication and the position permutation. */
const VERHOEFF_MULTIPLICATION = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
] as const;
const VERHOEFF_PERMUTATION = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 7, 6, 8, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
] as const;

/**
 * Verhoeff check over the digits of `value` (spaces and dashes ignored): catches every single-digit
 * error and every adjacent transposition.
 * @see https://en.wikipedia.org/wiki/Verhoeff_algorithm
 */
export function isVerhoeffValid(value: string): boolean {
  const text = compact(value);
  if (text.length === 0) return false;
  let check = 0;
  for (let position = 0; position < text.length; position++) {
    const digit = digitAt(text, text.length - 1 - position);
    if (digit < 0 || digit > 9) return false;
    check = VERHOEFF_MULTIPLICATION[check]![VERHOEFF_PERMUTATION[position % 8]![digit]!]!;
  }
  return check === 0;
}

/**
 * Indian Aadhaar number: 12 digits, never starting with 0 or 1, the last a Verhoeff check digit.
 * @see https://uidai.gov.in/
 */
export function isAadhaarValid(value: string): boolean {
  const text = compact(value);
  return text.length === 12 && text[0] !== '0' && text[0] !== '1' && isVerhoeffValid(text);
}
