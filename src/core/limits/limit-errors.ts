import { GatewayError } from '../../spec/errors.js';
import { merged } from '../../spec/merged.js';

/** Which limit of a scope refused the request. */
export type LimitKind = 'requests_per_minute' | 'tokens_per_minute' | 'max_concurrent';

export interface LimitErrorDetails {
  /** Kind of scope, e.g. `key` or `workload`. */
  scope: string;
  /** Name of the scope, e.g. `team-a`. */
  scopeId: string;
  limitKind: LimitKind;
  limit: number;
  retryAfterMs: number;
}

/**
 * A gateway-side limit (not the provider's) refused the request. Not retryable inside the gateway:
 * retrying the same target would hit the same limit, so the client gets a 429 with `Retry-After`
 * (the error body mapper reads `retryAfterMs`).
 */
export class RateLimitExceededError extends GatewayError {
  readonly code: string = 'rate_limit_exceeded';
  readonly httpStatus = 429;
  readonly isRetryable = false;
  readonly scope: string;
  readonly scopeId: string;
  readonly limitKind: LimitKind;
  readonly limit: number;
  readonly retryAfterMs: number;
  override get type(): string {
    return 'rate_limit_error';
  }

  constructor(details: LimitErrorDetails, message = formatLimitMessage('Rate limit', details)) {
    super(message);
    this.scope = details.scope;
    this.scopeId = details.scopeId;
    this.limitKind = details.limitKind;
    this.limit = details.limit;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** Too many requests of one scope are in flight at once. */
export class ConcurrencyLimitExceededError extends RateLimitExceededError {
  override readonly code = 'concurrency_limit_exceeded';
  constructor(details: Omit<LimitErrorDetails, 'limitKind'>) {
    super(merged(details, { limitKind: 'max_concurrent' }), formatLimitMessage('Concurrency limit', merged(details, { limitKind: 'max_concurrent' })));
  }
}

const LIMIT_UNITS: Record<LimitKind, string> = {
  requests_per_minute: 'requests per minute',
  tokens_per_minute: 'tokens per minute',
  max_concurrent: 'requests in flight',
};

/** e.g. "Rate limit for key 'team-a' exceeded: 60 requests per minute. Retry after 2 s." */
function formatLimitMessage(label: string, details: LimitErrorDetails): string {
  const seconds = Math.max(1, Math.ceil(details.retryAfterMs / 1000));
  return `${label} for ${details.scope} '${details.scopeId}' exceeded: ${details.limit} ${LIMIT_UNITS[details.limitKind]}. Retry after ${seconds} s.`;
}
