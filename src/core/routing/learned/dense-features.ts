import { addCueCounts, CUE_CATEGORIES } from './category-cues.js';
import type { RouterInput } from './router-input.js';

/**
 * A few dense, structural features of a prompt: how long it is, how much arithmetic, LaTeX or code
 * it holds, how many questions and list items it asks. Counts are log-scaled so one huge prompt
 * does not dominate. Computed in a single pass over the characters.
 */
export const DENSE_FEATURE_NAMES = [
  'log_chars',
  'log_words',
  'log_numbers',
  'log_digits',
  'log_math_symbols',
  'log_latex_commands',
  'log_dollar_signs',
  'code_fences',
  'log_question_marks',
  'log_list_items',
  'log_lines',
  'log_longest_number',
  'log_decimals',
  'mean_word_length',
  'previous_turns',
  'log_previous_chars',
  // Task-category cue words over the whole conversation (category-cues.ts): a follow-up turn
  // inherits the task of the turn it follows.
  'cue_math',
  'cue_code',
  'cue_reasoning',
  'cue_extraction',
  'cue_writing',
  'cue_roleplay',
] as const;

export type DenseFeatureName = (typeof DENSE_FEATURE_NAMES)[number];

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
function isLetter(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code >= 0xc0;
}
function isMathSymbol(code: number): boolean {
  // + - * / = ^ < > % ( ) × ÷ √ π
  return (
    code === 43 || code === 45 || code === 42 || code === 47 || code === 61 || code === 94 || code === 60 ||
    code === 62 || code === 37 || code === 40 || code === 41 || code === 0xd7 || code === 0xf7 ||
    code === 0x221a || code === 0x3c0
  );
}

/** The dense features of `input`, in DENSE_FEATURE_NAMES order. */
export function denseFeatures(input: RouterInput): Float64Array {
  const text = input.prompt;
  let words = 0;
  let wordChars = 0;
  let numbers = 0;
  let digits = 0;
  let mathSymbols = 0;
  let latexCommands = 0;
  let dollars = 0;
  let backticks = 0;
  let codeFences = 0;
  let questionMarks = 0;
  let listItems = 0;
  let lines = 1;
  let longestNumber = 0;
  let decimals = 0;
  let inWord = false;
  let numberLength = 0;
  let lineStart = true;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    const digit = isDigit(code);
    if (digit) {
      digits += 1;
      if (numberLength === 0) numbers += 1;
      numberLength += 1;
      if (numberLength > longestNumber) longestNumber = numberLength;
    } else if (code === 46 && numberLength > 0 && isDigit(text.charCodeAt(index + 1))) {
      decimals += 1; // "3.5" stays one number
    } else if (code !== 44 || !isDigit(text.charCodeAt(index + 1))) {
      numberLength = 0; // "1,000" stays one number
    }
    const wordCode = digit || isLetter(code);
    if (wordCode) {
      wordChars += 1;
      if (!inWord) words += 1;
    }
    inWord = wordCode;
    if (isMathSymbol(code)) mathSymbols += 1;
    if (code === 92 && isLetter(text.charCodeAt(index + 1))) latexCommands += 1;
    if (code === 36) dollars += 1;
    if (code === 96) {
      backticks += 1;
      if (backticks === 3) codeFences += 1;
    } else backticks = 0;
    if (code === 63) questionMarks += 1;
    if (lineStart && code !== 32 && code !== 9) {
      const next = text.charCodeAt(index + 1);
      if ((code === 45 || code === 42 || code === 0x2022) && next === 32) listItems += 1;
      else if (digit && (next === 46 || next === 41)) listItems += 1;
      lineStart = false;
    }
    if (code === 10) {
      lines += 1;
      lineStart = true;
    }
  }
  const previous = input.previousTurns ?? [];
  let previousChars = 0;
  const cues = new Float64Array(CUE_CATEGORIES.length);
  addCueCounts(text, cues);
  for (const turn of previous) {
    previousChars += turn.length;
    addCueCounts(turn, cues);
  }
  return Float64Array.of(
    Math.log1p(text.length),
    Math.log1p(words),
    Math.log1p(numbers),
    Math.log1p(digits),
    Math.log1p(mathSymbols),
    Math.log1p(latexCommands),
    Math.log1p(dollars),
    codeFences,
    Math.log1p(questionMarks),
    Math.log1p(listItems),
    Math.log1p(lines),
    Math.log1p(longestNumber),
    Math.log1p(decimals),
    words === 0 ? 0 : wordChars / words,
    previous.length,
    Math.log1p(previousChars),
    ...cues.map(Math.log1p),
  );
}
