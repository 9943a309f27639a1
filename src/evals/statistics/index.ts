export {
  bootstrapMeanInterval,
  DEFAULT_CONFIDENCE,
  DEFAULT_RESAMPLES,
  DEFAULT_SEED,
  mean,
  quantileOfSorted,
  type BootstrapOptions,
  type MeanInterval,
} from './bootstrap.js';
export { gate, type GateDecision, type GateInput } from './gate.js';
export { comparePaired, pairScores, signFlipPValue, type PairedComparison, type PairedComparisonOptions, type ScoreSample } from './paired-comparison.js';
export { ALL_TAG, breakdownByTag, UNTAGGED, type TagSummary } from './tag-breakdown.js';
