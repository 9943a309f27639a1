import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFakeOpenAIUpstream } from '../fakes/fake-openai-upstream.js';
import { sse, type TestServer } from '../support/create-test-server.js';
import { minimalConfig, startTestGateway, type TestGateway } from '../support/start-test-gateway.js';

/**
 * The official Anthropic SDK pointed at the gateway, which answers from an OpenAI-compatible
 * upstream: every request and answer crosses both wire formats.
 */
const API_KEY = 'switchyard-client-key';

let upstream: TestServer;
let gateway: TestGateway;
let client: Anthropic;

const weatherTool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

beforeAll(async () => {
  upstream = await createFakeOpenAIUpstream();
  const yaml = `keys:\n  - { name: anthropic-tests, key: ${API_KEY} }\n${minimalConfig(upstream.url)}workloads:\n  support-triage:\n    route: { model: mock-model }\n`;
  gateway = await startTestGateway(yaml);
  client = new Anthropic({ baseURL: gateway.url, apiKey: API_KEY, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
});
beforeEach(() => {
  upstream.requests.length = 0;
  gateway.summaries.length = 0;
});

describe('Anthropic SDK against the gateway', () => {
  it('creates a message from an OpenAI upstream, with system prompt and usage', async () => {
    const { data: message, response } = await client.messages
      .create({
        model: 'mock-model',
        max_tokens: 50,
        system: 'Be brief.',
        messages: [{ role: 'user', content: 'Hello gateway' }],
        stop_sequences: ['\n\n'],
        metadata: { user_id: 'user-42' },
      })
      .withResponse();
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'mock-model-2024-08-06',
      content: [{ type: 'text', text: 'Echo: Hello gateway' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 12, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    });
    expect(message.id).toMatch(/^msg_/);
    expect(response.headers.get('request-id')).toBe(response.headers.get('x-request-id'));
    expect(response.headers.get('x-switchyard-deployment')).toBe('local/mock-model');

    const sent = upstream.requests[0]!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.body).toMatchObject({
      model: 'mock-model',
      max_completion_tokens: 50,
      stop: ['\n\n'],
      user: 'user-42',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello gateway' },
      ],
    });
    expect(gateway.summaries).toMatchObject([{ endpoint: 'messages', stream: false, requestedModel: 'mock-model', status: 200 }]);
  });

  it('reaches a workload by model name', async () => {
    const message = await client.messages.create({
      model: 'workload/support-triage',
      max_tokens: 20,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Triage me' }] }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'Echo: Triage me' }]);
    expect(upstream.requests[0]!.body).toMatchObject({ model: 'mock-model' });
  });

  it('streams with messages.stream(): text events and the final message', async () => {
    const stream = client.messages.stream({ model: 'mock-model', max_tokens: 50, messages: [{ role: 'user', content: 'Stream me please' }] });
    const pieces: string[] = [];
    stream.on('text', (delta) => pieces.push(delta));
    const message = await stream.finalMessage();
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe('Echo: Stream me please');
    expect(message).toMatchObject({
      role: 'assistant',
      model: 'mock-model-2024-08-06',
      content: [{ type: 'text', text: 'Echo: Stream me please' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 12, output_tokens: 5 },
    });
    expect(upstream.requests[0]!.body).toMatchObject({ model: 'mock-model', stream: true, stream_options: { include_usage: true } });
    await expect.poll(() => gateway.summaries.length).toBe(1);
    expect(gateway.summaries[0]).toMatchObject({ endpoint: 'messages', stream: true, usage: { inputTokens: 12, outputTokens: 5 } });
  });

  it('round-trips a tool call: tool_use with parsed input, then tool_result back', async () => {
    const question = { role: 'user' as const, content: 'Weather in Paris?' };
    const first = await client.messages.create({
      model: 'mock-model',
      max_tokens: 100,
      messages: [question],
      tools: [weatherTool],
      tool_choice: { type: 'tool', name: 'get_weather' },
    });
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content).toEqual([{ type: 'tool_use', id: 'call_fake1', name: 'get_weather', input: { city: 'Paris' } }]);
    expect(upstream.requests[0]!.body).toMatchObject({
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Current weather for a city', parameters: weatherTool.input_schema } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });

    const second = await client.messages.create({
      model: 'mock-model',
      max_tokens: 100,
      tools: [weatherTool],
      messages: [
        question,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_fake1', content: '18°C and sunny' }] },
      ],
    });
    expect(second.content).toEqual([{ type: 'text', text: 'Echo: Weather in Paris?' }]);
    expect(second.stop_reason).toBe('end_turn');
    expect((upstream.requests[1]!.body as { messages: unknown[] }).messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_fake1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_fake1', content: '18°C and sunny' },
    ]);
  });

  it('streams a tool call as a tool_use block whose input the SDK assembles', async () => {
    const stream = client.messages.stream({
      model: 'mock-model',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [weatherTool],
      tool_choice: { type: 'any' },
    });
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([{ type: 'tool_use', id: 'call_fake1', name: 'get_weather', input: { city: 'Paris' } }]);
    expect(upstream.requests[0]!.body).toMatchObject({ tool_choice: 'required' });
  });

  it('raises NotFoundError with an Anthropic-format body for an unknown model', async () => {
    const error = await client.messages
      .create({ model: 'no-such-model', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    const typed = error as InstanceType<typeof Anthropic.NotFoundError>;
    expect(typed.status).toBe(404);
    expect(typed.error).toMatchObject({ type: 'error', error: { type: 'not_found_error', message: expect.stringContaining("Model 'no-such-model' is not configured") } });
    expect(typed.requestID).toBe((typed.error as { request_id: string }).request_id);
    expect(typed.requestID).toBe(typed.headers?.get('x-request-id'));
    expect(upstream.requests).toHaveLength(0);
  });

  it('raises BadRequestError naming a missing max_tokens', async () => {
    const body = { model: 'mock-model', messages: [{ role: 'user', content: 'x' }] } as unknown as Anthropic.MessageCreateParamsNonStreaming;
    const error = await client.messages.create(body).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as InstanceType<typeof Anthropic.BadRequestError>).error).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: "Missing required parameter: 'max_tokens'." },
      request_id: expect.any(String),
    });
  });

  it('raises AuthenticationError for a wrong x-api-key', async () => {
    const stranger = new Anthropic({ baseURL: gateway.url, apiKey: 'x', maxRetries: 0 });
    const error = await stranger.messages.create({ model: 'mock-model', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((error as InstanceType<typeof Anthropic.AuthenticationError>).error).toMatchObject({ error: { type: 'authentication_error' } });
  });

  it('raises RateLimitError with Retry-After for an upstream 429', async () => {
    upstream.enqueue('/v1/chat/completions', {
      type: 'json',
      status: 429,
      headers: { 'retry-after': '7' },
      body: { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
    });
    const error = await client.messages.create({ model: 'mock-model', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const typed = error as InstanceType<typeof Anthropic.RateLimitError>;
    expect(typed.headers?.get('retry-after')).toBe('7');
    expect(typed.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
  });

  it('refuses extended thinking for a model that cannot think, or drops it with a warning on request', async () => {
    const params = { model: 'mock-model', max_tokens: 2000, thinking: { type: 'enabled' as const, budget_tokens: 1024 }, messages: [{ role: 'user' as const, content: 'x' }] };
    const error = await client.messages.create(params).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as InstanceType<typeof Anthropic.BadRequestError>).message).toMatch(/thinking\.budget_tokens/);
    const dropped = await client.messages.create(params, { headers: { 'x-switchyard-unsupported-params': 'drop' } }).withResponse();
    expect(dropped.response.headers.get('x-switchyard-warnings')).toBe('unsupported:thinking.budget_tokens');
  });

  it('raises OverloadedError for an overloaded upstream', async () => {
    // The gateway retries once (the default), so the upstream stays overloaded for both tries.
    const overloaded = { type: 'json' as const, status: 503, body: { error: { message: 'overloaded' } } };
    upstream.enqueue('/v1/chat/completions', overloaded, overloaded);
    const error = await client.messages.create({ model: 'mock-model', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.OverloadedError);
    expect((error as InstanceType<typeof Anthropic.OverloadedError>).error).toMatchObject({ error: { type: 'overloaded_error' } });
  });

  it('ends a stream cut mid-way with an error event the SDK raises', async () => {
    const chunk = (content: string) => sse({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] });
    upstream.enqueue('/v1/chat/completions', { type: 'stream', chunks: [chunk('Hello'), chunk(' world'), chunk('!')], cutAfter: 2, delayMs: 5 });
    const stream = client.messages.stream({ model: 'mock-model', max_tokens: 50, messages: [{ role: 'user', content: 'x' }] });
    const pieces: string[] = [];
    stream.on('text', (delta) => pieces.push(delta));
    const failure = await stream.finalMessage().catch((caught: unknown) => caught);
    expect(pieces.join('')).toBe('Hello world');
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect((failure as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'api_error' } });
  });
});
