/** The learned router: features, training, the artifact file and the gateway-side Router. */
export { averageGapRecovered } from './average-gap-recovered.js';
export { learnedRouterConfigSchema, type LearnedRouterConfig } from './learned-config.js';
export { createLearnedRouter, type LearnedRouterOptions } from './learned-router.js';
export {
  createLearnedRouterModel,
  parseRouterArtifact,
  readRouterArtifact,
  routerArtifactSchema,
  type LearnedRouterModel,
  type RouterArtifact,
} from './router-artifact.js';
export { routerInputFromCall, type RouterInput } from './router-input.js';
export { trainLearnedRouter, type TrainedOn, type TrainingExample, type TrainRouterOptions } from './train-router.js';
