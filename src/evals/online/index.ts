export { AlertNotifier, type AlertNotifierOptions, type AlertWebhookConfig } from './alert-notifier.js';
export { EvaluationMetrics, type EvaluationMetricsSources } from './evaluation-metrics.js';
export { answeringModel, MAX_KEPT_CONVERSATION_BYTES, OnlineEvaluator, routeOf, type OnlineEvaluatorOptions } from './online-evaluator.js';
export { OnlineScoreWriter, type OnlineScoreWriterOptions } from './online-score-writer.js';
export { RollingQuality, type QualitySample, type RollingQualityOptions } from './rolling-quality.js';
export { judgeAnswer, judgeMessages, openAIAssistantMessage, openAIMessages, type OpenAIChatMessage, type OpenAIToolCall } from './sample-conversation.js';
export {
  startOnlineEvaluation,
  type OnlineEvaluation,
  type QualitySource,
  type StartOnlineEvaluationOptions,
} from './start-online-evaluation.js';
export { meanInterval, studentTCdf, studentTQuantile, welchDropPValue, type SampleMoments } from './student-t.js';
