import OpenAI from 'openai';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFakeOpenAIUpstream } from '../fakes/fake-openai-upstream.js';
import { sse, type TestServer } from '../support/create-test-server.js';
import { minimalConfig, startTestGateway, type TestGateway } from '../support/start-test-gateway.js';

let upstream: TestServer;
let backup: TestServer;
let gateway: TestGateway;
let client: OpenAI;
let configFile: string;

function configYaml(primaryUrl: string, backupUrl: string, extra = ''): string {
  return `${minimalConfig(primaryUrl)}  embedder:
    kind: embedding
    deployments:
      - provider: local
        model: text-embedding-3-small
  resilient:
    load_balancing: ordered
    deployments:
      - provider: local
        model: flaky-model
      - provider: backup
        model: steady-model
${extra}resilience:
  retry: { max_attempts: 1 }
workloads:
  support-triage:
    route: { model: mock-model, fallbacks: [resilient] }
`.replace('providers:\n', `providers:\n  backup:\n    type: vllm\n    base_url: ${backupUrl}/v1\n`);
}

beforeAll(async () => {
  upstream = await createFakeOpenAIUpstream();
  backup = await createFakeOpenAIUpstream();
  configFile = join(await mkdtemp(join(tmpdir(), 'switchyard-e2e-')), 'switchyard.yaml');
  const yaml = configYaml(upstream.url, backup.url);
  await writeFile(configFile, yaml);
  gateway = await startTestGateway(yaml, { configFile });
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'client-key', maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
  await backup.close();
});
beforeEach(() => {
  upstream.requests.length = 0;
  backup.requests.length = 0;
});

describe('OpenAI SDK against the gateway', () => {
  it('creates a chat completion', async () => {
    const completion = await client.chat.completions.create({
      model: 'mock-model',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello gateway' },
      ],
      temperature: 0.2,
      max_tokens: 50,
      stop: ['\n\n'],
    });
    expect(completion.choices[0]!.message.content).toBe('Echo: Hello gateway');
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.model).toBe('mock-model-2024-08-06');
    expect(completion.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 });
    const sent = upstream.requests[0]!;
    expect(sent.headers.authorization).toBe('Bearer none');
    expect(sent.body).toMatchObject({
      model: 'mock-model',
      max_completion_tokens: 50,
      temperature: 0.2,
      stop: ['\n\n'],
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello gateway' },
      ],
    });
  });

  it('streams with include_usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'mock-model',
      messages: [{ role: 'user', content: 'Stream this please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Echo: Stream this please');
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 5 });
    expect(upstream.requests[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('calls tools, streaming and not, and takes tool results back', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
      },
    ];
    const completion = await client.chat.completions.create({
      model: 'mock-model',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    const call = completion.choices[0]!.message.tool_calls![0]!;
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call.type === 'function' && call.function).toEqual({ name: 'get_weather', arguments: '{"city":"Paris"}' });

    const runner = client.chat.completions.stream({
      model: 'mock-model',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools,
      tool_choice: 'required',
    });
    const final = await runner.finalChatCompletion();
    const streamed = final.choices[0]!.message.tool_calls![0]!;
    expect(streamed.type === 'function' && JSON.parse(streamed.function.arguments)).toEqual({ city: 'Paris' });

    await client.chat.completions.create({
      model: 'mock-model',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '21C and sunny' },
      ],
      tools,
    });
    expect((upstream.requests.at(-1)!.body as { messages: unknown[] }).messages.slice(1)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '21C and sunny' },
    ]);
  });

  it('passes a JSON schema response format through and returns JSON', async () => {
    const completion = await client.chat.completions.create({
      model: 'mock-model',
      messages: [{ role: 'user', content: 'Give JSON' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', strict: true, schema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] } },
      },
    });
    expect(JSON.parse(completion.choices[0]!.message.content!)).toMatchObject({ answer: 'ok' });
    expect(upstream.requests[0]!.body).toMatchObject({ response_format: { type: 'json_schema', json_schema: { name: 'answer', strict: true } } });
  });

  it('keeps a refusal a refusal, so parse() reports it rather than parsing it as JSON, streamed or not', async () => {
    const refused = 'I cannot help with that.';
    upstream.enqueue('/v1/chat/completions', {
      type: 'json',
      body: {
        id: 'chatcmpl-r', object: 'chat.completion', created: 1, model: 'mock-model',
        choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: refused }, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 },
      },
    });
    const parsed = await client.chat.completions.parse({
      model: 'mock-model',
      messages: [{ role: 'user', content: 'Give JSON' }],
      response_format: { type: 'json_schema', json_schema: { name: 'answer', strict: true, schema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false } } },
    });
    expect(parsed.choices[0]!.message).toMatchObject({ content: null, refusal: refused, parsed: null });

    const delta = (refusal: string) => sse({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { refusal }, finish_reason: null }] });
    const done = sse({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    upstream.enqueue('/v1/chat/completions', { type: 'stream', chunks: [delta('I cannot '), delta('help with that.'), done, 'data: [DONE]\n\n'] });
    const stream = await client.chat.completions.create({ model: 'mock-model', messages: [{ role: 'user', content: 'x' }], stream: true });
    let streamedRefusal = '';
    let streamedContent = '';
    for await (const chunk of stream) {
      streamedRefusal += chunk.choices[0]?.delta.refusal ?? '';
      streamedContent += chunk.choices[0]?.delta.content ?? '';
    }
    expect({ streamedRefusal, streamedContent }).toEqual({ streamedRefusal: refused, streamedContent: '' });
  });

  it('passes logprobs through', async () => {
    const completion = await client.chat.completions.create({ model: 'mock-model', messages: [{ role: 'user', content: 'x' }], logprobs: true, top_logprobs: 2 });
    expect(completion.choices[0]!.logprobs?.content?.[0]).toMatchObject({ token: 'Echo', logprob: -0.1 });
    expect(upstream.requests[0]!.body).toMatchObject({ logprobs: true, top_logprobs: 2 });
  });

  it('creates embeddings (the SDK asks for base64 by default)', async () => {
    const response = await client.embeddings.create({ model: 'embedder', input: ['hello', 'world!'] });
    expect(response.data).toHaveLength(2);
    expect(response.data[1]!.embedding).toHaveLength(8);
    expect(response.data[1]!.embedding[0]).toBeCloseTo(6 / 7, 5);
  });

  it('lists models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['mock-model', 'embedder', 'resilient', 'workload/support-triage']);
  });

  it('raises typed SDK errors for bad requests', async () => {
    await expect(client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
      param: 'model',
    });
    await expect(
      client.chat.completions.create({ model: 'mock-model', messages: [{ role: 'user', content: 'x' }], temperature: 5 }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });

  it('maps an upstream 429 to a 429 with Retry-After', async () => {
    upstream.enqueue('/v1/chat/completions', {
      type: 'json',
      status: 429,
      headers: { 'retry-after': '7' },
      body: { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
    });
    const error = await client.chat.completions.create({ model: 'mock-model', messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('7');
  });

  it('answers 502 when the upstream returns garbage', async () => {
    upstream.enqueue('/v1/chat/completions', { type: 'text', body: '<html>oops</html>' });
    await expect(client.chat.completions.create({ model: 'mock-model', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 502,
      code: 'provider_bad_response',
    });
  });

  it('ends a stream with a clear SSE error when the upstream closes mid-way', async () => {
    const chunk = (content: string) => sse({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] });
    upstream.enqueue('/v1/chat/completions', { type: 'stream', chunks: [chunk('Hello'), chunk(' world'), chunk('!')], cutAfter: 2, delayMs: 5 });
    const stream = await client.chat.completions.create({ model: 'mock-model', messages: [{ role: 'user', content: 'x' }], stream: true });
    let text = '';
    const failure = await (async () => {
      for await (const part of stream) text += part.choices[0]?.delta.content ?? '';
    })().catch((caught: unknown) => caught);
    expect(text).toBe('Hello world');
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(String((failure as Error).message)).toMatch(/closed the stream mid-way|ended the stream before it was complete/);
  });

  it('fails over to the next deployment on a 5xx before answering', async () => {
    upstream.enqueue('/v1/chat/completions', { type: 'json', status: 503, body: { error: { message: 'overloaded' } } });
    const response = await client.chat.completions
      .create({ model: 'resilient', messages: [{ role: 'user', content: 'x' }] })
      .withResponse();
    expect(response.data.choices[0]!.message.content).toBe('Echo: x');
    expect(response.response.headers.get('x-switchyard-deployment')).toBe('backup/steady-model');
    expect(response.response.headers.get('x-switchyard-attempts')).toBe('2');
    expect(backup.requests[0]!.body).toMatchObject({ model: 'steady-model' });
    expect(upstream.requests[0]!.body).toMatchObject({ model: 'flaky-model' });
  });

  it('aborts the upstream request when the client disconnects mid-stream', async () => {
    const chunk = sse({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'tick ' }, finish_reason: null }] });
    upstream.enqueue('/v1/chat/completions', { type: 'stream', chunks: Array.from({ length: 200 }, () => chunk), delayMs: 20 });
    const before = upstream.closedByClient;
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'mock-model', messages: [{ role: 'user', content: 'x' }], stream: true },
      { signal: controller.signal },
    );
    let received = 0;
    await (async () => {
      for await (const _ of stream) {
        received += 1;
        if (received === 3) controller.abort();
      }
    })().catch(() => undefined);
    await expect.poll(() => upstream.closedByClient, { timeout: 3000 }).toBe(before + 1);
  });

  it('caps a request at the client deadline header with a 504', async () => {
    upstream.enqueue('/v1/chat/completions', { type: 'hang' });
    const started = performance.now();
    const error = await client.chat.completions
      .create({ model: 'mock-model', messages: [{ role: 'user', content: 'x' }] }, { headers: { 'x-switchyard-timeout-ms': '300' } })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 504, code: 'deadline_exceeded' });
    expect(performance.now() - started).toBeLessThan(2000);
    await expect.poll(() => upstream.closedByClient, { timeout: 2000 }).toBeGreaterThan(0);
  });

  it('reloads config atomically: in-flight requests finish, an invalid config is rejected', async () => {
    const slow = sse({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'slow ' }, finish_reason: null }] });
    const done = sse({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    upstream.enqueue('/v1/chat/completions', { type: 'stream', chunks: [slow, slow, slow, done, 'data: [DONE]\n\n'], delayMs: 60 });
    const inFlight = client.chat.completions.create({ model: 'mock-model', messages: [{ role: 'user', content: 'x' }], stream: true });
    const stream = await inFlight;

    await writeFile(configFile, configYaml(upstream.url, backup.url, '  added-model:\n    deployments:\n      - provider: local\n        model: added\n'));
    const reload = await fetch(`${gateway.url}/admin/reload`, { method: 'POST' });
    expect(await reload.json()).toMatchObject({ reloaded: true, generation: 2 });

    let text = '';
    for await (const part of stream) text += part.choices[0]?.delta.content ?? '';
    expect(text).toBe('slow slow slow ');
    const added = await client.chat.completions.create({ model: 'added-model', messages: [{ role: 'user', content: 'new' }] });
    expect(added.choices[0]!.message.content).toBe('Echo: new');

    await writeFile(configFile, 'providers:\n  broken: { type: nonsense }\n');
    const rejected = await fetch(`${gateway.url}/admin/reload`, { method: 'POST' });
    expect(rejected.status).toBe(400);
    expect(await rejected.json()).toMatchObject({ reloaded: false, generation: 2, error: { code: 'config_invalid' } });
    const still = await client.chat.completions.create({ model: 'added-model', messages: [{ role: 'user', content: 'still' }] });
    expect(still.choices[0]!.message.content).toBe('Echo: still');
  });
});
