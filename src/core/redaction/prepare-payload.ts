import { redactValue } from './redactor.js';
import { truncateJson } from './truncate-json.js';

/** `request_log.capture_payloads` as the recorder needs it. */
export interface PayloadCaptureSettings {
  /** Cap on each of request and response, in bytes of UTF-8 JSON. */
  maxBytes: number;
  /** Off only when the log itself is trusted with raw prompts (unsafe: secrets and personal data are stored). */
  redact: boolean;
}

export interface CapturedPayload {
  request?: unknown;
  response?: unknown;
}

/**
 * Makes a captured request/response fit for the log: redacted first (so a cut never leaves half
 * a secret behind), then truncated, each side separately.
 */
export function preparePayload(payload: CapturedPayload, settings: PayloadCaptureSettings): CapturedPayload {
  const prepare = (value: unknown) => truncateJson(settings.redact ? redactValue(value).value : value, settings.maxBytes);
  const prepared: CapturedPayload = {};
  if (payload.request !== undefined) prepared.request = prepare(payload.request);
  if (payload.response !== undefined) prepared.response = prepare(payload.response);
  return prepared;
}
