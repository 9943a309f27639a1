import type { ResolvedConfig } from '../../config/resolve-config.js';
import type { DeploymentFacts } from '../deployment-facts.js';
import type { ExposureDeployment } from './exposure-target.js';

/**
 * Every configured deployment as exposure needs it: the registry's facts (`factsFor`) plus the
 * upstream model id from the config, so `exposure gpt-4o-2024-08-06` finds deployments by the
 * provider's version as well as by logical model, and the model's kind (an embedding model is no
 * alternative to a chat model).
 */
export function exposureDeployments(
  config: Pick<ResolvedConfig, 'deployments' | 'models'>,
  factsFor: (deploymentId: string) => DeploymentFacts,
): ExposureDeployment[] {
  return Object.values(config.deployments).map((deployment) => {
    const kind = config.models[deployment.modelName]?.kind;
    return { ...factsFor(deployment.id), upstreamModel: deployment.model, ...(kind === undefined ? {} : { kind }) };
  });
}
