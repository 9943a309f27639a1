/** The router artifact: its schema and file reader, and the model that scores prompts with it. */
export {
  parseRouterArtifact,
  readRouterArtifact,
  routerArtifactSchema,
  type RouterArtifact,
  type RouterFeatures,
  type RouterModelMember,
  type RouterModelSpec,
  type TrainedOn,
} from './router-artifact-schema.js';
export { createLearnedRouterModel, type LearnedRouterModel } from './learned-router-model.js';
