import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../../spec/errors.js';
import { checkCascadeModels } from './cascade/cascade-config.js';
import { embedderModel, GATEWAY_EMBEDDERS, MODEL_EMBEDDER_PREFIX } from './embeddings/gateway-embedders.js';
import { parseRouterArtifact, type RouterArtifact } from './learned/router-artifact.js';
import { checkRuleTargets } from './rules/check-rule-targets.js';
import type { ResolvedWorkloadRouting, WorkloadRoutingConfig } from './routing-config.js';
import { merged } from '../../spec/merged.js';

type Issue = (path: Array<string | number>, message: string) => void;

/**
 * Cross-checks a workload's `routing` block against the configured models and loads its learned
 * router's artifact (path relative to the config file). Problems are reported through `issue`
 * with their full config path, so one `config check` lists them all.
 *
 * The artifact is read synchronously: this runs once per config load or reload, never per request,
 * and artifacts are small JSON files.
 */
export function resolveWorkloadRouting(
  routing: WorkloadRoutingConfig,
  models: Readonly<Record<string, { kind: 'chat' | 'embedding' }>>,
  path: Array<string | number>,
  configFile: string,
  issue: Issue,
): ResolvedWorkloadRouting {
  const resolved: ResolvedWorkloadRouting = {};
  const checkChatModel = (model: string, at: Array<string | number>) => {
    const known = models[model];
    if (!known) issue(at, `unknown model '${model}'; expected one of: ${Object.keys(models).join(', ') || '(no models defined)'}`);
    else if (known.kind !== 'chat') issue(at, `model '${model}' is an embedding model; expected a chat model`);
  };

  if (routing.rules) {
    const problems = checkRuleTargets(routing.rules, models, [...path, 'rules'], { hasCascade: routing.cascade !== undefined });
    for (const problem of problems) issue(problem.path, problem.message);
    resolved.rules = routing.rules;
  }

  if (routing.cascade) {
    for (const problem of checkCascadeModels(routing.cascade, models, [...path, 'cascade'])) issue(problem.path, problem.message);
    resolved.cascade = routing.cascade;
  }

  if (routing.learned) {
    const learned = routing.learned;
    checkChatModel(learned.weak, [...path, 'learned', 'weak']);
    checkChatModel(learned.strong, [...path, 'learned', 'strong']);
    if (learned.cascade_between && !routing.cascade) {
      issue([...path, 'learned', 'cascade_between'], 'a cascade band needs the workload\'s routing.cascade (its checks decide whether the weak answer stands)');
    }
    const artifactPath = resolve(dirname(configFile), learned.artifact);
    const loaded = loadArtifact(artifactPath, [...path, 'learned', 'artifact'], issue);
    const embedder = loaded?.features.embedding?.embedder;
    const problem = embedder === undefined ? undefined : embedderProblem(embedder, models);
    if (problem !== undefined) issue([...path, 'learned', 'artifact'], `router artifact ${artifactPath} reads prompt embeddings from '${embedder}': ${problem}`);
    else if (loaded) resolved.learned = merged(learned, { artifactPath, loaded });
  }
  return resolved;
}

/** Why a gateway with these models cannot compute an embedder's vectors, or undefined when it can. */
function embedderProblem(embedder: string, models: Readonly<Record<string, { kind: 'chat' | 'embedding' }>>): string | undefined {
  const model = embedderModel(embedder);
  if (model === undefined) {
    return GATEWAY_EMBEDDERS.includes(embedder) ? undefined : `this gateway cannot compute it (it can: ${[...GATEWAY_EMBEDDERS, `${MODEL_EMBEDDER_PREFIX}<embedding model>`].join(', ')})`;
  }
  const known = models[model];
  if (!known) return `no model '${model}' in this config`;
  return known.kind === 'embedding' ? undefined : `model '${model}' is a chat model; expected an embedding model (kind: embedding)`;
}

function loadArtifact(artifactPath: string, at: Array<string | number>, issue: Issue): RouterArtifact | undefined {
  let text: string;
  try {
    text = readFileSync(artifactPath, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    issue(at, `cannot read router artifact ${artifactPath}: ${reason} (train one with 'switchyard router train')`);
    return undefined;
  }
  try {
    return parseRouterArtifact(JSON.parse(text), artifactPath);
  } catch (error) {
    const detail =
      error instanceof ConfigError ? error.issues.map((problem) => `${problem.path ? `${problem.path}: ` : ''}${problem.message}`).join('; ') : (error as Error).message;
    issue(at, `invalid router artifact ${artifactPath}: ${detail}`);
    return undefined;
  }
}
