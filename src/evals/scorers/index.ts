export { createScorer, createScorerResolver, type ScorerContext } from './create-scorer.js';
export { loadCustomScorer } from './custom-scorer.js';
export { createJsonSchemaScorer } from './json-schema-scorer.js';
export { normaliseText } from './normalise-text.js';
export { createNumericScorer, extractFinalNumber } from './numeric-scorer.js';
export { scoreResultSchema, scored, unscored, type ScoreInput, type ScoreResult, type Scorer } from './scorer.js';
export { normalisationSchema, scorerSpecSchema, type Normalisation, type ScorerSpec, type ScorerSpecInput } from './scorer-spec.js';
export { createContainsScorer, createExactScorer, createRegexScorer } from './text-scorers.js';
