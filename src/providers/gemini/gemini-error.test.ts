import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from '../../../test/support/create-test-server.js';
import { closeSharedDispatcher } from '../../provider-utils/index.js';
import {
  ContextLengthExceededError,
  GatewayError,
  ProviderApiError,
  ProviderRateLimitError,
} from '../../spec/errors.js';
import { loadFixture } from './__fixtures__/fixtures.js';
import { createGemini } from './index.js';

const GENERATE_PATH = '/v1beta/models/gemini-2.5-flash:generateContent';

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

async function failingGenerate(status: number, body: unknown, headers?: Record<string, string>): Promise<GatewayError> {
  server.enqueue(GENERATE_PATH, { type: 'json', status, body, ...(headers ? { headers } : {}) });
  const model = createGemini({ name: 'gemini-test', baseUrl: `${server.url}/v1beta`, apiKey: 'test-api-key' }).languageModel(
    'gemini-2.5-flash',
  );
  const error = await model.generate({ messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] }).catch(
    (caught: unknown) => caught,
  );
  expect(GatewayError.isInstance(error)).toBe(true);
  return error as GatewayError;
}

describe('mapGeminiError', () => {
  it('maps 429 RESOURCE_EXHAUSTED to ProviderRateLimitError with the RetryInfo delay', async () => {
    const error = await failingGenerate(429, loadFixture('gemini-429-retry-info.json'));
    expect(error).toBeInstanceOf(ProviderRateLimitError);
    expect(error).toMatchObject({
      code: 'provider_rate_limited',
      httpStatus: 429,
      isRetryable: true,
      retryAfterMs: 34_400,
      upstreamStatus: 429,
      upstreamCode: 'RESOURCE_EXHAUSTED',
      provider: 'gemini-test',
    });
    expect(error.message).toContain('You exceeded your current quota');
  });

  it('prefers a Retry-After header over the RetryInfo body delay', async () => {
    const error = await failingGenerate(429, loadFixture('gemini-429-retry-info.json'), { 'retry-after': '7' });
    expect(error).toMatchObject({ retryAfterMs: 7000 });
  });

  it('maps 429 without any retry hint to a rate limit without retryAfterMs', async () => {
    const error = await failingGenerate(429, { error: { code: 429, message: 'Resource exhausted', status: 'RESOURCE_EXHAUSTED' } });
    expect(error).toBeInstanceOf(ProviderRateLimitError);
    expect((error as ProviderRateLimitError).retryAfterMs).toBeUndefined();
  });

  it('maps the input-token-count 400 to ContextLengthExceededError', async () => {
    const error = await failingGenerate(400, loadFixture('gemini-400-context-length.json'));
    expect(error).toBeInstanceOf(ContextLengthExceededError);
    expect(error).toMatchObject({ code: 'context_length_exceeded', httpStatus: 400, isRetryable: false, upstreamCode: 'INVALID_ARGUMENT' });
  });

  it('maps other 400 INVALID_ARGUMENT errors to a non-retryable 400', async () => {
    const error = await failingGenerate(400, loadFixture('gemini-400-invalid-argument.json'));
    expect(error).toBeInstanceOf(ProviderApiError);
    expect(error).toMatchObject({ code: 'provider_http_error', httpStatus: 400, isRetryable: false, upstreamCode: 'INVALID_ARGUMENT' });
    expect(error.message).toContain('should be non-empty for OBJECT type');
  });

  it('treats 400 API_KEY_INVALID as a credential fault (401 upstream, 502 to the client), not a bad request', async () => {
    const error = await failingGenerate(400, loadFixture('gemini-400-api-key-invalid.json'));
    expect(error).toBeInstanceOf(ProviderApiError);
    expect(error).toMatchObject({ upstreamStatus: 401, httpStatus: 502, isRetryable: false });
    expect(error.message).toContain('API key not valid');
  });

  it.each([
    [401, { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } }, 'UNAUTHENTICATED'],
    [403, loadFixture('gemini-403-permission-denied.json'), 'PERMISSION_DENIED'],
    [404, loadFixture('gemini-404-model.json'), 'NOT_FOUND'],
  ])('maps %i to a non-retryable upstream error', async (status, body, upstreamCode) => {
    const error = await failingGenerate(status, body);
    expect(error).toBeInstanceOf(ProviderApiError);
    expect(error).not.toBeInstanceOf(ProviderRateLimitError);
    expect(error).toMatchObject({ upstreamStatus: status, httpStatus: 502, isRetryable: false, upstreamCode });
  });

  it.each([
    [500, loadFixture('gemini-500-internal.json'), 'INTERNAL'],
    [503, loadFixture('gemini-503-unavailable.json'), 'UNAVAILABLE'],
    [504, { error: { code: 504, message: 'Deadline expired before operation could complete.', status: 'DEADLINE_EXCEEDED' } }, 'DEADLINE_EXCEEDED'],
  ])('maps %i to a retryable upstream error', async (status, body, upstreamCode) => {
    const error = await failingGenerate(status, body);
    expect(error).toBeInstanceOf(ProviderApiError);
    expect(error).toMatchObject({ upstreamStatus: status, httpStatus: 502, isRetryable: true, upstreamCode });
  });

  it('maps a 529 with a non-JSON body by status alone, keeping the body text', async () => {
    server.enqueue(GENERATE_PATH, { type: 'text', status: 529, body: '<html>upstream overloaded</html>' });
    const model = createGemini({ name: 'gemini-test', baseUrl: `${server.url}/v1beta`, apiKey: 'k' }).languageModel('gemini-2.5-flash');
    const error = await model.generate({ messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ProviderApiError);
    expect(error).toMatchObject({ upstreamStatus: 529, isRetryable: true, upstreamBody: '<html>upstream overloaded</html>' });
    expect((error as Error).message).toContain('upstream overloaded');
  });

  it('reads the error body Gemini sends as a one-element array', async () => {
    const error = await failingGenerate(429, [loadFixture('gemini-429-retry-info.json')]);
    expect(error).toMatchObject({ upstreamCode: 'RESOURCE_EXHAUSTED', retryAfterMs: 34_400 });
  });
});
