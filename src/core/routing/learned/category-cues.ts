/**
 * Task-category cues: how many words of a conversation point at maths, code, logic puzzles,
 * extraction into a format, creative writing or role-play. A few hundred prompts cannot teach a
 * model that "fibonacci" and "recursion" mean code, but a word list can; cheap models lose most
 * often on maths, code and strict-format tasks, so these counts carry over from one data set to the
 * next where hashed n-grams do not. Generic vocabulary, not phrases of any benchmark's prompts.
 */

export const CUE_CATEGORIES = ['math', 'code', 'reasoning', 'extraction', 'writing', 'roleplay'] as const;
export type CueCategory = (typeof CUE_CATEGORIES)[number];

const CUE_WORDS: Record<CueCategory, readonly string[]> = {
  math: [
    'calculate', 'compute', 'solve', 'equation', 'equations', 'probability', 'integer', 'integers', 'sum', 'product',
    'remainder', 'divided', 'divisible', 'multiply', 'fraction', 'percent', 'percentage', 'area', 'volume', 'triangle',
    'circle', 'radius', 'angle', 'prime', 'derivative', 'integral', 'inequality', 'polynomial', 'root', 'roots', 'square',
    'express', 'total', 'average', 'mean', 'median', 'ratio', 'digits', 'math', 'mathematical', 'geometry', 'algebra',
    'prove', 'proof', 'theorem', 'vertices', 'cost', 'price', 'invests', 'interest', 'formula', 'function',
  ],
  code: [
    'code', 'program', 'python', 'java', 'javascript', 'typescript', 'c++', 'c#', 'sql', 'html', 'css', 'regex', 'bash',
    'implement', 'algorithm', 'array', 'arrays', 'string', 'strings', 'list', 'recursion', 'recursive', 'complexity',
    'debug', 'bug', 'compile', 'script', 'api', 'class', 'method', 'loop', 'binary', 'tree', 'node', 'linked', 'sort',
    'sorted', 'fibonacci', 'website', 'query', 'database', 'dynamic', 'programming', 'def', 'return', 'input', 'output',
  ],
  reasoning: [
    'puzzle', 'riddle', 'logic', 'logical', 'deduce', 'true', 'false', 'uncertain', 'brother', 'brothers', 'sister',
    'sisters', 'father', 'mother', 'son', 'daughter', 'grandfather', 'older', 'younger', 'taller', 'position', 'overtaken',
    'direction', 'north', 'south', 'east', 'west', 'left', 'right', 'statement', 'statements', 'if', 'then', 'therefore',
    'belong', 'many', 'which', 'explain', 'reasoning', 'step', 'conclude',
  ],
  extraction: [
    'extract', 'identify', 'json', 'csv', 'yaml', 'format', 'table', 'output', 'return', 'following', 'given', 'text',
    'passage', 'article', 'paragraph', 'sentences', 'reviews', 'records', 'data', 'names', 'entities', 'categories',
    'category', 'assign', 'classify', 'rate', 'scale', 'summarize', 'summarise', 'key', 'keys', 'values', 'fields',
    'dictionary', 'structured', 'analyze', 'analyse', 'evaluate',
  ],
  writing: [
    'write', 'compose', 'draft', 'essay', 'poem', 'story', 'blog', 'post', 'email', 'letter', 'paragraph', 'headline',
    'slogan', 'rewrite', 'edit', 'rephrase', 'creative', 'describe', 'descriptive', 'narrative', 'character', 'outline',
    'persuasive', 'speech', 'lyrics', 'song', 'haiku', 'limerick', 'tweet', 'advertisement', 'catchy', 'vivid',
  ],
  roleplay: [
    'pretend', 'imagine', 'act', 'role', 'roleplay', 'persona', 'character', 'yourself', 'embrace', 'suppose', 'picture',
    'speak', 'conversation', 'conversations', 'you', 'your', 'as', 'play', 'assume', 'coach', 'teacher', 'expert',
  ],
};

/** Word → bit mask of its categories (a word can cue several). */
const CUE_MASKS: ReadonlyMap<string, number> = (() => {
  const masks = new Map<string, number>();
  CUE_CATEGORIES.forEach((category, index) => {
    for (const word of CUE_WORDS[category]) masks.set(word, (masks.get(word) ?? 0) | (1 << index));
  });
  return masks;
})();

function isCueWordCode(code: number): boolean {
  // Letters, digits and the '+'/'#' of "c++"/"c#".
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 43 || code === 35;
}

/** Adds each category's cue-word count in `text` to `counts` (CUE_CATEGORIES order). */
export function addCueCounts(text: string, counts: Float64Array): void {
  let start = -1;
  for (let index = 0; index <= text.length; index += 1) {
    const inWord = index < text.length && isCueWordCode(text.charCodeAt(index));
    if (inWord && start < 0) start = index;
    else if (!inWord && start >= 0) {
      // Words longer than any cue cannot match; skip the allocation.
      if (index - start <= 16) {
        const mask = CUE_MASKS.get(text.slice(start, index).toLowerCase());
        if (mask !== undefined) {
          for (let category = 0; category < CUE_CATEGORIES.length; category += 1) if ((mask >> category) & 1) counts[category]! += 1;
        }
      }
      start = -1;
    }
  }
}
