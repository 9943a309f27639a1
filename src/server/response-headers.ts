import type { CallWarning } from '../spec/chat-result.js';
import type { Execution } from '../core/pipeline/execute.js';
import type { RoutePlan } from '../core/routing/resolve-route.js';
import { OPENAI_PARAMETER_NAMES } from './wire-parameter-names.js';

/** Headers that tell the client how its request was routed. ASCII only, as HTTP requires. */
export function routingHeaders(
  requestId: string,
  plan: RoutePlan,
  execution: Pick<Execution<unknown>, 'target' | 'attempts' | 'cache'>,
  warnings: CallWarning[] = [],
  /** How the client's API names the settings a warning is about (OpenAI's unless given). */
  parameterNames: Readonly<Record<string, string>> = OPENAI_PARAMETER_NAMES,
): Record<string, string> {
  const headers: Record<string, string> = {
    'x-request-id': requestId,
    // The logical model that answered: after a fallback to another model, that model, not the route's first.
    'x-switchyard-model': execution.target.deployment.modelName,
    'x-switchyard-deployment': execution.target.deployment.id,
    'x-switchyard-route': asciiHeader(plan.reason),
    'x-switchyard-attempts': String(execution.attempts.filter((attempt) => attempt.code !== 'circuit_open').length),
  };
  if (plan.workload) headers['x-switchyard-workload'] = plan.workload;
  if (plan.router !== undefined) headers['x-switchyard-router'] = plan.router;
  if (plan.score !== undefined) headers['x-switchyard-route-score'] = plan.score.toFixed(4);
  if (execution.cache) headers['x-switchyard-cache'] = execution.cache;
  // Simulated answers must never pass for real ones.
  if (execution.target.deployment.providerConfig.type === 'simulated') headers['x-switchyard-simulated'] = 'true';
  if (warnings.length > 0) {
    headers['x-switchyard-warnings'] = asciiHeader(
      warnings.map((warning) => (warning.type === 'unsupported-setting' ? `unsupported:${parameterNames[warning.setting] ?? warning.setting}` : warning.message)).join('; '),
    );
  }
  return headers;
}

function asciiHeader(value: string): string {
  return value.replaceAll('→', '->').replace(/[^\x20-\x7e]/g, '?').slice(0, 512);
}
