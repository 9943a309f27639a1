import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatCall, ToolDefinition } from '../../spec/chat-call.js';
import {
  GatewayError,
  InvalidRequestError,
  ProviderApiError,
  ProviderRateLimitError,
  ProviderTimeoutError,
  StreamInterruptedError,
} from '../../spec/errors.js';
import type { StreamEvent, StreamEventReader } from '../../spec/stream-event.js';
import { WaitClock } from '../../spec/wait-clock.js';
import { createSimulated, simulatedProviderOptionsSchema, type SimulatedProviderOptionsInput } from './index.js';

/** Records every wait and returns at once, honouring aborts like the real sleep. */
function recordingSleep(): { sleep: (ms: number, signal?: AbortSignal) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      waits.push(ms);
    },
  };
}

function model(options: SimulatedProviderOptionsInput = {}, extra: { random?: () => number; sleep?: (ms: number, signal?: AbortSignal) => Promise<void> } = {}) {
  const sleep = extra.sleep ?? recordingSleep().sleep;
  return createSimulated({ name: 'sim-open', options: simulatedProviderOptionsSchema.parse(options), sleep, ...(extra.random ? { random: extra.random } : {}) }).languageModel('open-small');
}

function userCall(text: string, extra: Partial<ChatCall> = {}): ChatCall {
  return { messages: [{ role: 'user', content: [{ type: 'text', text }] }], ...extra };
}

async function readAll(stream: StreamEventReader): Promise<{ events: StreamEvent[]; error?: unknown }> {
  const events: StreamEvent[] = [];
  const reader = stream;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) return { events };
      events.push(next.value);
    }
  } catch (error) {
    return { events, error };
  }
}

const weatherTool: ToolDefinition = {
  type: 'function',
  name: 'get_weather',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1 }, metric: { type: 'boolean' } },
    required: ['city', 'days', 'metric'],
  },
};

afterEach(() => {
  vi.useRealTimers();
});

describe('SimulatedChatModel.generate', () => {
  it('returns labelled text, simulated model id and header, and estimated usage', async () => {
    const adapter = model({ output_tokens: { min: 12, max: 12 } });
    expect(adapter).toMatchObject({ specVersion: 'v1', provider: 'sim-open', providerType: 'simulated', modelId: 'open-small' });
    const call = userCall('Say hi to the demo audience');
    const result = await adapter.generate(call);
    expect(result.content).toEqual([{ type: 'text', text: expect.stringMatching(/^\[simulated open-small\] You said: "Say/) }]);
    expect(result.finishReason).toEqual({ unified: 'stop', raw: 'stop' });
    expect(result.usage).toEqual({ inputTokens: Math.ceil('Say hi to the demo audience'.length / 4), outputTokens: 12, cacheReadInputTokens: 0 });
    expect(result.response).toMatchObject({ modelId: 'simulated/open-small', headers: { 'x-switchyard-simulated': 'true' } });
    expect(result.response.id).toMatch(/^sim-/);
    expect(result.warnings).toEqual([]);
  });

  it('answers the same prompt with the same text', async () => {
    const adapter = model();
    const first = await adapter.generate(userCall('repeat me'));
    const second = await adapter.generate(userCall('repeat me'));
    expect(second.content).toEqual(first.content);
  });

  it('waits the latency, then the output time at tokens_per_second', async () => {
    const { sleep, waits } = recordingSleep();
    const adapter = model({ latency: { median_ms: 250 }, tokens_per_second: 20, output_tokens: { min: 10, max: 10 } }, { sleep });
    await adapter.generate(userCall('pace me'));
    expect(waits).toEqual([250, 500]);
  });

  it('returns a tool call with schema-satisfying JSON when a tool is required', async () => {
    const result = await model().generate(userCall('weather in Paris', { tools: [weatherTool], toolChoice: { type: 'required' } }));
    expect(result.finishReason).toEqual({ unified: 'tool-calls', raw: 'tool_calls' });
    expect(result.content).toHaveLength(1);
    const part = result.content[0];
    if (part?.type !== 'tool-call') throw new Error('expected a tool call');
    expect(part.toolName).toBe('get_weather');
    expect(JSON.parse(part.input)).toEqual({ city: 'example', days: 1, metric: true });
    expect(result.usage.outputTokens).toBeGreaterThan(0);
  });

  it('returns JSON text for a json-schema response format', async () => {
    const result = await model().generate(
      userCall('x', {
        responseFormat: { type: 'json-schema', name: 'r', schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } },
      }),
    );
    const part = result.content[0];
    expect(part?.type === 'text' && JSON.parse(part.text)).toEqual({ ok: true });
  });

  it('warns about logprobs instead of failing', async () => {
    const result = await model().generate(userCall('x', { logprobs: true }));
    expect(result.warnings).toEqual([{ type: 'unsupported-setting', setting: 'logprobs' }]);
  });

  it('rejects a forced tool that does not exist before waiting', async () => {
    const { sleep, waits } = recordingSleep();
    await expect(
      model({}, { sleep }).generate(userCall('x', { tools: [weatherTool], toolChoice: { type: 'tool', toolName: 'nope' } })),
    ).rejects.toBeInstanceOf(InvalidRequestError);
    expect(waits).toEqual([]);
  });

  it('rejects with the abort reason when aborted during the latency (real timers, faked)', async () => {
    vi.useFakeTimers();
    const adapter = createSimulated({
      name: 'sim',
      options: simulatedProviderOptionsSchema.parse({ latency: { median_ms: 5000 } }),
    }).languageModel('m');
    const controller = new AbortController();
    const pending = adapter.generate(userCall('slow', { abortSignal: controller.signal }));
    await vi.advanceTimersByTimeAsync(1000);
    expect(vi.getTimerCount()).toBe(1);
    const reason = new Error('client went away');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('resolves after the latency with real timers faked', async () => {
    vi.useFakeTimers();
    const adapter = createSimulated({ name: 'sim', options: simulatedProviderOptionsSchema.parse({ latency: { median_ms: 300 } }) }).languageModel('m');
    let settled = false;
    const pending = adapter.generate(userCall('x')).then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(299);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await pending;
    expect(settled).toBe(true);
  });

  it("counts its latency and token pacing on the request's wait clock: they stand for the provider's time, not the gateway's", async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const waits: number[] = [];
    // Each simulated wait moves the clock once the caller has started counting it.
    const sleep = async (ms: number) => {
      await Promise.resolve();
      waits.push(ms);
      vi.advanceTimersByTime(ms);
    };
    const options = { latency: { median_ms: 40 }, tokens_per_second: 50 };
    for (const streamed of [false, true]) {
      waits.length = 0;
      const startedAt = performance.now();
      const waitClock = new WaitClock();
      const adapter = model(options, { sleep });
      if (streamed) await readAll((await adapter.stream(userCall('pace me', { waitClock }))).stream);
      else await adapter.generate(userCall('pace me', { waitClock }));
      waitClock.finish();
      const waited = waits.reduce((total, ms) => total + ms, 0);
      expect(waited).toBeGreaterThan(40);
      expect(waitClock.waitedUntil(performance.now())).toBeCloseTo(waited, 9);
      expect(waitClock.ownTimeMs(startedAt)).toBeCloseTo(0, 9);
    }
  });

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('early'));
    await expect(model().generate(userCall('x', { abortSignal: controller.signal }))).rejects.toThrow('early');
  });
});

describe('faults', () => {
  it('rate_limit throws ProviderRateLimitError 429 with retry_after_ms, without waiting', async () => {
    const { sleep, waits } = recordingSleep();
    const adapter = model({ latency: { median_ms: 100 }, faults: { rate_limit: 1, retry_after_ms: 2500 } }, { sleep });
    const error = await adapter.generate(userCall('x')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderRateLimitError);
    expect(error).toMatchObject({ upstreamStatus: 429, retryAfterMs: 2500, provider: 'sim-open', isRetryable: true, code: 'provider_rate_limited' });
    expect(waits).toEqual([]);
  });

  it('rate_limit defaults retryAfterMs to 1000', async () => {
    await expect(model({ faults: { rate_limit: 1 } }).generate(userCall('x'))).rejects.toMatchObject({ retryAfterMs: 1000 });
  });

  it('server_error throws a retryable ProviderApiError 503', async () => {
    const error = await model({ faults: { server_error: 1 } }).generate(userCall('x')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderApiError);
    expect(error).not.toBeInstanceOf(ProviderRateLimitError);
    expect(error).toMatchObject({ upstreamStatus: 503, isRetryable: true });
  });

  it('timeout throws ProviderTimeoutError (first-token) after the latency, for streams too', async () => {
    const { sleep, waits } = recordingSleep();
    const adapter = model({ latency: { median_ms: 700 }, faults: { timeout: 1 } }, { sleep });
    await expect(adapter.generate(userCall('x'))).rejects.toSatisfy(
      (error: unknown) => error instanceof ProviderTimeoutError && error.phase === 'first-token',
    );
    await expect(adapter.stream(userCall('x'))).rejects.toBeInstanceOf(ProviderTimeoutError);
    expect(waits).toEqual([700, 700]);
  });

  it('picks the fault from one draw against cumulative shares', async () => {
    const options = { faults: { rate_limit: 0.2, server_error: 0.3, timeout: 0.1 } };
    const outcome = async (draw: number): Promise<string> =>
      model(options, { random: () => draw })
        .generate(userCall('x'))
        .then(
          () => 'ok',
          (error: unknown) => (GatewayError.isInstance(error) ? error.code : 'unknown'),
        );
    expect(await outcome(0.19)).toBe('provider_rate_limited');
    expect(await outcome(0.2)).toBe('provider_http_error');
    expect(await outcome(0.49)).toBe('provider_http_error');
    expect(await outcome(0.55)).toBe('provider_timeout');
    expect(await outcome(0.6)).toBe('ok');
  });

  it('produces the configured fault rates over many seeded calls', async () => {
    const adapter = model({ seed: 1234, faults: { rate_limit: 0.1, server_error: 0.05, timeout: 0.05 } });
    const counts = new Map<string, number>();
    const calls = 2000;
    for (let index = 0; index < calls; index++) {
      const code = await adapter.generate(userCall('x')).then(
        () => 'ok',
        (error: unknown) => (GatewayError.isInstance(error) ? error.code : 'unknown'),
      );
      counts.set(code, (counts.get(code) ?? 0) + 1);
    }
    const share = (code: string): number => (counts.get(code) ?? 0) / calls;
    expect(Math.abs(share('provider_rate_limited') - 0.1)).toBeLessThan(0.02);
    expect(Math.abs(share('provider_http_error') - 0.05)).toBeLessThan(0.015);
    expect(Math.abs(share('provider_timeout') - 0.05)).toBeLessThan(0.015);
    expect(Math.abs(share('ok') - 0.8)).toBeLessThan(0.025);
  });

  it('replays the same latencies and faults for the same seed', async () => {
    const run = async (seed: number): Promise<string[]> => {
      const { sleep, waits } = recordingSleep();
      const adapter = model(
        { seed, latency: { distribution: 'lognormal', median_ms: 100, p99_ms: 1000 }, faults: { rate_limit: 0.3, stream_cut: 0.5 } },
        { sleep },
      );
      const outcomes: string[] = [];
      for (let index = 0; index < 30; index++) {
        const outcome = await adapter.stream(userCall(`q${index}`)).then(
          async ({ stream }) => ((await readAll(stream)).error === undefined ? 'complete' : 'cut'),
          (error: unknown) => (GatewayError.isInstance(error) ? error.code : 'unknown'),
        );
        outcomes.push(outcome);
      }
      return [...outcomes, ...waits.map(String)];
    };
    const first = await run(99);
    expect(await run(99)).toEqual(first);
    expect(await run(100)).not.toEqual(first);
    expect(first).toContain('provider_rate_limited');
    expect(first).toContain('cut');
    expect(first).toContain('complete');
  });
});

describe('SimulatedChatModel.stream', () => {
  it('emits stream-start, metadata, text deltas of a few tokens, then finish, matching generate', async () => {
    const adapter = model({ output_tokens: { min: 20, max: 20 } });
    const call = userCall('stream this please');
    const { stream, response } = await adapter.stream(call);
    expect(response).toMatchObject({ modelId: 'simulated/open-small', headers: { 'x-switchyard-simulated': 'true' } });
    const { events, error } = await readAll(stream);
    expect(error).toBeUndefined();
    expect(events.map((event) => event.type)).toEqual(['stream-start', 'response-metadata', ...Array(7).fill('text-delta'), 'finish']);
    expect(events[1]).toMatchObject({ modelId: 'simulated/open-small', id: response?.id });
    const text = events.map((event) => (event.type === 'text-delta' ? event.delta : '')).join('');
    const generated = await adapter.generate(call);
    expect(generated.content).toEqual([{ type: 'text', text }]);
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: generated.finishReason, usage: generated.usage });
  });

  it('paces deltas at tokens_per_second after the latency', async () => {
    const { sleep, waits } = recordingSleep();
    const adapter = model({ latency: { median_ms: 40 }, tokens_per_second: 100, output_tokens: { min: 7, max: 7 } }, { sleep });
    const { stream } = await adapter.stream(userCall('pace'));
    await readAll(stream);
    // Latency, then 0 for start and metadata, 3+3+1 tokens at 10 ms each, 0 for finish.
    expect(waits).toEqual([40, 0, 0, 30, 30, 10, 0]);
  });

  it('streams a tool call as tool-input-start and deltas that join to valid JSON', async () => {
    const { stream } = await model().stream(userCall('use get_weather for Rome', { tools: [weatherTool] }));
    const { events } = await readAll(stream);
    const types = events.map((event) => event.type);
    expect(types.slice(0, 3)).toEqual(['stream-start', 'response-metadata', 'tool-input-start']);
    expect(types.at(-1)).toBe('finish');
    expect(types.filter((type) => type === 'tool-input-delta').length).toBeGreaterThan(1);
    const start = events[2];
    if (start?.type !== 'tool-input-start') throw new Error('expected tool-input-start');
    expect(start.toolName).toBe('get_weather');
    const json = events.map((event) => (event.type === 'tool-input-delta' && event.toolCallId === start.toolCallId ? event.delta : '')).join('');
    expect(JSON.parse(json)).toEqual({ city: 'example', days: 1, metric: true });
    expect(events.at(-1)).toMatchObject({ finishReason: { unified: 'tool-calls' } });
  });

  it('stream_cut errors the stream with StreamInterruptedError after about half the deltas', async () => {
    const adapter = model({ output_tokens: { min: 30, max: 30 }, faults: { stream_cut: 1 } });
    const { stream } = await adapter.stream(userCall('cut me'));
    const { events, error } = await readAll(stream);
    expect(error).toBeInstanceOf(StreamInterruptedError);
    expect(events.map((event) => event.type)).toEqual(['stream-start', 'response-metadata', ...Array(5).fill('text-delta')]);
  });

  it('does not cut generate calls even when stream_cut is certain', async () => {
    const result = await model({ faults: { stream_cut: 1 } }).generate(userCall('whole'));
    expect(result.finishReason.unified).toBe('stop');
  });

  it('errors the stream with the abort reason when aborted mid-stream, clearing its timer', async () => {
    vi.useFakeTimers();
    const adapter = createSimulated({
      name: 'sim',
      options: simulatedProviderOptionsSchema.parse({ tokens_per_second: 10, output_tokens: { min: 30, max: 30 } }),
    }).languageModel('m');
    const controller = new AbortController();
    const { stream } = await adapter.stream(userCall('x', { abortSignal: controller.signal }));
    const reader = stream;
    expect((await reader.read()).value?.type).toBe('stream-start');
    expect((await reader.read()).value?.type).toBe('response-metadata');
    const pendingDelta = reader.read();
    await vi.advanceTimersByTimeAsync(300);
    expect((await pendingDelta).value?.type).toBe('text-delta');
    const pendingNext = reader.read();
    expect(vi.getTimerCount()).toBe(1);
    const reason = new Error('disconnect');
    controller.abort(reason);
    await expect(pendingNext).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('cancel stops the pacing timers', async () => {
    vi.useFakeTimers();
    const adapter = createSimulated({
      name: 'sim',
      options: simulatedProviderOptionsSchema.parse({ tokens_per_second: 5, output_tokens: { min: 30, max: 30 } }),
    }).languageModel('m');
    const { stream } = await adapter.stream(userCall('x'));
    const reader = stream;
    await reader.read();
    await reader.read();
    const pending = reader.read();
    await vi.advanceTimersByTimeAsync(10);
    expect(vi.getTimerCount()).toBe(1);
    await reader.cancel('client gone');
    expect(vi.getTimerCount()).toBe(0);
    expect(await pending).toEqual({ done: true, value: undefined });
  });

  it('is pull-based: nothing is produced ahead of the reader', async () => {
    const { sleep, waits } = recordingSleep();
    const { stream } = await model({ output_tokens: { min: 30, max: 30 } }, { sleep }).stream(userCall('x'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(waits).toEqual([0]);
    const reader = stream;
    await reader.read();
    expect(waits).toEqual([0, 0]);
    await reader.cancel();
  });
});
