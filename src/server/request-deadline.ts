import { InvalidRequestError } from '../spec/errors.js';
import { requestHeader, type ApiExchange } from './request-context.js';

/** Our deadline header, in milliseconds. */
export const DEADLINE_HEADER = 'x-switchyard-timeout-ms';
/** The OpenAI and Anthropic SDKs send their own timeout, in seconds, in this header. */
const SDK_TIMEOUT_HEADER = 'x-stainless-timeout';

/**
 * The time the client is willing to wait, from `x-switchyard-timeout-ms` or the SDKs'
 * `x-stainless-timeout` (seconds), capped by the configured maximum. Undefined when neither is set.
 */
export function requestDeadlineMs(exchange: ApiExchange, configuredMs: number | undefined): number | undefined {
  const own = requestHeader(exchange, DEADLINE_HEADER);
  let clientMs: number | undefined;
  if (own !== undefined) {
    clientMs = Number(own);
    if (!Number.isFinite(clientMs) || clientMs <= 0) {
      throw new InvalidRequestError(`Header ${DEADLINE_HEADER} must be a positive number of milliseconds, got '${own}'.`, { param: DEADLINE_HEADER });
    }
  } else {
    const sdk = Number(requestHeader(exchange, SDK_TIMEOUT_HEADER));
    if (Number.isFinite(sdk) && sdk > 0) clientMs = sdk * 1000;
  }
  if (clientMs === undefined) return configuredMs;
  return configuredMs === undefined ? clientMs : Math.min(clientMs, configuredMs);
}

