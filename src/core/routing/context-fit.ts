import type { ChatCall } from '../../spec/chat-call.js';
import { InvalidRequestError } from '../../spec/errors.js';
import { DEFAULT_MAX_OUTPUT_TOKENS as ANTHROPIC_DEFAULT_MAX_OUTPUT_TOKENS } from '../../providers/anthropic/build-anthropic-request.js';
import type { ResolvedDeployment } from '../config/resolve-config.js';
import { CallTokenCounts } from './tokens/count-input-tokens.js';
import { tokenizerForDeployment } from './tokens/deployment-tokenizer.js';
import { defaultModelLimits } from './tokens/model-limits.js';
import { isExactFamily } from './tokens/tokenizer-family.js';
import { merged } from '../../spec/merged.js';

export { tokenizerForDeployment } from './tokens/deployment-tokenizer.js';

/**
 * Context fit: a request is never sent to a deployment whose context window cannot hold its input
 * plus its maximum output. Windows come from the deployment's config (`context_window`,
 * `max_output_tokens`), else the shipped table (tokens/model-limits.json); a deployment with no
 * known window is kept (we cannot tell) and reported as unknown.
 *
 * Cheap first: exact tokenizing costs about 0.2 ms per 1.5 KB warm and grows with the prompt (tens
 * of ms for a few hundred KB), while the UTF-8 length, which bounds every tokenizer's count from
 * above, costs microseconds. So a deployment is tokenized for only when that bound plus the output
 * does not fit its window, which for ordinary prompts is never.
 */

/** What context fit needs of a deployment (a ResolvedDeployment has it all). */
export type FitDeployment = Pick<ResolvedDeployment, 'id' | 'modelName' | 'model' | 'context_window' | 'max_output_tokens'> & {
  providerConfig: { type: string };
};

export interface ContextLimits {
  /** Tokens of input plus output the deployment holds; undefined when unknown. */
  contextWindow?: number;
  /** Most output tokens per answer, when known. */
  maxOutputTokens?: number;
  /** Where the window came from. */
  source: 'config' | 'catalogue' | 'unknown';
}

/**
 * Output tokens assumed for the fit check of a call that sets no `max_tokens` on a deployment without
 * a configured `max_output_tokens`: room for a modest answer. The model's catalogue maximum is not
 * used: OpenAI-style APIs accept a call without `max_tokens` whose input leaves less room than that,
 * so reserving it would refuse requests the upstream takes. Anthropic requires `max_tokens`, so
 * there the adapter's default (4096, what it sends) is used instead.
 */
export const DEFAULT_FIT_OUTPUT_TOKENS = 1024;

const limitsMemo = new WeakMap<object, ContextLimits>();

/** The context limits of a deployment (config over catalogue), computed once per resolved deployment. */
export function contextLimitsOf(deployment: FitDeployment): ContextLimits {
  let limits = limitsMemo.get(deployment);
  if (!limits) {
    const entry = deployment.context_window === undefined || deployment.max_output_tokens === undefined ? defaultModelLimits().find(deployment.model) : undefined;
    const contextWindow = deployment.context_window ?? entry?.context_window;
    limits = {
      contextWindow,
      maxOutputTokens: deployment.max_output_tokens ?? entry?.max_output_tokens,
      source: deployment.context_window !== undefined ? 'config' : contextWindow !== undefined ? 'catalogue' : 'unknown',
    };
    limitsMemo.set(deployment, limits);
  }
  return limits;
}

/** `inputTokensFor` for a request: each deployment counts with its own tokenizer family (once per family). */
export function inputTokensByDeployment(counts: CallTokenCounts): (deployment: FitDeployment) => number {
  return (deployment) => counts.count(tokenizerForDeployment(deployment));
}

/** Output tokens the fit check reserves on a deployment (see {@link DEFAULT_FIT_OUTPUT_TOKENS}). */
export function outputTokensForFit(deployment: FitDeployment, maxOutputTokens: number | undefined): number {
  if (maxOutputTokens !== undefined) return maxOutputTokens;
  if (deployment.max_output_tokens !== undefined) return deployment.max_output_tokens;
  return deployment.providerConfig.type === 'anthropic' ? ANTHROPIC_DEFAULT_MAX_OUTPUT_TOKENS : DEFAULT_FIT_OUTPUT_TOKENS;
}

/** A deployment the request does not fit. */
export interface ContextMisfit {
  deployment: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  contextWindow: number;
  /** `openai/gpt-4o-mini: 131000 input + 4096 output > 128000 window` */
  description: string;
}

export interface ContextFitResult<T> {
  /** Targets that fit, or whose window is unknown, in their original order. */
  fits: T[];
  misfits: ContextMisfit[];
  /** Ids of deployments kept without a check because no window is known for them. */
  unknown: string[];
}

export interface ContextFitOptions {
  /** An upper bound on the input tokens (`CallTokenCounts.upperBound()`), which settles most checks without counting. */
  inputTokensUpperBound?: number;
}

/**
 * Splits targets into those the request fits and those it does not. `inputTokensFor` counts the input
 * with a deployment's tokenizer (see {@link inputTokensByDeployment}); it is only called for
 * deployments where the cheap upper bound does not settle the question.
 */
export function checkContextFit<T extends { deployment: FitDeployment }>(
  targets: readonly T[],
  inputTokensFor: (deployment: FitDeployment) => number,
  maxOutputTokens: number | undefined,
  options: ContextFitOptions = {},
): ContextFitResult<T> {
  const result: ContextFitResult<T> = { fits: [], misfits: [], unknown: [] };
  for (const target of targets) {
    const { deployment } = target;
    const { contextWindow } = contextLimitsOf(deployment);
    if (contextWindow === undefined) {
      result.unknown.push(deployment.id);
      result.fits.push(target);
      continue;
    }
    const outputTokens = outputTokensForFit(deployment, maxOutputTokens);
    if (options.inputTokensUpperBound !== undefined && options.inputTokensUpperBound + outputTokens <= contextWindow) {
      result.fits.push(target);
      continue;
    }
    const inputTokens = inputTokensFor(deployment);
    if (inputTokens + outputTokens <= contextWindow) {
      result.fits.push(target);
      continue;
    }
    result.misfits.push({
      deployment: deployment.id,
      model: deployment.modelName,
      inputTokens,
      outputTokens,
      contextWindow,
      // Only OpenAI families are counted exactly; elsewhere the count is a deliberately high estimate.
      description: `${deployment.id}: ${isExactFamily(tokenizerForDeployment(deployment)) ? '' : '~'}${inputTokens} input + ${outputTokens} output > ${contextWindow} window`,
    });
  }
  return result;
}

export interface GroupFitResult<G> {
  /** The groups with only fitting targets; groups left empty are dropped. */
  groups: G[];
  misfits: ContextMisfit[];
  unknown: string[];
}

/**
 * Filters deployment groups (a route plan's groups, or a cascade's tiers mapped to their targets)
 * to the targets the request fits. Groups that had targets and lost them all are dropped.
 */
export function fitGroups<T extends { deployment: FitDeployment }, G extends { model: string; targets: readonly T[] }>(
  groups: readonly G[],
  inputTokensFor: (deployment: FitDeployment) => number,
  maxOutputTokens: number | undefined,
  options: ContextFitOptions = {},
): GroupFitResult<G> {
  const result: GroupFitResult<G> = { groups: [], misfits: [], unknown: [] };
  for (const group of groups) {
    const fit = checkContextFit(group.targets, inputTokensFor, maxOutputTokens, options);
    result.misfits.push(...fit.misfits);
    result.unknown.push(...fit.unknown);
    if (fit.misfits.length === 0) result.groups.push(group);
    else if (fit.fits.length > 0) result.groups.push(merged(group, { targets: fit.fits }) as G);
  }
  return result;
}

/** A group of deployments: one logical model's targets, tried on the failures in `on` (none for a primary). */
export interface FitGroup {
  model: string;
  on?: unknown;
  targets: ReadonlyArray<{ deployment: FitDeployment }>;
}

/**
 * What context fit needs of a route plan (resolve-route's RoutePlan has it). Structural, so this
 * module does not import the registry that resolve-route depends on.
 */
export interface FitPlan {
  model: string;
  reason: string;
  groups: readonly FitGroup[];
}

export interface PlanFitResult<P extends FitPlan> {
  plan: P;
  misfits: ContextMisfit[];
  unknown: string[];
}

/**
 * A route plan with every deployment the call cannot fit removed. When the primary model's group is
 * gone, the first remaining group becomes primary (its fallback conditions cleared: the primary could
 * never have answered). Throws {@link contextLengthError} when the plan had targets and none fit.
 */
export function fitRoutePlan<P extends FitPlan>(
  call: ChatCall,
  plan: P,
  counts: CallTokenCounts = new CallTokenCounts(call),
): PlanFitResult<P> {
  const fit = fitGroups(plan.groups, inputTokensByDeployment(counts), call.maxOutputTokens, { inputTokensUpperBound: counts.upperBound() });
  if (fit.misfits.length === 0) return { plan, misfits: [], unknown: fit.unknown };
  const [first, ...rest] = fit.groups;
  if (!first) throw contextLengthError(fit.misfits);
  // fitGroups keeps each group's fields and only narrows its targets to a subset of the same
  // targets, so the groups are still P's groups; a promoted primary loses only `on`.
  const groups = [first === plan.groups[0] ? first : merged(first, { on: undefined }), ...rest] as unknown as P['groups'];
  const skipped = fit.misfits.map((misfit) => misfit.deployment).join(', ');
  return { plan: merged(plan, { model: first.model, groups, reason: `${plan.reason}; context: skipped ${skipped}` }) as P, misfits: fit.misfits, unknown: fit.unknown };
}

/** The 400 for a request no candidate can hold, naming each deployment's input, output and window. */
export function contextLengthError(misfits: readonly ContextMisfit[]): InvalidRequestError {
  const details = misfits.map((misfit) => misfit.description).join('; ');
  return new InvalidRequestError(
    `The request does not fit the context window of any candidate model (input + max output tokens must fit): ${details}. ` +
      'Shorten the messages or lower max_tokens.',
    { code: 'context_length_exceeded', param: 'messages' },
  );
}
