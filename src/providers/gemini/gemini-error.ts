import {
  classifyUpstreamError,
  parseDurationMs,
  parseRetryAfterMs,
  truncate,
  tryParseJson,
  type UpstreamFailure,
} from '../../provider-utils/index.js';
import { ContentFilterError, type GatewayError } from '../../spec/errors.js';
import { geminiErrorBodySchema, type GeminiErrorBody } from './gemini-api.js';
import { merged } from '../../spec/merged.js';

const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

/**
 * Classifies a Gemini error answer: `{"error":{"code":429,"message":"…","status":"RESOURCE_EXHAUSTED","details":[…]}}`.
 * The gRPC status name (`RESOURCE_EXHAUSTED`, `INVALID_ARGUMENT`, …) is the error code.
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
export function mapGeminiError(failure: UpstreamFailure): GatewayError {
  const body = readGeminiErrorBody(tryParseJson(failure.bodyText));
  return classifyUpstreamError(adjustFailure(failure, body), {
    message: body?.error.message ?? undefined,
    code: body?.error.status ?? undefined,
  });
}

/**
 * An error sent inside a 200 stream (`data: {"error":{…}}`). It has no HTTP status of its own, so
 * the status comes from `error.code`, defaulting to 500.
 */
export function mapGeminiStreamError(provider: string, body: GeminiErrorBody, bodyText: string): GatewayError {
  return mapGeminiError({ provider, status: body.error.code ?? 500, headers: {}, bodyText });
}

/** Gemini answers some errors (e.g. from the non-SSE stream endpoint) as a one-element array. */
export function readGeminiErrorBody(value: unknown): GeminiErrorBody | undefined {
  const candidate = Array.isArray(value) ? value[0] : value;
  const parsed = geminiErrorBodySchema.safeParse(candidate);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Two Gemini habits the shared classifier cannot see in the status and headers alone:
 * - The quota system sends its retry delay in the body (`RetryInfo.retryDelay: "34.4s"`), not in a
 *   header; we pass it on as `retry-after-ms` when no header gave one.
 * - A wrong API key comes back as 400 INVALID_ARGUMENT with reason API_KEY_INVALID. Classified as a
 *   400 it would blame the client's request, so it is treated as the credential fault (401) it is.
 */
function adjustFailure(failure: UpstreamFailure, body: GeminiErrorBody | undefined): UpstreamFailure {
  const details = body?.error.details ?? [];
  let adjusted = failure;
  if (details.some((detail) => detail.reason === 'API_KEY_INVALID')) {
    adjusted = merged(adjusted, { status: 401 });
  }
  if (parseRetryAfterMs(failure.headers) === undefined) {
    const retryInfo = details.find((detail) => detail['@type'] === RETRY_INFO_TYPE);
    const delayMs = parseDurationMs(retryInfo?.retryDelay ?? undefined);
    if (delayMs !== undefined) {
      adjusted = merged(adjusted, { headers: merged(adjusted.headers, { 'retry-after-ms': String(delayMs) }) });
    }
  }
  return adjusted;
}

/**
 * Gemini answers 200 with no candidates and `promptFeedback.blockReason` when it refuses the prompt
 * itself. Nothing was generated, so this is an error (400 `content_filter`, as OpenAI answers a
 * filtered prompt) rather than an empty result with a `content-filter` finish reason, which is kept
 * for candidates stopped mid-generation.
 * @see https://ai.google.dev/api/generate-content#PromptFeedback
 */
export function promptBlockedError(provider: string, blockReason: string, body: unknown): ContentFilterError {
  return new ContentFilterError(`Upstream ${provider} blocked the prompt: ${blockReason}`, {
    provider,
    upstreamStatus: 200,
    upstreamCode: blockReason,
    upstreamBody: truncate(JSON.stringify(body) ?? '', 2000),
  });
}
