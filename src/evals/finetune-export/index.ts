export { createAnswerModelFilter, licenseForbidsTrainingOnOutputs, type AnswerModelFilterOptions, type AnswerModelSkip } from './answer-model-filter.js';
export { assertExportAllowed, finetuneExportPolicy, type ExportRefusal, type FinetuneExportPolicy } from './finetune-export-policy.js';
export { toFinetuneConversation, type ConversationProblem, type FinetuneConversation, type FinetuneMessage, type FinetuneTool, type FinetuneToolCall } from './finetune-messages.js';
export { formatFinetuneJsonl, formatFinetuneLine } from './format-finetune-jsonl.js';
export { ONLINE_SCORE_PAGE_LIMIT, readOnlineScores, type ReadOnlineScoresOptions, type ReadOnlineScoresResult } from './read-online-scores.js';
export {
  selectFinetuneExamples,
  SKIP_REASONS,
  type FinetuneExample,
  type FinetuneSelection,
  type FinetuneSelectionOptions,
  type FinetuneSelectionReport,
  type FinetuneSource,
  type SelectedExample,
  type SkipReason,
} from './select-finetune-examples.js';
