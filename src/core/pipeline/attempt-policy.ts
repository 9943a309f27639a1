import { GatewayError } from '../../spec/errors.js';

/**
 * Whether a failed attempt should move on to the next target. Client errors (a bad request, a
 * content refusal) would fail the same way anywhere; upstream faults may not.
 */
export function shouldTryNextTarget(error: unknown): boolean {
  if (!GatewayError.isInstance(error)) return true;
  if (error.isRetryable) return true;
  switch (error.code) {
    case 'provider_bad_response':
    case 'stream_interrupted':
    case 'context_length_exceeded':
    case 'provider_quota_exceeded':
      return true;
    case 'provider_http_error':
      // Credential, not-found and similar upstream misconfigurations are specific to one deployment.
      return error.httpStatus === 502;
    default:
      return false;
  }
}
