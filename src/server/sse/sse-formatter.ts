import { GatewayError, StreamInterruptedError } from '../../spec/errors.js';
import type { StreamEvent } from '../../spec/stream-event.js';

/**
 * Turns StreamEvents into one public wire format's SSE frames. Formatters are synchronous and keep
 * their own state; the writers in this folder drive them and deliver the text.
 */
export interface SseFormatter {
  /** The frames for one event; '' when it produces none. `finish` yields the closing frames. */
  event(event: StreamEvent): string;
  /** The closing frame for a failure after the stream began. */
  error(error: GatewayError): string;
}

/** Untyped failures mid-stream are reported as an interrupted stream, never with internal details. */
export function toTypedStreamError(error: unknown): GatewayError {
  if (GatewayError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StreamInterruptedError(`Stream interrupted: ${message}`, { cause: error });
}

/** Raised when an adapter's stream ends without `finish`: the answer is incomplete. */
export function streamEndedWithoutFinish(): StreamInterruptedError {
  return new StreamInterruptedError('Stream interrupted: upstream stream ended without a finish event.');
}
