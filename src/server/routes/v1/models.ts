import type { Context } from 'hono';
import { WORKLOAD_MODEL_PREFIX } from '../../../core/config/resolve-config.js';
import { REQUEST_ID_HEADER, type GatewayDependencies, type GatewayEnv } from '../../gateway-context.js';
import { authenticateClient } from '../../middleware/auth.js';

/** GET /v1/models: every logical model and every workload (as `workload/<name>`). */
export function modelsHandler(dependencies: GatewayDependencies) {
  return (context: Context<GatewayEnv>): Response => {
    const { config } = dependencies.holder.current;
    authenticateClient(context, dependencies.holder.current.keys);
    const created = Math.floor(Date.now() / 1000);
    const data = [
      ...Object.values(config.models).map((model) => ({
        id: model.name,
        object: 'model',
        created,
        owned_by: 'switchyard',
        kind: model.kind,
        deployments: model.deployments.map((deployment) => deployment.id),
      })),
      ...Object.values(config.workloads).map((workload) => ({
        id: `${WORKLOAD_MODEL_PREFIX}${workload.name}`,
        object: 'model',
        created,
        owned_by: 'switchyard',
        kind: 'workload',
        route: [workload.model, ...workload.fallbacks.map((rule) => rule.model)],
      })),
    ];
    return context.json({ object: 'list', data }, 200, { [REQUEST_ID_HEADER]: context.get('requestId') });
  };
}
