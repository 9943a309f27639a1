import { ConfigError, type ConfigIssue } from '../../spec/errors.js';
import { OPENAI_COMPATIBLE_PROFILES } from '../../providers/openai-compatible/openai-compatible-profile.js';
import type {
  DeploymentConfig,
  ParsedConfig,
  ProviderConfig,
  ServerConfig,
} from './config-schema.js';
import { formatPath } from './format-config-path.js';
import { costConfigWarnings } from '../cost/resolve-pricing.js';
import type { StorageConfig } from '../../store/storage-config.js';
import { toFallbackRule, type FallbackRule } from '../routing/fallback-condition.js';
import type { ResolvedWorkloadRouting } from '../routing/routing-config.js';
import type { GlobalPolicyConfig, WorkloadPolicyConfig } from '../governance/policy/policy-config.js';
import { resolveWorkloadRouting } from '../routing/resolve-workload-routing.js';
import type { EvaluationConfig, WorkloadEvaluationConfig } from '../evaluation/evaluation-config.js';
import type { VirtualKeyConfig } from '../keys/virtual-key-config.js';
import type { LimitsConfig, LimitsStoreConfig } from '../limits/limit-config.js';
import type { CacheStoreConfig, PromptCacheConfig, WorkloadCacheConfig } from '../cache/cache-config.js';
import type { LoadBalancingConfig, ResilienceConfig, WorkloadResilienceConfig } from '../resilience/resilience-config.js';
import type { TelemetryConfig } from '../telemetry/tracing/tracing-config.js';
import type { ModelRegistryConfig } from '../governance/registry/registry-config.js';
import { resolveRegistry, type Registry } from '../governance/registry/resolve-registry.js';

/** One deployment of a logical model, with its provider resolved. */
export interface ResolvedDeployment extends DeploymentConfig {
  id: string;
  /** The logical model this deployment serves. */
  modelName: string;
  providerConfig: ProviderConfig;
  weight: number;
}

export interface ResolvedModel {
  name: string;
  kind: 'chat' | 'embedding';
  description?: string;
  deployments: ResolvedDeployment[];
  /** Models tried after this one's deployments, each with the failures that lead to it. */
  fallbacks: FallbackRule[];
  loadBalancing?: LoadBalancingConfig;
  /** The model's `registry:` block as written (the resolved view is `ResolvedConfig.registry`). */
  registry?: ModelRegistryConfig;
}

export interface ResolvedWorkload {
  name: string;
  description?: string;
  model: string;
  /** The workload's own fallbacks, or else its model's. */
  fallbacks: FallbackRule[];
  limits?: LimitsConfig;
  resilience?: WorkloadResilienceConfig;
  /** The frontier model this workload's savings are measured against. */
  referenceModel?: string;
  /** Exact-match response cache, when the workload opts in. */
  cache?: WorkloadCacheConfig;
  /** Provider prompt-cache breakpoints (Anthropic), when the workload opts in. */
  promptCache?: PromptCacheConfig;
  /** Rules, learned router and cascade, when the workload routes per request. */
  routing?: ResolvedWorkloadRouting;
  /** Data policy; absent = data class internal, no own requirements, no detection. */
  policy?: WorkloadPolicyConfig;
  /** Eval set and gate, online judging, shadow runs; absent = none of them. */
  evaluation?: WorkloadEvaluationConfig;
}

/** A validated, cross-checked, frozen configuration. Holds secrets: never print it; use `describeConfig`. */
export interface ResolvedConfig {
  file: string;
  server: ServerConfig;
  providers: Readonly<Record<string, ProviderConfig>>;
  models: Readonly<Record<string, ResolvedModel>>;
  workloads: Readonly<Record<string, ResolvedWorkload>>;
  deployments: Readonly<Record<string, ResolvedDeployment>>;
  /** Client keys (hashed), each with its allowed workloads and models and its limits. */
  keys: readonly VirtualKeyConfig[];
  limitsStore: LimitsStoreConfig;
  /** Where cached responses live. */
  cacheStore: CacheStoreConfig;
  storage: StorageConfig;
  /** The request log; `capture_payloads` (off by default) says whether bodies are stored, redacted and capped. */
  requestLog: ParsedConfig['request_log'];
  /** Tracing export; absent only in configs built by hand (tests), where it is off. */
  telemetry?: TelemetryConfig;
  /** Top-level data policy (class minimums, sensitive-data classes). */
  policy?: GlobalPolicyConfig;
  /** Licences, lifecycle, data terms and lineage of every model and deployment; `registry.factsFor(id)` feeds policy. */
  registry: Registry;
  /** Top-level resilience defaults (workloads layer their own on top). */
  resilience?: ResilienceConfig;
  /** Background evaluation settings; absent only in configs built by hand (tests), where defaults apply. */
  evaluation?: EvaluationConfig;
  /** Problems that do not stop the gateway, such as a hosted provider without an API key. */
  warnings: string[];
}

export const WORKLOAD_MODEL_PREFIX = 'workload/';

export function resolveConfig(
  parsed: ParsedConfig,
  file: string,
  lineOf: (path: ReadonlyArray<PropertyKey>) => number | undefined = () => undefined,
): ResolvedConfig {
  const issues: ConfigIssue[] = [];
  const warnings: string[] = [];
  const issue = (path: Array<string | number>, message: string) =>
    issues.push({ file, path: formatPath(path), line: lineOf(path), message });
  const providerNames = Object.keys(parsed.providers);

  for (const [name, provider] of Object.entries(parsed.providers)) {
    if (provider.type !== 'simulated' && !provider.api_key && needsApiKey(provider)) {
      warnings.push(`providers.${name}: no api_key set; requests to it will be refused by the upstream`);
    }
    if (provider.type !== 'simulated' && provider.type !== 'anthropic' && provider.type !== 'gemini') {
      if (!provider.base_url && !OPENAI_COMPATIBLE_PROFILES[provider.type].defaultBaseUrl) {
        issue(['providers', name, 'base_url'], `required for provider type '${provider.type}'`);
      }
    }
  }

  const models: Record<string, ResolvedModel> = {};
  const deployments: Record<string, ResolvedDeployment> = {};
  for (const [modelName, model] of Object.entries(parsed.models)) {
    if (modelName.startsWith(WORKLOAD_MODEL_PREFIX)) {
      issue(['models', modelName], `model names may not start with '${WORKLOAD_MODEL_PREFIX}' (reserved for workloads)`);
    }
    const resolved: ResolvedDeployment[] = [];
    model.deployments.forEach((deployment, index) => {
      const path = ['models', modelName, 'deployments', index];
      const providerConfig = parsed.providers[deployment.provider];
      if (!providerConfig) {
        issue([...path, 'provider'], `unknown provider '${deployment.provider}'; expected one of: ${providerNames.join(', ') || '(no providers defined)'}`);
        return;
      }
      if (model.kind === 'embedding' && !supportsEmbeddings(providerConfig)) {
        issue([...path, 'provider'], `provider '${deployment.provider}' (${providerConfig.type}) has no embeddings API`);
      }
      const id = deployment.id ?? `${deployment.provider}/${deployment.model}`;
      if (deployments[id]) {
        issue([...path, 'id'], `duplicate deployment id '${id}' (set a distinct 'id')`);
        return;
      }
      const entry: ResolvedDeployment = { ...deployment, id, modelName, providerConfig, weight: deployment.weight ?? 1 };
      deployments[id] = entry;
      resolved.push(entry);
    });
    models[modelName] = {
      name: modelName,
      kind: model.kind,
      description: model.description,
      deployments: resolved,
      fallbacks: model.fallbacks.map(toFallbackRule),
      loadBalancing: model.load_balancing,
      ...(model.registry === undefined ? {} : { registry: model.registry }),
    };
  }

  const registry = resolveRegistry({ providers: parsed.providers, models: parsed.models, licenses: parsed.registry?.licenses });
  for (const problem of registry.issues) issue(problem.path, problem.message);

  const checkRouteModel = (modelName: string, path: Array<string | number>, kind: 'chat' | 'embedding') => {
    const model = parsed.models[modelName];
    if (!model) issue(path, `unknown model '${modelName}'; expected one of: ${Object.keys(parsed.models).join(', ') || '(no models defined)'}`);
    else if (model.kind !== kind) issue(path, `model '${modelName}' is ${model.kind === 'embedding' ? 'an embedding' : 'a chat'} model; expected a ${kind} model`);
  };
  for (const [modelName, model] of Object.entries(parsed.models)) {
    model.fallbacks.forEach((rule, index) => {
      const target = typeof rule === 'string' ? rule : rule.model;
      const path = ['models', modelName, 'fallbacks', index, ...(typeof rule === 'string' ? [] : ['model'])];
      if (target === modelName) issue(path, `model '${modelName}' cannot fall back to itself`);
      else checkRouteModel(target, path, model.kind);
    });
  }

  const workloads: Record<string, ResolvedWorkload> = {};
  for (const [name, workload] of Object.entries(parsed.workloads)) {
    checkRouteModel(workload.route.model, ['workloads', name, 'route', 'model'], 'chat');
    workload.route.fallbacks?.forEach((rule, index) => {
      const target = typeof rule === 'string' ? rule : rule.model;
      checkRouteModel(target, ['workloads', name, 'route', 'fallbacks', index, ...(typeof rule === 'string' ? [] : ['model'])], 'chat');
    });
    const fallbacks = workload.route.fallbacks ?? parsed.models[workload.route.model]?.fallbacks ?? [];
    workloads[name] = {
      name,
      description: workload.description,
      model: workload.route.model,
      fallbacks: fallbacks.map(toFallbackRule),
      limits: workload.limits,
      resilience: workload.resilience,
      referenceModel: workload.reference_model,
      cache: workload.cache,
      promptCache: workload.prompt_cache,
      policy: workload.policy,
      evaluation: workload.evaluation,
    };
    const evaluation = workload.evaluation;
    if (evaluation?.online) checkRouteModel(evaluation.online.judge.model, ['workloads', name, 'evaluation', 'online', 'judge', 'model'], 'chat');
    if (evaluation?.shadow) checkRouteModel(evaluation.shadow.judge.model, ['workloads', name, 'evaluation', 'shadow', 'judge', 'model'], 'chat');
    if (evaluation?.eval_set?.judge_model !== undefined) {
      checkRouteModel(evaluation.eval_set.judge_model, ['workloads', name, 'evaluation', 'eval_set', 'judge_model'], 'chat');
    }
    if (workload.routing) {
      workloads[name].routing = resolveWorkloadRouting(workload.routing, parsed.models, ['workloads', name, 'routing'], file, issue);
    }
    if (workload.reference_model !== undefined) checkRouteModel(workload.reference_model, ['workloads', name, 'reference_model'], 'chat');
  }

  for (const [index, key] of parsed.keys.entries()) {
    key.workloads?.forEach((workload, position) => {
      if (!parsed.workloads[workload]) issue(['keys', index, 'workloads', position], `unknown workload '${workload}'`);
    });
    key.models?.forEach((model, position) => {
      if (!parsed.models[model]) issue(['keys', index, 'models', position], `unknown model '${model}'`);
    });
  }

  if (issues.length > 0) throw new ConfigError(issues);
  warnings.push(...costConfigWarnings({ deployments, models, workloads }));
  return deepFreeze({
    file,
    server: parsed.server,
    providers: parsed.providers,
    models,
    workloads,
    deployments,
    keys: parsed.keys,
    limitsStore: parsed.limits_store,
    cacheStore: parsed.cache_store,
    resilience: parsed.resilience,
    storage: parsed.storage ?? { type: 'sqlite' },
    requestLog: parsed.request_log,
    telemetry: parsed.telemetry,
    policy: parsed.policy,
    registry,
    evaluation: parsed.evaluation,
    warnings,
  });
}

function needsApiKey(provider: Exclude<ProviderConfig, { type: 'simulated' }>): boolean {
  if (provider.type === 'anthropic' || provider.type === 'gemini') return true;
  return OPENAI_COMPATIBLE_PROFILES[provider.type].requiresApiKey;
}

function supportsEmbeddings(provider: ProviderConfig): boolean {
  switch (provider.type) {
    case 'anthropic':
      return false;
    case 'gemini':
    case 'simulated':
      return true;
    default:
      return provider.capabilities?.embeddings ?? OPENAI_COMPATIBLE_PROFILES[provider.type].supportsEmbeddings;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** A printable summary of the config with every secret masked. */
export function describeConfig(config: ResolvedConfig): Record<string, unknown> {
  return {
    file: config.file,
    providers: Object.fromEntries(
      Object.entries(config.providers).map(([name, provider]) => [
        name,
        {
          type: provider.type,
          ...('base_url' in provider && provider.base_url ? { base_url: withoutCredentials(provider.base_url) } : {}),
          ...('api_key' in provider ? { api_key: provider.api_key ? '***' : '(none)' } : {}),
        },
      ]),
    ),
    models: Object.fromEntries(
      Object.values(config.models).map((model) => [model.name, { kind: model.kind, deployments: model.deployments.map((deployment) => deployment.id) }]),
    ),
    workloads: Object.fromEntries(
      Object.values(config.workloads).map((workload) => [workload.name, { model: workload.model, fallbacks: workload.fallbacks.map((rule) => rule.model) }]),
    ),
  };
}

/** A URL as it may be shown: a user name or password in it (`https://svc:secret@host`) is masked. */
function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = '***';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}
