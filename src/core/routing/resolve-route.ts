import { InvalidRequestError, NoSuchModelError } from '../../spec/errors.js';
import { WORKLOAD_MODEL_PREFIX } from '../config/resolve-config.js';
import type { DeploymentTarget, GatewayRuntime } from '../registry/gateway-runtime.js';
import { DEFAULT_FALLBACK_CONDITIONS, type FallbackCondition, type FallbackRule } from './fallback-condition.js';

/** Header a client may use to select a workload while keeping any `model` value. */
export const WORKLOAD_HEADER = 'x-switchyard-workload';

/** The deployments of one logical model, and the failures that lead to them (none for the primary). */
export interface RouteGroup {
  model: string;
  /** Conditions under which this group is tried; undefined for the primary group. */
  on?: ReadonlySet<FallbackCondition>;
  targets: DeploymentTarget[];
}

/** The models a request will try, in order, and why. */
export interface RoutePlan {
  /** The logical model the route starts with. */
  model: string;
  workload?: string;
  /** The primary model's group, then one group per fallback. */
  groups: RouteGroup[];
  /** Human-readable reason, returned in a response header and recorded with the request. */
  reason: string;
  /** Which router chose the plan (`rules`, `learned`, `cascade`, `default`), for workloads that route. */
  router?: string;
  /** The learned router's score (higher = needs the strong model), when it decided. */
  score?: number;
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
    return { model: workload.model, workload: workload.name, groups: groupsOf(runtime, workload.model, workload.fallbacks), reason: describe(`workload ${workload.name}: ${workload.model}`, workload.fallbacks) };
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
  return { model: model.name, groups: groupsOf(runtime, model.name, model.fallbacks), reason: describe(`model ${model.name}`, model.fallbacks) };
}

/**
 * The plan for a router's decision: its models in order, each later one a fallback on the usual
 * failures. A single model brings its own configured fallbacks.
 */
export function planForModels(runtime: GatewayRuntime, models: readonly string[], workload: string | undefined): Omit<RoutePlan, 'reason'> {
  const [primary, ...rest] = models;
  if (primary === undefined) throw new Error('a route decision names no model');
  const groups =
    rest.length === 0
      ? groupsOf(runtime, primary, runtime.config.models[primary]?.fallbacks ?? [])
      : [{ model: primary, targets: targetsOf(runtime, primary) }, ...rest.map((model) => ({ model, on: DEFAULT_FALLBACK_CONDITIONS, targets: targetsOf(runtime, model) }))];
  return { model: primary, ...(workload === undefined ? {} : { workload }), groups };
}

function groupsOf(runtime: GatewayRuntime, primary: string, fallbacks: readonly FallbackRule[]): RouteGroup[] {
  return [
    { model: primary, targets: targetsOf(runtime, primary) },
    ...fallbacks.map((rule) => ({ model: rule.model, on: rule.on, targets: targetsOf(runtime, rule.model) })),
  ];
}

function describe(base: string, fallbacks: readonly FallbackRule[]): string {
  return fallbacks.length === 0 ? base : `${base}, fallbacks ${fallbacks.map((rule) => rule.model).join(', ')}`;
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
