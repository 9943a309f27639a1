import type { Usage } from './usage.js';

/**
 * Typed errors. Every error the gateway raises extends GatewayError; one function in `server`
 * maps them to the OpenAI (or Anthropic) error body. `isInstance` checks a `Symbol.for` marker,
 * so it works across duplicate copies of this package.
 */

const MARKER = Symbol.for('switchyard.error');

export interface GatewayErrorOptions {
  cause?: unknown;
  /** The request field at fault, reported as `param` in the OpenAI error body. */
  param?: string;
}

export abstract class GatewayError extends Error {
  /** Stable machine-readable code, e.g. `invalid_request`. */
  abstract readonly code: string;
  /** HTTP status the gateway answers with. */
  abstract readonly httpStatus: number;
  /** Whether retrying the same target may succeed. */
  abstract readonly isRetryable: boolean;
  /** OpenAI error `type` string for the public error body. */
  get type(): string {
    return 'api_error';
  }
  readonly param: string | undefined;

  constructor(message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, MARKER, { value: true });
    this.name = new.target.name;
    this.param = options.param;
  }

  static isInstance(error: unknown): error is GatewayError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** The client sent something wrong: bad JSON, a wrong type, a missing or unsupported field. */
export class InvalidRequestError extends GatewayError {
  readonly code: string;
  readonly httpStatus: number = 400;
  readonly isRetryable = false;
  override get type(): string {
    return 'invalid_request_error';
  }
  constructor(message: string, options: GatewayErrorOptions & { code?: string } = {}) {
    super(message, options);
    this.code = options.code ?? 'invalid_request';
  }
}

/** The request body is larger than the configured limit. */
export class PayloadTooLargeError extends InvalidRequestError {
  override readonly httpStatus = 413;
  constructor(limitBytes: number) {
    super(`Request body exceeds the limit of ${limitBytes} bytes (server.max_body_bytes).`, {
      code: 'payload_too_large',
    });
  }
}

/** Missing or wrong gateway credentials. */
export class AuthenticationError extends GatewayError {
  readonly code = 'unauthenticated';
  readonly httpStatus = 401;
  readonly isRetryable = false;
  override get type(): string {
    return 'authentication_error';
  }
}

/** The caller is authenticated but not allowed to use what it asked for. */
export class PermissionDeniedError extends GatewayError {
  readonly code = 'permission_denied';
  readonly httpStatus = 403;
  readonly isRetryable = false;
  override get type(): string {
    return 'permission_error';
  }
}

/** The model or workload name is not configured. */
export class NoSuchModelError extends GatewayError {
  readonly code = 'model_not_found';
  readonly httpStatus = 404;
  readonly isRetryable = false;
  override get type(): string {
    return 'invalid_request_error';
  }
  constructor(message: string, options: GatewayErrorOptions = {}) {
    super(message, { param: 'model', ...options });
  }
}

export interface ProviderErrorDetails extends GatewayErrorOptions {
  /** Provider name from the config (e.g. `openai-prod`). */
  provider: string;
  /** HTTP status the upstream answered with, if any. */
  upstreamStatus?: number;
  /** The upstream's response body (truncated), for logs. Never contains our credentials. */
  upstreamBody?: string;
  /** How long the upstream asked us to wait, from Retry-After or rate-limit reset headers. */
  retryAfterMs?: number;
  /** Provider error code or type from the body, e.g. `rate_limit_error`. */
  upstreamCode?: string;
}

/** The upstream answered with an HTTP error. */
export class ProviderApiError extends GatewayError {
  readonly code: string = 'provider_http_error';
  readonly provider: string;
  readonly upstreamStatus: number | undefined;
  readonly upstreamBody: string | undefined;
  readonly upstreamCode: string | undefined;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, details: ProviderErrorDetails) {
    super(message, details);
    this.provider = details.provider;
    this.upstreamStatus = details.upstreamStatus;
    this.upstreamBody = details.upstreamBody;
    this.upstreamCode = details.upstreamCode;
    this.retryAfterMs = details.retryAfterMs;
  }
  get isRetryable(): boolean {
    const status = this.upstreamStatus;
    return status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
  }
  /** 4xx from the upstream that describe the request pass through; credential and server faults are 502. */
  get httpStatus(): number {
    const status = this.upstreamStatus;
    if (status === 400 || status === 413 || status === 422) return 400;
    if (status === 429) return 429;
    return 502;
  }
  override get type(): string {
    return this.httpStatus === 400 ? 'invalid_request_error' : 'upstream_error';
  }
}

/** The upstream throttled us (429, or an overloaded signal). */
export class ProviderRateLimitError extends ProviderApiError {
  override readonly code = 'provider_rate_limited';
  override get isRetryable(): boolean {
    return true;
  }
  override get httpStatus(): number {
    return 429;
  }
  override get type(): string {
    return 'rate_limit_error';
  }
}

/**
 * Our account with the upstream is out of quota or credit. Retrying will not help; another
 * deployment may.
 */
export class ProviderQuotaExceededError extends ProviderApiError {
  override readonly code = 'provider_quota_exceeded';
  override get isRetryable(): boolean {
    return false;
  }
  override get httpStatus(): number {
    return 502;
  }
}

/** The prompt plus max output does not fit the model's context window. */
export class ContextLengthExceededError extends ProviderApiError {
  override readonly code = 'context_length_exceeded';
  override get isRetryable(): boolean {
    return false;
  }
  override get httpStatus(): number {
    return 400;
  }
}

/** The provider refused the content (safety filter). */
export class ContentFilterError extends ProviderApiError {
  override readonly code = 'content_filter';
  override get isRetryable(): boolean {
    return false;
  }
  override get httpStatus(): number {
    return 400;
  }
}

/** Connecting to, or waiting for, the upstream took too long. */
export class ProviderTimeoutError extends GatewayError {
  readonly code = 'provider_timeout';
  readonly httpStatus = 504;
  readonly isRetryable = true;
  override get type(): string {
    return 'timeout_error';
  }
  readonly provider: string;
  readonly phase: 'connect' | 'first-token' | 'idle' | 'total';
  constructor(message: string, details: { provider: string; phase: ProviderTimeoutError['phase']; cause?: unknown }) {
    super(message, details);
    this.provider = details.provider;
    this.phase = details.phase;
  }
}

/** The request ran past its deadline (the client's deadline header or the workload's request timeout). */
export class DeadlineExceededError extends GatewayError {
  readonly code = 'deadline_exceeded';
  readonly httpStatus = 504;
  readonly isRetryable = false;
  override get type(): string {
    return 'timeout_error';
  }
}

/** The upstream could not be reached at all (refused, reset, DNS). */
export class ProviderConnectionError extends GatewayError {
  readonly code = 'provider_unreachable';
  readonly httpStatus = 502;
  readonly isRetryable = true;
  override get type(): string {
    return 'upstream_error';
  }
  readonly provider: string;
  constructor(message: string, details: { provider: string; cause?: unknown }) {
    super(message, details);
    this.provider = details.provider;
  }
}

/** The upstream answered, but not in its documented format. */
export class InvalidProviderResponseError extends GatewayError {
  readonly code = 'provider_bad_response';
  readonly httpStatus = 502;
  readonly isRetryable = false;
  override get type(): string {
    return 'upstream_error';
  }
  readonly provider: string;
  constructor(message: string, details: { provider: string; cause?: unknown }) {
    super(message, details);
    this.provider = details.provider;
  }
}

/** A stream broke after bytes were sent to the client; it cannot be retried or spliced. */
export class StreamInterruptedError extends GatewayError {
  readonly code = 'stream_interrupted';
  readonly httpStatus = 502;
  readonly isRetryable = false;
  override get type(): string {
    return 'upstream_error';
  }
}

/** One attempt at one deployment, kept for errors, logs and cost accounting. */
export interface AttemptRecord {
  deployment: string;
  provider: string;
  /**
   * `ok` for the attempt that answered; otherwise the error code, `cancelled` for an attempt
   * abandoned mid-way (a hedge that lost), or `circuit_open` for a deployment skipped unasked.
   */
  code: string;
  message?: string;
  upstreamStatus?: number;
  latencyMs: number;
  /** Which try of this deployment within the request (0 = the first). */
  retry?: number;
  /** Sent as a hedge against a slow attempt. */
  hedge?: boolean;
  /** Tokens the attempt used, where known (the answering attempt). */
  usage?: Usage;
  /** In a cascade: the index of the tier this attempt served (0 = the cheapest). */
  tier?: number;
  /** Why the attempt was made, when not to answer the client: a cascade check (agreement sample, judge). */
  purpose?: 'check';
  /** The upstream's Retry-After on a failed attempt, in ms. */
  retryAfterMs?: number;
}

/** Every deployment tried failed. The status is that of the last, most telling error. */
export class AllTargetsFailedError extends GatewayError {
  readonly code = 'all_targets_failed';
  readonly isRetryable = false;
  readonly attempts: AttemptRecord[];
  readonly lastError: GatewayError;
  constructor(attempts: AttemptRecord[], lastError: GatewayError) {
    const summary = attempts.map((attempt) => `${attempt.deployment}: ${attempt.code}`).join('; ');
    super(`All ${attempts.length} attempt(s) failed (${summary}). Last error: ${lastError.message}`, {
      cause: lastError,
    });
    this.attempts = attempts;
    this.lastError = lastError;
  }
  get httpStatus(): number {
    return this.lastError.httpStatus;
  }
  override get type(): string {
    return this.lastError.type;
  }
  /**
   * When the client may try again: for a rate limit, the soonest any tried deployment said it
   * would accept (the largest would keep the client away longer than needed); else the last error's.
   */
  get retryAfterMs(): number | undefined {
    const own = 'retryAfterMs' in this.lastError && typeof this.lastError.retryAfterMs === 'number' ? this.lastError.retryAfterMs : undefined;
    if (this.lastError.httpStatus !== 429) return own;
    const announced = this.attempts.flatMap((attempt) => (attempt.retryAfterMs === undefined ? [] : [attempt.retryAfterMs]));
    return announced.length === 0 ? own : Math.min(...announced);
  }
}

/** The configuration is invalid; raised at startup or on reload (the old config keeps serving). */
export class ConfigError extends GatewayError {
  readonly code = 'config_invalid';
  readonly httpStatus = 500;
  readonly isRetryable = false;
  /** Each problem: file, path inside it, line when known, and what was expected. */
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(issues.map(formatConfigIssue).join('\n'));
    this.issues = issues;
  }
}

export interface ConfigIssue {
  file: string;
  /** Dotted path with indices, e.g. `models.gpt4o.deployments[0].provider`. */
  path: string;
  line?: number;
  message: string;
}

export function formatConfigIssue(issue: ConfigIssue): string {
  const location = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`;
  return `${location}: ${issue.path || '(root)'}: ${issue.message}`;
}

/** Turns anything thrown into a GatewayError, keeping typed ones as they are. */
export function toGatewayError(error: unknown, provider = 'unknown'): GatewayError {
  if (GatewayError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderConnectionError(`Upstream request failed: ${message}`, { provider, cause: error });
}
