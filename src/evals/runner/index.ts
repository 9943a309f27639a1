export type { EvalCaseFailure, EvalCaseResult } from './eval-case-result.js';
export { DEFAULT_EVAL_CACHE_DIRECTORY, evalCacheKey, EvalResultCache, modelFingerprint, type CachedAnswer } from './eval-result-cache.js';
export { buildEvalReport, scoreSamples, type EvalReport } from './eval-report.js';
export { JsonLinesAppender, readCaseResults, readJsonLines } from './results-file.js';
export { runEval, type EvalProgress, type EvalRun, type RunEvalOptions } from './run-eval.js';
