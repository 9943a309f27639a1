import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServer, type FakeResponse, type TestServer } from '../../../test/support/create-test-server.js';
import { closeSharedDispatcher } from '../../provider-utils/index.js';
import {
  ContextLengthExceededError,
  GatewayError,
  InvalidProviderResponseError,
  ProviderApiError,
  ProviderConnectionError,
  ProviderRateLimitError,
} from '../../spec/errors.js';
import { loadOpenAIJson } from './__fixtures__/load-openai-compatible-fixture.js';
import { createOpenAICompatible, type OpenAICompatibleProviderType } from './index.js';

const PATH = '/v1/chat/completions';

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

async function failingGenerate(response: FakeResponse, profile: OpenAICompatibleProviderType = 'openai'): Promise<GatewayError> {
  server.enqueue(PATH, response);
  const model = createOpenAICompatible({ name: 'upstream-test', baseUrl: `${server.url}/v1`, apiKey: 'sk-test', profile }).languageModel(
    'gpt-4o',
  );
  const error = await model.generate({ messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] }).catch(
    (caught: unknown) => caught,
  );
  expect(GatewayError.isInstance(error)).toBe(true);
  return error as GatewayError;
}

function jsonError(status: number, fixture: string, headers?: Record<string, string>): FakeResponse {
  return { type: 'json', status, body: loadOpenAIJson(fixture), ...(headers ? { headers } : {}) };
}

describe('mapOpenAICompatibleError', () => {
  it('maps 400 context_length_exceeded to ContextLengthExceededError', async () => {
    const error = await failingGenerate(jsonError(400, 'openai-400-context-length'));
    expect(error).toBeInstanceOf(ContextLengthExceededError);
    expect(error).toMatchObject({
      code: 'context_length_exceeded',
      httpStatus: 400,
      isRetryable: false,
      upstreamStatus: 400,
      upstreamCode: 'context_length_exceeded',
      provider: 'upstream-test',
    });
    expect(error.message).toBe(
      "Upstream upstream-test answered 400: This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens. Please reduce the length of the messages.",
    );
  });

  it("maps vLLM's flat {object:'error'} context-length body by its message", async () => {
    const error = await failingGenerate(jsonError(400, 'vllm-400-context-length'), 'vllm');
    expect(error).toBeInstanceOf(ContextLengthExceededError);
    expect(error).toMatchObject({ upstreamCode: '400', upstreamStatus: 400 });
    expect(error.message).toContain("This model's maximum context length is 4096 tokens");
  });

  it('maps a plain 400 to a non-retryable ProviderApiError that passes through as 400', async () => {
    const error = await failingGenerate(jsonError(400, 'openai-400-invalid-request'));
    expect(error.constructor).toBe(ProviderApiError);
    expect(error).toMatchObject({
      code: 'provider_http_error',
      httpStatus: 400,
      isRetryable: false,
      type: 'invalid_request_error',
      upstreamCode: 'invalid_request_error',
    });
    expect(error.message).toContain("Invalid value for 'tool_choice'");
  });

  it('maps 401 invalid_api_key to a non-retryable 502 (our credentials, not the caller’s fault)', async () => {
    const error = await failingGenerate(jsonError(401, 'openai-401-invalid-api-key'));
    expect(error.constructor).toBe(ProviderApiError);
    expect(error).toMatchObject({ httpStatus: 502, isRetryable: false, upstreamStatus: 401, upstreamCode: 'invalid_api_key' });
    expect(error.message).toContain('Incorrect API key provided');
  });

  it('maps 404 model_not_found to a non-retryable ProviderApiError', async () => {
    const error = await failingGenerate(jsonError(404, 'openai-404-model-not-found'));
    expect(error.constructor).toBe(ProviderApiError);
    expect(error).toMatchObject({ isRetryable: false, upstreamStatus: 404, upstreamCode: 'model_not_found' });
  });

  it.each([
    [{ 'retry-after': '7' }, 7000],
    [{ 'retry-after-ms': '1500', 'retry-after': '7' }, 1500],
    [{ 'x-ratelimit-reset-requests': '6m0s', 'x-ratelimit-reset-tokens': '20ms' }, 360_000],
    [{ 'x-ratelimit-reset-tokens': '1s' }, 1000],
  ])('maps 429 with %o to ProviderRateLimitError with retryAfterMs %i', async (headers, retryAfterMs) => {
    const error = await failingGenerate(jsonError(429, 'openai-429-rate-limit', headers));
    expect(error).toBeInstanceOf(ProviderRateLimitError);
    expect(error).toMatchObject({
      code: 'provider_rate_limited',
      httpStatus: 429,
      isRetryable: true,
      retryAfterMs,
      upstreamCode: 'rate_limit_exceeded',
    });
  });

  it('maps 429 without any hint to a rate limit without retryAfterMs', async () => {
    const error = await failingGenerate(jsonError(429, 'openai-429-rate-limit'));
    expect(error).toBeInstanceOf(ProviderRateLimitError);
    expect((error as ProviderRateLimitError).retryAfterMs).toBeUndefined();
  });

  it.each([
    [500, 'openai-500-server-error', 'server_error'],
    [503, 'openai-503-overloaded', 'server_error'],
  ])('maps %i to a retryable ProviderApiError answered as 502', async (status, fixture, upstreamCode) => {
    const error = await failingGenerate(jsonError(status, fixture));
    expect(error.constructor).toBe(ProviderApiError);
    expect(error).toMatchObject({ httpStatus: 502, isRetryable: true, upstreamStatus: status, upstreamCode });
  });

  it('reads the {error: "..."} string body of Ollama', async () => {
    const error = await failingGenerate(jsonError(404, 'ollama-404-model-not-found'), 'ollama');
    expect(error).toMatchObject({ upstreamStatus: 404, isRetryable: false });
    expect(error.message).toBe('Upstream upstream-test answered 404: model "llama3.3" not found, try pulling it first');
  });

  it('reads the TGI {error, error_type} body and recognises its token-limit message', async () => {
    const error = await failingGenerate(jsonError(422, 'tgi-422-validation'), 'tgi');
    expect(error).toBeInstanceOf(ContextLengthExceededError);
    expect(error).toMatchObject({ upstreamStatus: 422, upstreamCode: 'context_length_exceeded' });
  });

  it('keeps the TGI error_type of other validation errors', async () => {
    const error = await failingGenerate(
      { type: 'json', status: 422, body: { error: 'Input validation error: `temperature` must be strictly positive', error_type: 'validation' } },
      'tgi',
    );
    expect(error.constructor).toBe(ProviderApiError);
    expect(error).toMatchObject({ httpStatus: 400, upstreamStatus: 422, upstreamCode: 'validation' });
  });

  it('keeps a truncated non-JSON 502 HTML body as the message', async () => {
    const html = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
    const error = await failingGenerate({ type: 'text', status: 502, body: html, headers: { 'content-type': 'text/html' } });
    expect(error.constructor).toBe(ProviderApiError);
    expect(error).toMatchObject({ httpStatus: 502, isRetryable: true, upstreamStatus: 502, upstreamCode: undefined, upstreamBody: html });
    expect(error.message).toContain('<title>502 Bad Gateway</title>');
  });

  it('maps an empty error body to its status', async () => {
    const error = await failingGenerate({ type: 'text', status: 500, body: '' });
    expect(error.message).toBe('Upstream upstream-test answered 500: HTTP 500');
  });

  it('maps a dropped connection to a retryable ProviderConnectionError', async () => {
    const error = await failingGenerate({ type: 'reset' });
    expect(error).toBeInstanceOf(ProviderConnectionError);
    expect(error).toMatchObject({ isRetryable: true, provider: 'upstream-test' });
  });

  it('maps an invalid JSON 200 body to InvalidProviderResponseError', async () => {
    const error = await failingGenerate({ type: 'text', status: 200, body: 'Internal Server Error' });
    expect(error).toBeInstanceOf(InvalidProviderResponseError);
  });
});
