export { evalCaseSchema, evalMessageSchema, expectedValueSchema, type EvalCase, type EvalMessage, type ExpectedValue } from './eval-case-schema.js';
export { evalCaseMessages, evalCaseToChatCall } from './eval-case-to-chat-call.js';
export { formatIssuePath, loadEvalSet, parseEvalSetLines, readEvalSet, type EvalSetReadResult } from './load-eval-set.js';
