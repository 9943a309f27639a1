import { z } from 'zod';
import { GatewayError } from '../../spec/errors.js';

/**
 * Why an attempt failed, in the terms a fallback rule is written in. A fallback model is tried
 * only when the failure that led to it matches one of its conditions.
 */
export const FALLBACK_CONDITIONS = [
  'rate_limit',
  'server_error',
  'timeout',
  'connection',
  'bad_response',
  'quota',
  'context_length',
  'content_filter',
  'circuit_open',
] as const;

export type FallbackCondition = (typeof FALLBACK_CONDITIONS)[number];

/**
 * Conditions a fallback gets when its rule names none: every upstream fault, and context length
 * (a larger-context fallback is the usual answer). A content-filter refusal falls back only where
 * the config says so, because sending refused content elsewhere is a policy decision.
 */
export const DEFAULT_FALLBACK_CONDITIONS: ReadonlySet<FallbackCondition> = new Set(
  FALLBACK_CONDITIONS.filter((condition) => condition !== 'content_filter'),
);

export const fallbackRuleSchema = z.union([
  z.string().min(1),
  z
    .object({
      model: z.string().min(1),
      /** Failures that send traffic to this fallback; default: every upstream fault and context length. */
      on: z.array(z.enum(FALLBACK_CONDITIONS)).min(1).optional(),
    })
    .strict(),
]);

export type FallbackRuleInput = z.output<typeof fallbackRuleSchema>;

export interface FallbackRule {
  model: string;
  on: ReadonlySet<FallbackCondition>;
}

export function toFallbackRule(input: FallbackRuleInput): FallbackRule {
  if (typeof input === 'string') return { model: input, on: DEFAULT_FALLBACK_CONDITIONS };
  return { model: input.model, on: input.on ? new Set(input.on) : DEFAULT_FALLBACK_CONDITIONS };
}

/** The condition an error represents, or undefined for errors no fallback should hide (bad client input). */
export function fallbackConditionOf(error: unknown): FallbackCondition | undefined {
  if (!GatewayError.isInstance(error)) return 'connection';
  switch (error.code) {
    case 'provider_rate_limited':
      return 'rate_limit';
    case 'provider_timeout':
      return 'timeout';
    case 'provider_unreachable':
      return 'connection';
    case 'provider_bad_response':
    case 'stream_interrupted':
      return 'bad_response';
    case 'provider_quota_exceeded':
      return 'quota';
    case 'context_length_exceeded':
      return 'context_length';
    case 'content_filter':
      return 'content_filter';
    case 'circuit_open':
      return 'circuit_open';
    case 'provider_http_error':
      // 5xx, and credential or not-found faults that are specific to one deployment.
      return error.httpStatus === 502 ? 'server_error' : undefined;
    default:
      return undefined;
  }
}
