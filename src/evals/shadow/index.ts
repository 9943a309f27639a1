/** Router quality in production: shadow runs of the other tier, judged pairs, the report and training data. */
export { routingQualityRows } from './routing-quality-report.js';
export { runShadow } from './run-shadow.js';
export { EVALUATION_COST_METRIC, evaluationCostCounter, ShadowMetrics } from './shadow-metrics.js';
export { planShadow, type ShadowPlan } from './shadow-plan.js';
export { renderShadowPrompt, routerInputFromShadowPrompt } from './shadow-prompt.js';
export { ShadowRunner, type ShadowRunnerOptions } from './shadow-runner.js';
export { MIN_SHADOW_TRAINING_PAIRS, shadowTrainedOn, shadowTrainingSet, type ShadowTrainingCounts, type ShadowTrainingSet } from './shadow-training.js';
export { wilsonInterval, type ProportionInterval } from './wilson-interval.js';
