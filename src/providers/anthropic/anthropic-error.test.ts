import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeSharedDispatcher } from '../../provider-utils/index.js';
import type { ChatCall } from '../../spec/chat-call.js';
import {
  ContextLengthExceededError,
  GatewayError,
  ProviderApiError,
  ProviderRateLimitError,
} from '../../spec/errors.js';
import { createTestServer, type FakeResponse, type TestServer } from '../../../test/support/create-test-server.js';
import { createAnthropic } from './index.js';

let server: TestServer;

beforeEach(async () => {
  server = await createTestServer();
});
afterEach(async () => {
  await server.close();
});
afterAll(async () => {
  await closeSharedDispatcher();
});

const hello: ChatCall = { messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }] };

/** Anthropic's documented error body. @see https://docs.anthropic.com/en/api/errors */
function anthropicError(status: number, type: string, message: string, headers: Record<string, string> = {}): FakeResponse {
  return {
    type: 'json',
    status,
    headers: { 'request-id': 'req_018EeWyXxfu5pfWkrYcMdjWG', ...headers },
    body: { type: 'error', error: { type, message }, request_id: 'req_018EeWyXxfu5pfWkrYcMdjWG' },
  };
}

const model = () =>
  createAnthropic({ name: 'anthropic-test', baseUrl: `${server.url}/v1`, apiKey: 'sk-ant-test' }).languageModel('claude-sonnet-4-5');

const cases: Array<{
  name: string;
  response: FakeResponse;
  errorClass: abstract new (...args: never[]) => GatewayError;
  expected: Record<string, unknown>;
}> = [
  {
    name: '400 invalid_request_error',
    response: anthropicError(400, 'invalid_request_error', 'messages: roles must alternate between "user" and "assistant"'),
    errorClass: ProviderApiError,
    expected: { code: 'provider_http_error', upstreamStatus: 400, upstreamCode: 'invalid_request_error', isRetryable: false, httpStatus: 400 },
  },
  {
    name: '400 prompt is too long',
    response: anthropicError(400, 'invalid_request_error', 'prompt is too long: 208310 tokens > 200000 maximum'),
    errorClass: ContextLengthExceededError,
    expected: { code: 'context_length_exceeded', upstreamStatus: 400, isRetryable: false, httpStatus: 400 },
  },
  {
    name: '401 authentication_error',
    response: anthropicError(401, 'authentication_error', 'invalid x-api-key'),
    errorClass: ProviderApiError,
    expected: { code: 'provider_http_error', upstreamStatus: 401, upstreamCode: 'authentication_error', isRetryable: false, httpStatus: 502 },
  },
  {
    name: '403 permission_error',
    response: anthropicError(403, 'permission_error', 'Your API key does not have permission to use the specified resource.'),
    errorClass: ProviderApiError,
    expected: { upstreamStatus: 403, isRetryable: false },
  },
  {
    name: '404 not_found_error',
    response: anthropicError(404, 'not_found_error', 'model: claude-sonnet-4-5'),
    errorClass: ProviderApiError,
    expected: { upstreamStatus: 404, upstreamCode: 'not_found_error', isRetryable: false, httpStatus: 502 },
  },
  {
    name: '413 request_too_large',
    response: anthropicError(413, 'request_too_large', 'Request exceeds the maximum allowed number of bytes.'),
    errorClass: ProviderApiError,
    expected: { upstreamStatus: 413, isRetryable: false, httpStatus: 400 },
  },
  {
    name: '429 rate_limit_error with retry-after',
    response: anthropicError(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', {
      'retry-after': '17',
      'anthropic-ratelimit-requests-remaining': '0',
    }),
    errorClass: ProviderRateLimitError,
    expected: { code: 'provider_rate_limited', upstreamStatus: 429, retryAfterMs: 17_000, isRetryable: true, httpStatus: 429 },
  },
  {
    name: '500 api_error',
    response: anthropicError(500, 'api_error', 'Internal server error'),
    errorClass: ProviderApiError,
    expected: { code: 'provider_http_error', upstreamStatus: 500, upstreamCode: 'api_error', isRetryable: true, httpStatus: 502 },
  },
  {
    name: '503 with a non-JSON body (from a proxy)',
    response: { type: 'text', status: 503, body: 'upstream connect error or disconnect/reset before headers' },
    errorClass: ProviderApiError,
    expected: { upstreamStatus: 503, upstreamCode: undefined, isRetryable: true },
  },
  {
    name: '529 overloaded_error',
    response: anthropicError(529, 'overloaded_error', 'Overloaded'),
    errorClass: ProviderRateLimitError,
    expected: { upstreamStatus: 529, upstreamCode: 'overloaded_error', isRetryable: true },
  },
];

describe.each([
  ['generate', (call: ChatCall) => model().generate(call)],
  ['stream', (call: ChatCall) => model().stream(call)],
])('Anthropic HTTP errors (%s)', (_mode, run) => {
  it.each(cases)('$name', async ({ response, errorClass, expected }) => {
    server.enqueue('/v1/messages', response);
    const error = await run(hello).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toMatchObject({ provider: 'anthropic-test', ...expected });
    expect(GatewayError.isInstance(error)).toBe(true);
    // The provider's own message is kept for logs and the client.
    if (response.type === 'json') {
      const body = response.body as { error: { message: string } };
      expect((error as Error).message).toContain(body.error.message);
    }
  });
});
