import { InvalidRequestError, NoSuchModelError } from '../../spec/errors.js';
import { WORKLOAD_MODEL_PREFIX } from '../config/resolve-config.js';
import type { DeploymentTarget, GatewayRuntime } from '../registry/gateway-runtime.js';

/** Header a client may use to select a workload while keeping any `model` value. */
export const WORKLOAD_HEADER = 'x-switchyard-workload';

/** The deployments a request will try, in order, and why. */
export interface RoutePlan {
  /** The logical model the route starts with. */
  model: string;
  workload?: string;
  targets: DeploymentTarget[];
  /** Human-readable reason, returned in a response header and recorded with the request. */
  reason: string;
}

export interface RouteRequest {
  model: string;
  /** Value of the workload header, if sent. */
  workload?: string;
  kind: 'chat' | 'embedding';
}

/**
 * Resolves a request's model name (`<logical model>` or `workload/<name>`, or the workload header)
 * to an ordered list of deployments: the model's own deployments, then each fallback model's.
 */
export function resolveRoute(runtime: GatewayRuntime, request: RouteRequest): RoutePlan {
  const { config } = runtime;
  const workloadName =
    request.workload ?? (request.model.startsWith(WORKLOAD_MODEL_PREFIX) ? request.model.slice(WORKLOAD_MODEL_PREFIX.length) : undefined);
  if (workloadName !== undefined) {
    const workload = config.workloads[workloadName];
    if (!workload) {
      const known = Object.keys(config.workloads);
      throw new NoSuchModelError(
        `Workload '${workloadName}' is not configured${request.workload !== undefined ? ` (from header ${WORKLOAD_HEADER})` : ''}. ` +
          (known.length > 0 ? `Known workloads: ${known.join(', ')}.` : 'No workloads are configured.'),
        { param: request.workload !== undefined ? WORKLOAD_HEADER : 'model' },
      );
    }
    checkKind(runtime, workload.model, request.kind);
    const targets = [workload.model, ...workload.fallbacks].flatMap((model) => targetsOf(runtime, model));
    const reason = workload.fallbacks.length > 0 ? `workload ${workload.name}: ${workload.model}, fallbacks ${workload.fallbacks.join(', ')}` : `workload ${workload.name}: ${workload.model}`;
    return { model: workload.model, workload: workload.name, targets, reason };
  }
  const model = config.models[request.model];
  if (!model) {
    const known = Object.keys(config.models);
    throw new NoSuchModelError(
      `Model '${request.model}' is not configured. ` +
        (known.length > 0 ? `Known models: ${known.join(', ')}` : 'No models are configured') +
        `; select a workload with 'workload/<name>'.`,
    );
  }
  checkKind(runtime, model.name, request.kind);
  return { model: model.name, targets: targetsOf(runtime, model.name), reason: `model ${model.name}` };
}

function targetsOf(runtime: GatewayRuntime, modelName: string): DeploymentTarget[] {
  const model = runtime.config.models[modelName];
  if (!model) return [];
  return model.deployments.flatMap((deployment) => {
    const target = runtime.targets.get(deployment.id);
    return target ? [target] : [];
  });
}

function checkKind(runtime: GatewayRuntime, modelName: string, kind: 'chat' | 'embedding'): void {
  const model = runtime.config.models[modelName];
  if (model && model.kind !== kind) {
    throw new InvalidRequestError(
      kind === 'chat'
        ? `Model '${modelName}' is an embedding model; send it to /v1/embeddings.`
        : `Model '${modelName}' is a chat model; it cannot create embeddings.`,
      { param: 'model', code: 'wrong_model_kind' },
    );
  }
}
