import { AllTargetsFailedError, type AttemptRecord, type GatewayError } from '../../../spec/errors.js';
import type { Usage } from '../../../spec/usage.js';
import type { CascadeCheckKind } from './cascade-config.js';

/**
 * An attempt made by a cascade: a tier's own call (`purpose` unset), or a call a check made
 * (`purpose: 'check'`: an agreement sample or a judge). The objects are the executor's own
 * records, tagged in place, so a streamed attempt's usage still lands on them when it ends.
 */
export interface CascadeAttemptRecord extends AttemptRecord {
  /** Index of the tier the attempt served, 0 for the cheapest. */
  tier: number;
  /** The logical model that was called (the tier's, or the check's model). */
  model: string;
  /** The check that made the call. */
  check?: CascadeCheckKind;
}

/** How one tier went. */
export interface CascadeStep {
  tier: number;
  /** The tier's logical model. */
  model: string;
  /** `accepted`: its answer was used; `escalated`: a check failed; `failed`: the tier did not answer. */
  outcome: 'accepted' | 'escalated' | 'failed';
  /** The check that failed, for an escalation. */
  check?: CascadeCheckKind;
  /** Why it escalated or failed. */
  reason?: string;
  /** The check could not be evaluated (no logprobs, no judge score, the check's call failed). */
  unavailable?: boolean;
  /** Tokens of the tier's answer; for a live-streamed last tier, filled in when the stream ends. */
  usage?: Usage;
  /** Time spent on the tier, its checks included; for a streamed tier, until the stream opened. */
  latencyMs: number;
}

/** Tokens a tier spent: on its own calls and on the calls its checks made. */
export interface CascadeTierUsage {
  tier: number;
  model: string;
  /** Summed over every attempt of the tier's own calls (failed and cancelled ones included where known). */
  answer: Usage;
  /** Summed over every check call made on the tier's answer (possibly several models: cost them per attempt). */
  checks: Usage;
}

/** The last tier failed too: every attempt of every tier and check, and how each tier went. */
export class CascadeFailedError extends AllTargetsFailedError {
  readonly steps: CascadeStep[];
  override readonly attempts: CascadeAttemptRecord[];
  constructor(attempts: CascadeAttemptRecord[], lastError: GatewayError, steps: CascadeStep[]) {
    super(attempts, lastError);
    this.attempts = attempts;
    this.steps = steps;
  }
}

/** Sums usages; a count stays undefined only when no usage reported it. */
export function sumUsage(usages: Iterable<Usage | undefined>): Usage {
  const total: Usage = { inputTokens: undefined, outputTokens: undefined };
  const add = (current: number | undefined, value: number | undefined) => (value === undefined ? current : (current ?? 0) + value);
  for (const usage of usages) {
    if (usage === undefined) continue;
    total.inputTokens = add(total.inputTokens, usage.inputTokens);
    total.outputTokens = add(total.outputTokens, usage.outputTokens);
    const cacheRead = add(total.cacheReadInputTokens, usage.cacheReadInputTokens);
    if (cacheRead !== undefined) total.cacheReadInputTokens = cacheRead;
    const cacheWrite = add(total.cacheWriteInputTokens, usage.cacheWriteInputTokens);
    if (cacheWrite !== undefined) total.cacheWriteInputTokens = cacheWrite;
    const reasoning = add(total.reasoningTokens, usage.reasoningTokens);
    if (reasoning !== undefined) total.reasoningTokens = reasoning;
  }
  return total;
}

/** Per-tier token totals from a cascade's attempts. */
export function usageByTier(tierModels: readonly string[], attempts: readonly CascadeAttemptRecord[]): CascadeTierUsage[] {
  return tierModels.map((model, tier) => ({
    tier,
    model,
    answer: sumUsage(attempts.filter((attempt) => attempt.tier === tier && attempt.purpose !== 'check').map((attempt) => attempt.usage)),
    checks: sumUsage(attempts.filter((attempt) => attempt.tier === tier && attempt.purpose === 'check').map((attempt) => attempt.usage)),
  }));
}
