import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeAnthropicUpstream } from '../fakes/fake-anthropic-upstream.js';
import { createFakeGeminiUpstream } from '../fakes/fake-gemini-upstream.js';
import type { TestServer } from '../support/create-test-server.js';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.js';

/**
 * One client format in, another provider's wire format out: the OpenAI SDK reaching Claude and
 * Gemini, and the Anthropic SDK reaching Gemini and a simulated open model.
 */
let anthropicUpstream: TestServer;
let geminiUpstream: TestServer;
let gateway: TestGateway;
let openai: OpenAI;
let anthropic: Anthropic;

const weatherTool: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

beforeAll(async () => {
  anthropicUpstream = await createFakeAnthropicUpstream();
  geminiUpstream = await createFakeGeminiUpstream();
  gateway = await startTestGateway(`providers:
  claude:
    type: anthropic
    base_url: ${anthropicUpstream.url}/v1
    api_key: sk-ant-test
  google:
    type: gemini
    base_url: ${geminiUpstream.url}/v1beta
    api_key: g-test
  sim:
    type: simulated
    seed: 7
models:
  claude:
    deployments: [{ provider: claude, model: claude-sonnet-4-5-20250929, max_output_tokens: 1024 }]
  gemini:
    deployments: [{ provider: google, model: gemini-2.0-flash }]
  gemini-embed:
    kind: embedding
    deployments: [{ provider: google, model: text-embedding-004 }]
  open-sim:
    deployments: [{ provider: sim, model: llama-sim }]
`);
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: gateway.url, apiKey: 'x', maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await anthropicUpstream.close();
  await geminiUpstream.close();
});

describe('OpenAI SDK → Anthropic upstream', () => {
  it('translates a chat completion both ways, with cached-token usage', async () => {
    const completion = await openai.chat.completions.create({
      model: 'claude',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Hello Claude' },
      ],
      temperature: 0.1,
    });
    expect(completion.choices[0]!.message.content).toBe('Echo: Hello Claude');
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 20, completion_tokens: 7 });
    const sent = anthropicUpstream.requests.at(-1)!;
    expect(sent.headers['x-api-key']).toBe('sk-ant-test');
    expect(sent.body).toMatchObject({
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 1024,
      temperature: 0.1,
      system: [{ type: 'text', text: 'You are terse.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello Claude' }] }],
    });
  });

  it('streams text and tool calls from Anthropic SSE as OpenAI chunks', async () => {
    const stream = await openai.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'Stream it' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe('Echo: Stream it');
    expect(usage).toMatchObject({ prompt_tokens: 20, completion_tokens: 7 });

    const runner = openai.chat.completions.stream({
      model: 'claude',
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [weatherTool],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0]!;
    expect(call.type === 'function' && call.function.name).toBe('get_weather');
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(anthropicUpstream.requests.at(-1)!.body).toMatchObject({ tool_choice: { type: 'tool', name: 'get_weather' }, tools: [{ name: 'get_weather' }] });
  });

  it('answers a JSON schema request through the json tool', async () => {
    const completion = await openai.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'JSON please' }],
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object', properties: { answer: { type: 'string' } } } } },
    });
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual({ answer: 'ok' });
    expect(completion.choices[0]!.finish_reason).toBe('stop');
  });

  it('refuses logprobs for Claude by default, naming the parameter', async () => {
    await expect(openai.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'x' }], logprobs: true })).rejects.toMatchObject({
      status: 400,
      param: 'logprobs',
      code: 'unsupported_parameter',
    });
  });
});

describe('OpenAI SDK → Gemini upstream', () => {
  it('translates chat, streaming, tools and embeddings', async () => {
    const completion = await openai.chat.completions.create({ model: 'gemini', messages: [{ role: 'user', content: 'Hi Gemini' }] });
    expect(completion.choices[0]!.message.content).toBe('Echo: Hi Gemini');
    expect(completion.model).toBe('gemini-2.0-flash-001');
    expect(completion.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 4, prompt_tokens_details: { cached_tokens: 3 } });
    expect(geminiUpstream.requests.at(-1)!.path).toBe('/v1beta/models/gemini-2.0-flash:generateContent');
    expect(geminiUpstream.requests.at(-1)!.headers['x-goog-api-key']).toBe('g-test');

    const stream = await openai.chat.completions.create({ model: 'gemini', messages: [{ role: 'user', content: 'Stream Gemini' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Echo: Stream Gemini');
    expect(geminiUpstream.requests.at(-1)!.url.search).toBe('?alt=sse');

    const tool = await openai.chat.completions.create({ model: 'gemini', messages: [{ role: 'user', content: 'Weather?' }], tools: [weatherTool], tool_choice: 'required' });
    const call = tool.choices[0]!.message.tool_calls![0]!;
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });

    const embeddings = await openai.embeddings.create({ model: 'gemini-embed', input: ['a', 'b'], encoding_format: 'float' });
    expect(embeddings.data.map((entry) => entry.embedding)).toEqual([
      [0, 0.5, 0.25],
      [1, 0.5, 0.25],
    ]);
  });
});

describe('Anthropic SDK → other providers', () => {
  it('reaches Gemini and a simulated open model through /v1/messages', async () => {
    const message = await anthropic.messages.create({ model: 'gemini', max_tokens: 100, messages: [{ role: 'user', content: 'Hello from Anthropic SDK' }] });
    expect(message.content).toEqual([{ type: 'text', text: 'Echo: Hello from Anthropic SDK' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(geminiUpstream.requests.at(-1)!.body).toMatchObject({ generationConfig: { maxOutputTokens: 100 } });

    const stream = anthropic.messages.stream({ model: 'open-sim', max_tokens: 40, messages: [{ role: 'user', content: 'simulate' }] });
    const final = await stream.finalMessage();
    const text = final.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    expect(text).toMatch(/^\[simulated llama-sim\]/);
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });
});
