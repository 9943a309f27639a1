export { askJudge, type JudgeAttempt } from './ask-with-retries.js';
export { DEFAULT_RUBRIC } from './judge-prompts.js';
export { resultText, type AskModel, type JudgeOptions } from './judge-types.js';
export { createPairwiseJudge, type PairwiseInput, type PairwiseJudge, type PairwiseResult, type PairwiseWinner } from './pairwise-judge.js';
export {
  parsePairwiseVerdict,
  parsePointwiseVerdict,
  rubricScoreToUnit,
  type PairwiseVerdict,
  type PointwiseVerdict,
} from './parse-judge-output.js';
export { createPointwiseJudge } from './pointwise-judge.js';
