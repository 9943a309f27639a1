import type { Context } from 'hono';
import { WORKLOAD_MODEL_PREFIX } from '../../../core/config/resolve-config.js';
import { REQUEST_ID_HEADER, type GatewayDependencies, type GatewayEnv } from '../../gateway-context.js';
import { authenticateClient } from '../../middleware/auth.js';
import { exchangeOf } from '../../request-context.js';

/**
 * GET /v1/models: every logical model a client can use, with its registry lifecycle, and every
 * workload (as `workload/<name>`). Retired models — in config or through the admin API — are left
 * out: requests for them are refused, so a client choosing from this list would only meet errors.
 */
export function modelsHandler(dependencies: GatewayDependencies) {
  return (context: Context<GatewayEnv>): Response => {
    const { config } = dependencies.holder.current;
    authenticateClient(exchangeOf(context), dependencies.holder.current.keys);
    const live = dependencies.registryOverlay?.current().states;
    const lifecycleOf = (model: string) => live?.get(model)?.lifecycle ?? config.registry.models[model]?.lifecycle ?? 'approved';
    const created = Math.floor(Date.now() / 1000);
    const data = [
      ...Object.values(config.models).flatMap((model) => {
        const lifecycle = lifecycleOf(model.name);
        if (lifecycle === 'retired') return [];
        return [{
          id: model.name,
          object: 'model',
          created,
          owned_by: 'switchyard',
          kind: model.kind,
          lifecycle,
          deployments: model.deployments.map((deployment) => deployment.id),
        }];
      }),
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
