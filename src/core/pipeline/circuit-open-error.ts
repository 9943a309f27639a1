import { GatewayError } from '../../spec/errors.js';

/** Every deployment that could serve the request has its circuit breaker open. */
export class CircuitOpenError extends GatewayError {
  readonly code = 'circuit_open';
  readonly httpStatus = 503;
  readonly isRetryable = false;
  constructor(readonly deployment: string) {
    super(`Deployment ${deployment} is failing and its circuit breaker is open; no healthy alternative was available.`);
  }
  override get type(): string {
    return 'upstream_error';
  }
}
