import type { Normalisation } from './scorer-spec.js';

const PUNCTUATION = /[!-/:-@[-`{-~]/g;

/** Applies the configured normalisation; used on both sides of a comparison so they match alike. */
export function normaliseText(text: string, options: Normalisation): string {
  let result = text;
  if (options.strip_punctuation) result = result.replace(PUNCTUATION, '');
  if (options.collapse_whitespace) result = result.replace(/\s+/g, ' ');
  if (options.trim) result = result.trim();
  if (!options.case_sensitive) result = result.toLowerCase();
  return result;
}
